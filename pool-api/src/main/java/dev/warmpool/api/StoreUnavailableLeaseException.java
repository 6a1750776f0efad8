package dev.warmpool.api;

import java.time.Duration;

/**
 * A pool shared by several nodes could not reach its store (the database is down or unreachable), so it grants no
 * new lease: granting without the store could hand one worker to two nodes. Leases already granted keep working;
 * the pool retries the store by itself and grants again once it answers. The cause is the store's exception.
 *
 * @since 0.1
 */
public final class StoreUnavailableLeaseException extends LeaseFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception; the message is built from the arguments.
   *
   * @param detail what happened, in a few words
   * @param poolId the pool
   * @param template the template asked for
   * @param tenant the request's tenant
   * @param waited how long the request waited
   * @param counts the template's worker counts, as last read from the store
   * @param waiting requests waiting for the template on this node
   * @param storeFailure the store's exception
   */
  public StoreUnavailableLeaseException(String detail, String poolId, String template, String tenant,
      Duration waited, WorkerCounts counts, int waiting, Throwable storeFailure) {
    super(detail, poolId, template, tenant, waited, counts, waiting, storeFailure, "store failure");
  }
}
