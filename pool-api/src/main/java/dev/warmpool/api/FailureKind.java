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
   * The placement cannot supply this size now: SKU not available, allocation failed. That (placement, size) pair
   * cools down; the call is not retried there. (A quota that is used up is {@link #QUOTA}.)
   */
  CAPACITY,
  /** The request can never succeed as sent: a bad template, bad credentials, missing permissions. Never retried. */
  INVALID,
  /** The resource does not exist. On a delete this counts as success. */
  NOT_FOUND,
  /**
   * A quota of the account is used up (cores of a VM family in a region, container groups, a namespace's
   * ResourceQuota): the pool treats the (placement, size) pair as it treats {@link #CAPACITY}, and raises an alert
   * that names the quota to raise, because unlike capacity it does not come back by itself while the pool's workers
   * hold it. The provider's error code ({@code QuotaExceeded}, {@code StandardDSv5Family...}) says which quota.
   *
   * @since 0.1
   */
  QUOTA
}
