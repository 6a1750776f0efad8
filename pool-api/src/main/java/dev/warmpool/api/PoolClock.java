package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;

/**
 * The one source of time for a pool: every delay, timeout, age and deadline is read from it.
 *
 * <p>The pool's default runs on the system clock with a scheduler thread. Tests and simulations pass a virtual clock
 * (backend-fake ships one) so hours of an outage replay in milliseconds, deterministically.
 *
 * <p>Implementations MUST be thread-safe: tasks may be scheduled from any thread. A task runs at or after its
 * instant, never before; tasks due at the same instant run in the order they were scheduled.
 */
public interface PoolClock {

  /** @return the current instant */
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
