package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerPool;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/** The blocking forms of a pool's asynchronous calls, one rule for every engine. */
final class Blocking {
  private Blocking() {}

  /** {@link WorkerPool#acquire}: the request, capped at {@code timeout}, waited for on the caller's thread. */
  static Lease acquire(WorkerPool pool, LeaseRequest request, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout cannot be null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout cannot be negative, was " + timeout);
    }
    LeaseRequest r = timeout.compareTo(request.maxWait()) < 0 ? request.toBuilder().maxWait(timeout).build() : request;
    CompletableFuture<Lease> f = pool.lease(r);
    try {
      // the request's own timer (on the pool's clock) completes the future at its deadline; no second timer here
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new WarmpoolException("interrupted while waiting for a lease for " + r, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new WarmpoolException("lease failed", e.getCause());
    }
  }

  /**
   * {@link WorkerPool#close}: waits for the close to finish only when the pool runs its own (system) clock. On a
   * clock the caller drives, such as a virtual clock, waiting would never end: the caller advances it instead.
   */
  static void close(CompletableFuture<Void> closed, PoolConfig config, Logger log) {
    if (config.ownedClock() == null) {
      return;
    }
    try {
      waitForClose(closed, config, log);
    } finally {
      stopEvents(config);
    }
  }

  /**
   * Stops the event thread the pool made itself once the events queued before it are delivered, and waits a moment
   * for it to end, so a closed pool leaves no thread behind.
   */
  private static void stopEvents(PoolConfig config) {
    if (config.ownedEvents() == null) {
      return;
    }
    config.ownedEvents().shutdown();
    try {
      config.ownedEvents().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitForClose(CompletableFuture<Void> closed, PoolConfig config, Logger log) {
    try {
      closed.get(config.closeGracePeriod().plus(config.deleteTimeout()).plusSeconds(5).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("pool {}: close did not finish cleanly: {}", config.poolId(), e.toString());
    }
  }
}
