package dev.warmpool.core.internal;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool's default clock: the system clock, with one daemon scheduler thread.
 *
 * <p>This is the one class in core that reads the wall clock; everything else reads time through {@link PoolClock}.
 */
public final class SystemClock implements PoolClock, AutoCloseable {
  private final ScheduledExecutorService scheduler;

  /**
   * A clock with its own scheduler thread.
   *
   * @param poolId names the thread
   */
  public SystemClock(String poolId) {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "warmpool-" + poolId);
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    this.scheduler = s;
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    var f = scheduler.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  /** Stops the scheduler thread; tasks not yet run are dropped. */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
