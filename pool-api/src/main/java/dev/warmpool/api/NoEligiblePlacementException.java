package dev.warmpool.api;

import java.time.Duration;

/**
 * No placement that the request and its template allow can ever serve the request: residency rules exclude every
 * placement the pool has, or the allowed placements can only provision and none can (the pool is degraded and has
 * no idle worker for the tenant).
 *
 * @since 0.1
 */
public final class NoEligiblePlacementException extends LeaseFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; the message is built from the arguments.
   *
   * @param detail what happened, in a few words (e.g. "no eligible placement")
   * @param poolId the pool
   * @param template the template asked for
   * @param tenant the request's tenant
   * @param waited how long the request waited
   * @param counts the template's worker counts
   * @param waiting requests waiting for the template
   * @param lastFailure the last provisioning failure, or {@code null}
   */
  public NoEligiblePlacementException(String detail, String poolId, String template, String tenant, Duration waited, WorkerCounts counts,
      int waiting, Throwable lastFailure) {
    super(detail, poolId, template, tenant, waited, counts, waiting, lastFailure);
  }
}
