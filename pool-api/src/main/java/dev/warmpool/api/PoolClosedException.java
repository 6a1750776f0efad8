package dev.warmpool.api;

import java.time.Duration;

/**
 * The pool was closed before the request got a worker, or the request was made after {@code close()}.
 *
 * @since 0.1
 */
public final class PoolClosedException extends LeaseFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; the message is built from the arguments.
   *
   * @param detail what happened, in a few words (e.g. "pool closed")
   * @param poolId the pool
   * @param template the template asked for
   * @param tenant the request's tenant
   * @param waited how long the request waited
   * @param counts the template's worker counts
   * @param waiting requests waiting for the template
   * @param lastFailure the last provisioning failure, or {@code null}
   */
  public PoolClosedException(String detail, String poolId, String template, String tenant, Duration waited, WorkerCounts counts,
      int waiting, Throwable lastFailure) {
    super(detail, poolId, template, tenant, waited, counts, waiting, lastFailure);
  }
}
