package dev.warmpool.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A lease request that did not get a worker. The subclass says why; this class carries what a person needs to act:
 * the pool, the template, the tenant, how long the request waited, the template's worker counts, how many requests
 * were waiting, and the last provisioning failure as the cause.
 *
 * @since 0.1
 */
public abstract sealed class LeaseFailedException extends WarmpoolException
    permits LeaseTimeoutException, NoEligiblePlacementException, PoolClosedException, StoreUnavailableLeaseException {
  private static final long serialVersionUID = 1L;

  /** The pool. */
  private final String poolId;
  /** The template asked for. */
  private final String template;
  /** The request's tenant. */
  private final String tenant;
  /** How long the request waited. */
  private final Duration waited;
  private final transient WorkerCounts counts;
  /** Requests waiting for the template. */
  private final int waiting;

  LeaseFailedException(String what, String poolId, String template, String tenant, Duration waited,
      WorkerCounts counts, int waiting, Throwable lastFailure) {
    this(what, poolId, template, tenant, waited, counts, waiting, lastFailure, "last provisioning failure");
  }

  LeaseFailedException(String what, String poolId, String template, String tenant, Duration waited,
      WorkerCounts counts, int waiting, Throwable cause, String causeLabel) {
    super(message(what, poolId, template, tenant, waited, counts, waiting, cause, causeLabel), cause);
    this.poolId = Objects.requireNonNull(poolId, "poolId cannot be null");
    this.template = Objects.requireNonNull(template, "template cannot be null");
    this.tenant = Objects.requireNonNull(tenant, "tenant cannot be null");
    this.waited = Objects.requireNonNull(waited, "waited cannot be null");
    this.counts = Objects.requireNonNull(counts, "counts cannot be null");
    this.waiting = waiting;
  }

  private static String message(String what, String poolId, String template, String tenant, Duration waited,
      WorkerCounts counts, int waiting, Throwable lastFailure, String causeLabel) {
    Objects.requireNonNull(waited, "waited cannot be null");
    return "pool " + poolId + ": " + what + " (template " + template + ", tenant " + tenant + ", waited "
        + format(waited) + "; " + counts + ", waiting=" + waiting + ")"
        + (lastFailure == null ? "" : "; " + causeLabel + ": " + lastFailure.getMessage());
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
    return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }

  /** {@return the pool's id} */
  public String poolId() {
    return poolId;
  }

  /** {@return the template asked for (or the label selector, as text, when the request selected by labels)} */
  public String template() {
    return template;
  }

  /** {@return the request's tenant} */
  public String tenant() {
    return tenant;
  }

  /** {@return how long the request waited before it failed} */
  public Duration waited() {
    return waited;
  }

  /** {@return the template's worker counts when the request failed} */
  public WorkerCounts counts() {
    return counts;
  }

  /** {@return how many requests for the template were waiting when this one failed} */
  public int waiting() {
    return waiting;
  }
}
