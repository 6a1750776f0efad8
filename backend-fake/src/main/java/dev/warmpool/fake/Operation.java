package dev.warmpool.fake;

/**
 * A kind of call to the fake cloud's control plane, as the call log and fault scripts name it.
 *
 * @since 0.1
 */
public enum Operation {
  /** {@link dev.warmpool.spi.WorkerProvider#provision}: a write. */
  PROVISION,
  /** {@link dev.warmpool.spi.WorkerProvider#deprovision}: a write. */
  DEPROVISION,
  /** {@link dev.warmpool.spi.WorkerProvider#list}: a read over every region. */
  LIST;

  /** {@return true for the calls that ARM counts as writes (provision and deprovision)} */
  public boolean isWrite() {
    return this != LIST;
  }
}
