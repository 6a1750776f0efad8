package dev.warmpool.spi;

import dev.warmpool.api.WarmpoolException;

/**
 * A leader's write named an epoch that is no longer the pool's: another node took over. The store wrote nothing.
 * The node must stop acting as leader.
 *
 * @since 0.1
 */
public class StaleLeaderException extends WarmpoolException {
  private static final long serialVersionUID = 1L;

  /** The epoch the write named. */
  private final long epoch;

  /**
   * Creates the exception.
   *
   * @param poolId the pool
   * @param epoch the epoch the write named
   */
  public StaleLeaderException(String poolId, long epoch) {
    super("pool " + poolId + ": leadership epoch " + epoch + " is no longer current; another node leads");
    this.epoch = epoch;
  }

  /** {@return the stale epoch the write named} */
  public long epoch() {
    return epoch;
  }
}
