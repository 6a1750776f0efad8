package dev.warmpool.spi;

import dev.warmpool.api.WarmpoolException;

/**
 * A {@link PoolStore} could not be reached or did not answer in time (the database is down, a connection broke, a
 * statement timed out). The operation did not happen, or the store rolled it back; the caller may retry it later. If
 * the connection broke while the store committed, the outcome is unknown (see {@link PoolStore}).
 *
 * @since 0.1
 */
public class StoreUnavailableException extends WarmpoolException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the driver's exception, or null
   */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
