package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The system clock behind {@link PoolClock#system()}: the one class of pool-api that reads the wall clock.
 *
 * <p>Thread-safe.
 */
final class SystemPoolClock implements PoolClock {
  /** The shared clock; its scheduler thread starts with the first task (see {@link SharedScheduler}). */
  static final PoolClock SHARED = new SystemPoolClock(null);

  /** Null for the shared clock, whose scheduler is made on first use. */
  private final ScheduledExecutorService scheduler;

  SystemPoolClock(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay cannot be null");
    Objects.requireNonNull(task, "task cannot be null");
    ScheduledExecutorService s = scheduler != null ? scheduler : SharedScheduler.INSTANCE;
    ScheduledFuture<?> f = s.schedule(task, nanos(delay), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  /** A negative delay is zero; one too long for a long of nanoseconds (292 years) is the longest. */
  private static long nanos(Duration delay) {
    if (delay.isNegative()) {
      return 0;
    }
    try {
      return delay.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return scheduler == null ? "PoolClock.system()" : "PoolClock.system(" + scheduler + ")";
  }

  /** Holds the shared scheduler, so that its thread starts only when a task is first scheduled. */
  private static final class SharedScheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "warmpool-clock");
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      return s;
    }
  }
}
