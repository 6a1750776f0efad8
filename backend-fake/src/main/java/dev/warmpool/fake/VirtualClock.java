package dev.warmpool.fake;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PoolClock} whose time moves only when a test moves it: hours of a scenario run in milliseconds, and the
 * same steps give the same results every time.
 *
 * <p>Tasks run in the order of their due instant, and in the order they were scheduled when due together, on the
 * thread that calls {@link #advance}, {@link #runUntil} or {@link #await}. Time never moves backwards; a task that is
 * scheduled with no delay while time is being advanced runs in the same call.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread. Only one thread should move time at once; a second one
 * waits for the first.
 *
 * <p>Design: one priority queue ordered by (due, sequence) under the clock's monitor; tasks run outside the monitor
 * so that they can schedule more tasks. A task that throws stops the advance and the exception reaches the caller
 * (wrapped in {@link IllegalStateException}), so a broken engine step fails the test that caused it.
 *
 * @since 0.1
 */
public final class VirtualClock implements PoolClock {
  /** The instant a clock made with {@link #VirtualClock()} starts at: 2023-03-23T00:00:00Z, the seed incident's day. */
  public static final Instant DEFAULT_START = Instant.parse("2023-03-23T00:00:00Z");

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final Object advancing = new Object();
  private volatile Instant now;
  private long sequence;
  private long tasksRun;
  private int cancelled;

  /** A clock at {@link #DEFAULT_START}. */
  public VirtualClock() {
    this(DEFAULT_START);
  }

  /**
   * A clock at an instant.
   *
   * @param start the current time
   */
  public VirtualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start cannot be null");
  }

  @Override
  public Instant now() {
    return now;
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay cannot be null");
    Objects.requireNonNull(task, "task cannot be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay cannot be negative, was " + delay);
    }
    Task t;
    synchronized (this) {
      t = new Task(now.plus(delay), sequence++, task);
      queue.add(t);
    }
    return () -> {
      synchronized (this) {
        // lazy removal: removing from the middle of the heap is linear, and pools cancel many timers
        if (t.done) {
          return false;
        }
        t.done = true;
        cancelled++;
        return true;
      }
    };
  }

  /**
   * Moves time forward, running every task due up to the new time.
   *
   * @param duration how far; zero or positive
   * @return the new time
   * @throws IllegalStateException if a task threw
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration cannot be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration cannot be negative, was " + duration);
    }
    return runUntil(now.plus(duration));
  }

  /**
   * Moves time forward to an instant, running every task due up to it. Does nothing to time if it is in the past,
   * but still runs tasks that are due now.
   *
   * @param target the new time
   * @return the new time
   * @throws IllegalStateException if a task threw
   */
  public Instant runUntil(Instant target) {
    Objects.requireNonNull(target, "target cannot be null");
    synchronized (advancing) {
      while (runNext(target)) {
        // each call runs one task
      }
      synchronized (this) {
        if (target.isAfter(now)) {
          now = target;
        }
      }
      return now;
    }
  }

  /**
   * Runs the tasks that are due now without moving time.
   *
   * @throws IllegalStateException if a task threw
   */
  public void runDue() {
    runUntil(now);
  }

  /**
   * Moves time forward until the future completes, running tasks as they fall due, but no further than
   * {@code maxWait} from now.
   *
   * @param <T> the result type
   * @param future what to wait for
   * @param maxWait the most virtual time to let pass
   * @return the future's result
   * @throws ExecutionException if the future failed
   * @throws TimeoutException if it did not complete within {@code maxWait} of virtual time
   * @throws IllegalStateException if a task threw
   */
  public <T> T await(CompletableFuture<T> future, Duration maxWait) throws ExecutionException, TimeoutException {
    Instant limit = now.plus(maxWait);
    synchronized (advancing) {
      while (!future.isDone()) {
        if (!runNext(limit)) {
          if (!future.isDone()) {
            synchronized (this) {
              if (limit.isAfter(now)) {
                now = limit;
              }
            }
            throw new TimeoutException("not complete after " + maxWait + " of virtual time");
          }
        }
      }
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Runs tasks in time order until none is left, moving time to each one, but no further than {@code maxSpan} from
   * now: tasks due later stay scheduled (a periodic task would otherwise run forever). Time stops at the last task
   * run, not at the limit.
   *
   * @param maxSpan the most virtual time to let pass; zero or positive
   * @return the new time
   * @throws IllegalStateException if a task threw
   */
  public Instant runUntilIdle(Duration maxSpan) {
    Objects.requireNonNull(maxSpan, "maxSpan cannot be null");
    if (maxSpan.isNegative()) {
      throw new IllegalArgumentException("maxSpan cannot be negative, was " + maxSpan);
    }
    synchronized (advancing) {
      Instant limit = now.plus(maxSpan);
      while (runNext(limit)) {
        // each call runs one task
      }
      return now;
    }
  }

  /** {@return how many tasks are scheduled and not yet run} */
  public synchronized int pendingTasks() {
    return queue.size() - cancelled;
  }

  /** {@return when the next task is due, or null when none is scheduled} */
  public synchronized Instant nextDue() {
    Task t = peekLive();
    return t == null ? null : t.due;
  }

  /** The first task that was not cancelled; cancelled ones at the head are dropped. Holds the monitor. */
  private Task peekLive() {
    Task t;
    while ((t = queue.peek()) != null && t.done) {
      queue.poll();
      cancelled--;
    }
    return t;
  }

  /** {@return how many tasks this clock has run} */
  public synchronized long tasksRun() {
    return tasksRun;
  }

  private boolean runNext(Instant limit) {
    Task t;
    synchronized (this) {
      t = peekLive();
      if (t == null || t.due.isAfter(limit)) {
        return false;
      }
      queue.poll();
      t.done = true;
      if (t.due.isAfter(now)) {
        now = t.due;
      }
      tasksRun++;
    }
    try {
      t.task.run();
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException("a task scheduled on the virtual clock threw at " + now, e);
    }
    return true;
  }

  @Override
  public String toString() {
    return "VirtualClock[" + now + ", " + pendingTasks() + " pending]";
  }

  private static final class Task implements Comparable<Task> {
    final Instant due;
    final long seq;
    final Runnable task;
    /** Ran or cancelled; guarded by the clock's monitor. */
    boolean done;

    Task(Instant due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
