package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The blocking forms of a pool's asynchronous calls, one rule for every engine.
 *
 * <p>Design: on a clock the caller drives (a virtual clock) the pool's own timers bound every wait, so a blocking
 * call simply waits for the future. On the pool's own system clock a blocking call must end on time whatever the
 * pool is doing: its clock thread may be busy in a store call (a database restarting) and {@code lease()} itself may
 * call the store. So the call runs on a hand-off thread, the caller waits with its own wall-time bound, and a request
 * it gave up on is withdrawn (and a lease granted too late released) on the hand-off thread, never on the caller's.
 */
final class Blocking {
  /**
   * How long past its timeout a blocking call waits for the pool's own answer (which carries the template's counts)
   * before it gives up by itself.
   */
  static final Duration SLACK = Duration.ofMillis(20);

  /**
   * Runs {@code lease()} calls and the clean-up of requests given up on. Threads are created on demand and end
   * after a minute unused; one is busy only while a call into the pool is.
   */
  private static final ExecutorService HANDOFF = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.MINUTES,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "warmpool-acquire");
        t.setDaemon(true);
        return t;
      });

  private Blocking() {}

  /**
   * {@link WorkerPool#acquire}: the request, capped at {@code timeout}, waited for on the caller's thread. On the
   * pool's own system clock the wait also has a wall-time bound: the call returns within {@link #SLACK} (plus
   * scheduling) of its timeout even when the pool's clock thread or its store does not answer.
   */
  static Lease acquire(WorkerPool pool, LeaseRequest request, Duration timeout, PoolConfig config) {
    Objects.requireNonNull(request, "request cannot be null");
    LeaseRequest.MAX_WAIT_RANGE.checkArgument(timeout, "timeout");
    LeaseRequest r = timeout.compareTo(request.maxWait()) < 0 ? request.toBuilder().maxWait(timeout).build() : request;
    if (config.ownedClock() == null) {
      // a clock the caller drives: the request's own timer completes the future at its deadline
      return await(pool.lease(r), r);
    }
    WorkerTemplate template = TemplateResolver.resolve(config.poolId(), byName(config), t -> t, r);
    Instant start = config.ownedClock().now();
    CompletableFuture<CompletableFuture<Lease>> call = CompletableFuture.supplyAsync(() -> pool.lease(r), HANDOFF);
    CompletableFuture<Lease> f = call.thenCompose(x -> x);
    try {
      try {
        return unwrap(f, r.maxWait().plus(SLACK));
      } catch (TimeoutException e) {
        abandon(call);
        Duration waited = Duration.between(start, config.ownedClock().now());
        throw new LeaseTimeoutException("no worker within the timeout of " + r.maxWait() + "; the pool did not"
            + " answer in time (its clock or its store is busy), so the counts below are not known",
            config.poolId(), template.name(), r.tenant(), waited, WorkerCounts.ZERO, 0, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(call);
      throw new WarmpoolException("interrupted while waiting for a lease for " + r, e);
    }
  }

  private static Map<String, WorkerTemplate> byName(PoolConfig config) {
    Map<String, WorkerTemplate> m = new LinkedHashMap<>();
    config.templates().forEach(t -> m.put(t.name(), t));
    return m;
  }

  private static Lease await(CompletableFuture<Lease> f, LeaseRequest r) {
    try {
      return unwrap(f, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new WarmpoolException("interrupted while waiting for a lease for " + r, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e); // cannot happen: no bound
    }
  }

  private static Lease unwrap(CompletableFuture<Lease> f, Duration bound)
      throws InterruptedException, TimeoutException {
    try {
      return bound == null ? f.get() : f.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new WarmpoolException("lease failed", e.getCause());
    }
  }

  /**
   * Withdraws a request the caller gave up on, on the hand-off thread (withdrawing may wait for the pool): cancels
   * it if it still waits, and releases the worker if it was granted after all.
   */
  private static void abandon(CompletableFuture<CompletableFuture<Lease>> call) {
    call.thenAcceptAsync(inner -> {
      inner.cancel(false);
      inner.thenAccept(Lease::close);
    }, HANDOFF);
  }

  /**
   * {@link WorkerPool#close}: waits for the close to finish only when the pool runs its own (system) clock. On a
   * clock the caller drives, such as a virtual clock, waiting would never end: the caller advances it instead.
   */
  static void close(CompletableFuture<Void> closed, PoolConfig config) {
    if (config.ownedClock() == null) {
      return;
    }
    try {
      waitForClose(closed, config);
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

  private static void waitForClose(CompletableFuture<Void> closed, PoolConfig config) {
    try {
      closed.get(config.closeGracePeriod().plus(config.deleteTimeout()).plusSeconds(5).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      PoolLog.warn(config.poolId()).log("close did not finish cleanly: {}", e);
    }
  }
}
