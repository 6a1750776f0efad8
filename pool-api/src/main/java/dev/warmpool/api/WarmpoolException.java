package dev.warmpool.api;

/**
 * The root of every exception that Warmpool throws on purpose.
 *
 * <p>Unchecked, so that callers catch only what they can act on. Subclasses say what failed and carry what a person
 * needs to act on it.
 *
 * @since 0.1
 */
public class WarmpoolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public WarmpoolException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure, may be {@code null}
   */
  public WarmpoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
