package dev.warmpool.api;

/**
 * How a cloud call failed, which decides what the pool does next.
 *
 * <p>Backends classify every failure into one of these kinds (see {@code dev.warmpool.spi.ProviderException}).
 *
 * @since 0.1
 */
public enum FailureKind {
  /** A passing fault: HTTP 5xx, 408, a reset connection, a timeout. Retried with backoff. */
  TRANSIENT,
  /** The cloud asked us to slow down (HTTP 429), usually with a retry-after. Writes to that placement pause. */
  THROTTLED,
  /**
   * The placement cannot supply this size now: quota exhausted, SKU not available, allocation failed. That
   * (placement, size) pair cools down; the call is not retried there.
   */
  CAPACITY,
  /** The request can never succeed as sent: a bad template, bad credentials, missing permissions. Never retried. */
  INVALID,
  /** The resource does not exist. On a delete this counts as success. */
  NOT_FOUND
}
