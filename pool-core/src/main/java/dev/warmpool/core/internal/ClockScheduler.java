package dev.warmpool.core.internal;

import dev.failsafe.spi.DefaultScheduledFuture;
import dev.failsafe.spi.Scheduler;
import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs Failsafe's delayed work on the pool's clock, so retries follow virtual time in tests and simulations. */
final class ClockScheduler implements Scheduler {
  private final PoolClock clock;

  ClockScheduler(PoolClock clock) {
    this.clock = clock;
  }

  @Override
  public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
    Task task = new Task(callable);
    task.handle = clock.schedule(Duration.of(Math.max(0, delay), unit.toChronoUnit()), task::run);
    return task;
  }

  private static final class Task extends DefaultScheduledFuture<Object> {
    private final Callable<?> callable;
    private volatile PoolClock.Scheduled handle;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Callable<?> callable) {
      this.callable = callable;
    }

    void run() {
      if (cancelled) {
        return;
      }
      try {
        callable.call();
      } catch (Exception e) {
        // Failsafe's callables complete their own futures with their failures; nothing to add here
      } finally {
        done = true;
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      PoolClock.Scheduled h = handle;
      return h == null || h.cancel();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }
  }
}
