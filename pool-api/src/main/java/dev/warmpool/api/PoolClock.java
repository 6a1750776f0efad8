package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one source of time for a pool: every delay, timeout, age and deadline is read from it.
 *
 * <p>The pool's default runs on the system clock with a scheduler thread. Tests and simulations pass a virtual clock
 * (backend-fake ships one) so hours of an outage replay in milliseconds, deterministically.
 *
 * <p>Implementations MUST be thread-safe: tasks may be scheduled from any thread. A task runs at or after its
 * instant, never before; tasks due at the same instant run in the order they were scheduled.
 *
 * <p>{@link #system()} is the system clock, for code outside a pool that wants the pool's kind of clock on real
 * time (for instance a fake cloud run in real time).
 *
 * @since 0.1
 */
public interface PoolClock {

  /**
   * The system clock: {@link #now()} reads {@link Instant#now()}, and tasks run on one daemon thread named
   * {@code warmpool-clock}, shared by every user of this clock in the JVM and started on the first
   * {@link #schedule(Duration, Runnable)}. Tasks must not block: they delay each other. Nothing needs closing.
   *
   * @return the shared system clock
   * @since 0.1
   */
  static PoolClock system() {
    return SystemPoolClock.SHARED;
  }

  /**
   * The system clock, running its tasks on a scheduler of your own (which you shut down when done). A task that
   * throws does not stop the scheduler; its exception is dropped, so catch what you need to see inside the task.
   *
   * @param scheduler runs the tasks
   * @return a clock on the system time
   * @throws NullPointerException if scheduler is null
   * @since 0.1
   */
  static PoolClock system(ScheduledExecutorService scheduler) {
    return new SystemPoolClock(Objects.requireNonNull(scheduler, "scheduler cannot be null"));
  }

  /** {@return the current instant} */
  Instant now();

  /**
   * Runs a task after a delay.
   *
   * @param delay zero or positive
   * @param task what to run; it must not block
   * @return a handle that cancels the task
   */
  Scheduled schedule(Duration delay, Runnable task);

  /** A task that was scheduled and may be cancelled. */
  @FunctionalInterface
  interface Scheduled {
    /**
     * Cancels the task if it has not run yet.
     *
     * @return true if the task will not run because of this call
     */
    boolean cancel();
  }
}
