package dev.warmpool.core.internal;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers events to listeners in order, one at a time, on the event executor, off the lease path.
 *
 * <p>Design: publishers check {@link #active()} before they build an event, so nobody pays for events nobody hears.
 * The queue is bounded by a counter: past {@code capacity} queued events, new ones are dropped and counted, so a
 * listener that blocks cannot make the pool hold unbounded memory. A listener that throws is logged and skipped.
 */
final class EventBus {

  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private final Queue<PoolEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final Map<PoolListener, AtomicLong> failures = new ConcurrentHashMap<>();
  private final Executor executor;
  private final int capacity;

  EventBus(Executor executor, int capacity) {
    this.executor = executor;
    this.capacity = capacity;
  }

  boolean active() {
    return !listeners.isEmpty();
  }

  void add(PoolListener l) {
    listeners.add(l);
  }

  void remove(PoolListener l) {
    listeners.remove(l);
    failures.remove(l);
  }

  long dropped() {
    return dropped.get();
  }

  void publish(PoolEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.add(event);
    if (!draining.get() && draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // the pool closed and stopped its event thread: what is still queued is dropped, and counted
        draining.set(false);
        int n = 0;
        while (queue.poll() != null) {
          n++;
        }
        size.addAndGet(-n);
        dropped.addAndGet(n);
      }
    }
  }

  /**
   * Why: a listener that throws on every event logged a stack trace per event (5,226 in three hours of the seed
   * incident), burying the lines that matter. The first failure of a listener is logged with its stack trace, later
   * ones at DEBUG, with a WARN line (no trace) at the 2nd, 4th, 8th... failure so the count stays visible.
   */
  private void logFailure(PoolListener l, PoolEvent e, RuntimeException ex) {
    long n = failures.computeIfAbsent(l, k -> new AtomicLong()).incrementAndGet();
    if (n == 1) {
      PoolLog.warn(e.poolId()).cause(ex).log("listener {} threw on {}; ignored", l, e.getClass().getSimpleName());
    } else if (Long.bitCount(n) == 1) {
      PoolLog.warn(e.poolId()).log("listener {} threw on {} ({} times so far; ignored): {}", l,
          e.getClass().getSimpleName(), n, ex);
    } else {
      PoolLog.debug(e.poolId()).cause(ex).log("listener {} threw on {}; ignored", l, e.getClass().getSimpleName());
    }
  }

  private void drain() {
    while (true) {
      PoolEvent e;
      while ((e = queue.poll()) != null) {
        size.decrementAndGet();
        for (PoolListener l : listeners) {
          try {
            l.onEvent(e);
          } catch (RuntimeException ex) {
            logFailure(l, e, ex);
          }
        }
      }
      draining.set(false);
      // an event added after the last poll and before the flag cleared would be stranded: take it if we can
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }
}
