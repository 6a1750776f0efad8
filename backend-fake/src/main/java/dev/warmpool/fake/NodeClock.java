package dev.warmpool.fake;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One process's view of a shared clock (usually a {@link VirtualClock}), for tests with several nodes: the process
 * can {@linkplain #pause() pause} (a long GC pause, a frozen VM: what falls due is held back and runs, late and in
 * order, on {@link #resume()}) or {@linkplain #crash() crash} (nothing it scheduled ever runs again). The cloud and
 * the other nodes, on the clock underneath, go on meanwhile.
 *
 * <p>Give each node of a shared pool its own view: {@code WorkerPools.builder().clock(new NodeClock(clock))}.
 * Thread-safe.
 *
 * @since 0.1
 */
public final class NodeClock implements PoolClock {
  private final PoolClock shared;
  private final List<Runnable> held = new ArrayList<>();
  private boolean paused;
  private boolean crashed;

  /**
   * A view of a shared clock.
   *
   * @param shared the clock every node and the cloud run on
   */
  public NodeClock(PoolClock shared) {
    this.shared = Objects.requireNonNull(shared, "shared cannot be null");
  }

  /** The process stops: tasks that fall due are held back until {@link #resume()}. */
  public synchronized void pause() {
    paused = true;
  }

  /** The process wakes up: what fell due while it was paused runs now, in order. */
  public void resume() {
    List<Runnable> due;
    synchronized (this) {
      paused = false;
      due = new ArrayList<>(held);
      held.clear();
    }
    due.forEach(t -> shared.schedule(Duration.ZERO, t));
  }

  /** The process dies: nothing it scheduled, or schedules, runs from now on. */
  public synchronized void crash() {
    crashed = true;
    held.clear();
  }

  /** {@return whether {@link #crash()} was called} */
  public synchronized boolean crashed() {
    return crashed;
  }

  /** {@return whether the view is paused} */
  public synchronized boolean paused() {
    return paused;
  }

  @Override
  public Instant now() {
    return shared.now();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task cannot be null");
    return shared.schedule(delay, () -> {
      synchronized (this) {
        if (crashed) {
          return;
        }
        if (paused) {
          held.add(task);
          return;
        }
      }
      task.run();
    });
  }

  @Override
  public String toString() {
    return "NodeClock[" + (crashed ? "crashed" : paused ? "paused" : "running") + ", " + shared + "]";
  }
}
