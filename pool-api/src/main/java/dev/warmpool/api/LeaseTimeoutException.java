package dev.warmpool.api;

import java.time.Duration;

/**
 * A lease request waited its maximum wait without getting a worker.
 *
 * <p>The cause, when there is one, is the last provisioning failure of the template, which usually says why the
 * stock ran out.
 *
 * @since 0.1
 */
public final class LeaseTimeoutException extends LeaseFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; the message is built from the arguments.
   *
   * @param detail what happened, in a few words (e.g. "no worker within the maximum wait")
   * @param poolId the pool
   * @param template the template asked for
   * @param tenant the request's tenant
   * @param waited how long the request waited
   * @param counts the template's worker counts
   * @param waiting requests waiting for the template
   * @param lastFailure the last provisioning failure, or {@code null}
   */
  public LeaseTimeoutException(String detail, String poolId, String template, String tenant, Duration waited, WorkerCounts counts,
      int waiting, Throwable lastFailure) {
    super(detail, poolId, template, tenant, waited, counts, waiting, lastFailure);
  }
}
