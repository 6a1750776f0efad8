package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.spi.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lease requests that found no idle worker: queued per template by priority then arrival, timed out at exactly their
 * maximum wait (with the lease-timeouts alert), and served by the control loop as workers become idle, by fair
 * shares while the template is degraded.
 *
 * <p>Design: the queue is {@link TemplateRuntime}'s sorted set under its monitor (only requests that must wait come
 * here); each waiter has one timer on the pool's clock, cancelled when it completes. {@link #dispatch} runs on the
 * serial runner; a waiter that completed meanwhile (cancelled, timed out) gives its worker back untouched.
 */
final class Waiters {
  /** How long after the last lease timeout the lease-timeouts alert clears. */
  private static final Duration TIMEOUT_ALERT_QUIET = Duration.ofMinutes(10);

  private final PoolRuntime rt;
  private final PoolEngine engine;
  private final DegradedMode degraded;
  private final AtomicLong seq = new AtomicLong();

  Waiters(PoolRuntime rt, PoolEngine engine, DegradedMode degraded) {
    this.rt = rt;
    this.engine = engine;
    this.degraded = degraded;
  }

  /** Queues a request; its future completes with a lease, a timeout, or the pool's close. */
  CompletableFuture<Lease> enqueue(TemplateRuntime t, LeaseRequest request, String tenantKey, Instant now) {
    Waiter w = new Waiter(request, tenantKey, seq.incrementAndGet(), now);
    w.timeout = rt.clock.schedule(request.maxWait(), () -> expire(t, w));
    t.enqueue(w);
    w.future.whenComplete((l, e) -> {
      if (e instanceof CancellationException) {
        t.remove(w);
      }
      PoolClock.Scheduled s = w.timeout;
      if (s != null) {
        s.cancel();
      }
    });
    if (rt.closing() && t.remove(w)) {
      // close drained the waiters before we queued: do not leave this one behind
      w.future.completeExceptionally(engine.closedException(t, request, Duration.ZERO));
    }
    rt.runner().wake();
    return w.future;
  }

  private void expire(TemplateRuntime t, Waiter w) {
    if (!t.remove(w)) {
      return;
    }
    Instant now = rt.clock.now();
    Duration waited = Duration.between(w.since, now);
    LeaseTimeoutException e = engine.timeout(t, w.request, waited);
    if (w.future.completeExceptionally(e)) {
      rt.runner().execute(() -> {
        t.lastTimeoutAt = rt.clock.now();
        rt.alerts.raise("lease-timeouts:" + t.name(), AlertSeverity.CRITICAL, "template " + t.name()
            + ": lease requests time out (" + e.getMessage() + ")", rt.clock.now());
      });
      rt.publish(new PoolEvent.LeaseTimedOut(rt.poolId, now, t.name(), w.request.tenant(), waited, e.getMessage()));
    }
  }

  /** Clears the lease-timeouts alert once no request timed out for a while. Runner only. */
  void clearQuiet(TemplateRuntime t, Instant now) {
    if (t.lastTimeoutAt != null && Duration.between(t.lastTimeoutAt, now).compareTo(TIMEOUT_ALERT_QUIET) >= 0) {
      t.lastTimeoutAt = null;
      rt.alerts.clear("lease-timeouts:" + t.name(), now);
    }
  }

  /** Hands idle workers to waiting requests, in priority then arrival order (fair shares while degraded). */
  void dispatch(TemplateRuntime t) {
    if (t.waiting() == 0) {
      return;
    }
    Instant now = rt.clock.now();
    List<Waiter> order = t.waitersInOrder();
    FairShares fair = degraded.protects(t) ? new FairShares(t.leasedByTenant) : null;
    if (fair != null) {
      fair.sort(order);
    }
    for (int i = 0; i < order.size(); i++) {
      Waiter w = order.get(i);
      if (w.future.isDone()) {
        t.remove(w);
        continue;
      }
      LeaseImpl lease;
      try {
        lease = engine.grant(t, w.request, w.tenantKey, now, Duration.between(w.since, now));
      } catch (StoreUnavailableException e) {
        return; // a shared store is away: the requests wait on, and fail at their deadline if it stays away
      }
      if (lease == null) {
        continue;
      }
      t.remove(w);
      if (fair != null) {
        fair.granted(w.request.tenant(), order.subList(i + 1, order.size()));
      }
      if (!w.future.complete(lease)) {
        engine.giveBack(lease);
      }
    }
  }

  /** Fails every waiting request of the template with the pool's close. Runner only. */
  void closeAll(TemplateRuntime t, Instant now) {
    for (Waiter w : t.drainWaiters()) {
      w.future.completeExceptionally(engine.closedException(t, w.request, Duration.between(w.since, now)));
    }
  }
}
