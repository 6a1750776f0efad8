package dev.warmpool.core;

/** {@link LeasingTest} on the local ledger (no store). */
class LocalLeasingTest extends LeasingTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
