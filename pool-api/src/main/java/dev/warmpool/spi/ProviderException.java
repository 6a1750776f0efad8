package dev.warmpool.spi;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.WarmpoolException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed provider call, classified so the pool knows what to do next (see {@link FailureKind}).
 *
 * <p>Carries the provider's own error code (e.g. ARM's {@code AllocationFailed}) and, for throttling, how long to
 * wait before the next write. Messages MUST NOT contain secrets.
 *
 * @since 0.1
 */
public class ProviderException extends WarmpoolException {
  private static final long serialVersionUID = 1L;

  /** How the call failed. */
  private final FailureKind kind;
  /** The provider's error code. */
  private final String code;
  /** How long to wait, or null. */
  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param kind how the call failed
   * @param code the provider's error code, or an empty string
   * @param message what happened; no secrets
   * @param retryAfter how long to wait before trying again, or {@code null} when the provider did not say
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if kind, code or message is null
   * @throws IllegalArgumentException if retryAfter is negative
   */
  public ProviderException(FailureKind kind, String code, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind cannot be null");
    this.code = Objects.requireNonNull(code, "code cannot be null");
    Objects.requireNonNull(message, "message cannot be null");
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter cannot be negative, was " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /**
   * A passing fault (5xx, timeout, reset).
   *
   * @param code the provider's error code
   * @param message what happened
   * @return the exception
   */
  public static ProviderException transientFailure(String code, String message) {
    return new ProviderException(FailureKind.TRANSIENT, code, message, null, null);
  }

  /**
   * The provider asked to slow down.
   *
   * @param code the provider's error code
   * @param message what happened
   * @param retryAfter how long to wait, or {@code null} if it did not say
   * @return the exception
   */
  public static ProviderException throttled(String code, String message, Duration retryAfter) {
    return new ProviderException(FailureKind.THROTTLED, code, message, retryAfter, null);
  }

  /**
   * A quota of the account is used up in this placement (cores, container groups, a namespace's ResourceQuota).
   *
   * @param code the provider's error code, which names the quota where the cloud says it
   * @param message what happened, with the quota's name, usage and limit where the cloud gives them
   * @return the exception
   * @since 0.1
   */
  public static ProviderException quota(String code, String message) {
    return new ProviderException(FailureKind.QUOTA, code, message, null, null);
  }

  /**
   * The placement has no capacity for this size now (SKU, allocation).
   *
   * @param code the provider's error code
   * @param message what happened
   * @return the exception
   */
  public static ProviderException capacity(String code, String message) {
    return new ProviderException(FailureKind.CAPACITY, code, message, null, null);
  }

  /**
   * The request can never succeed as sent (bad template, credentials, permissions).
   *
   * @param code the provider's error code
   * @param message what happened and what to check
   * @return the exception
   */
  public static ProviderException invalid(String code, String message) {
    return new ProviderException(FailureKind.INVALID, code, message, null, null);
  }

  /**
   * The resource does not exist.
   *
   * @param code the provider's error code
   * @param message what happened
   * @return the exception
   */
  public static ProviderException notFound(String code, String message) {
    return new ProviderException(FailureKind.NOT_FOUND, code, message, null, null);
  }

  /** {@return how the call failed} */
  public FailureKind kind() {
    return kind;
  }

  /** {@return the provider's error code, or an empty string} */
  public String code() {
    return code;
  }

  /** {@return how long to wait before the next call, when the provider said} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + kind + (code.isEmpty() ? "" : " " + code)
        + (retryAfter == null ? "" : " (retry after " + retryAfter + ")") + ": " + getMessage();
  }
}
