package dev.warmpool.fake;

import dev.warmpool.api.FailureKind;

/**
 * What the fake cloud answered to one call, as the call log records it.
 *
 * <p>The failure outcomes match {@link FailureKind}. {@link #NOT_FOUND} is what the cloud said to a delete of a
 * resource that does not exist; the provider reports that delete as a success.
 *
 * @since 0.1
 */
public enum Outcome {
  /** The call has not completed yet (a provision still creating, or one that never finishes). */
  PENDING,
  /** The call succeeded. */
  SUCCESS,
  /** The call failed with a passing fault (503, a timeout, a lost response). */
  TRANSIENT,
  /** The call was throttled (429). */
  THROTTLED,
  /** The placement had no capacity for the size. */
  CAPACITY,
  /** The request can never succeed (an unknown region). */
  INVALID,
  /** The resource to delete did not exist (the delete still succeeded). */
  NOT_FOUND,
  /**
   * A quota was used up ({@code QuotaExceeded}).
   *
   * @since 0.1
   */
  QUOTA;

  /**
   * The outcome for a failure kind.
   *
   * @param kind how a call failed
   * @return the matching outcome
   */
  public static Outcome of(FailureKind kind) {
    return switch (kind) {
      case TRANSIENT -> TRANSIENT;
      case THROTTLED -> THROTTLED;
      case CAPACITY -> CAPACITY;
      case INVALID -> INVALID;
      case NOT_FOUND -> NOT_FOUND;
      case QUOTA -> QUOTA;
    };
  }
}
