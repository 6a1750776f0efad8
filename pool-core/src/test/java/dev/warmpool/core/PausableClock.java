package dev.warmpool.core;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's view of a shared clock that can be paused, as a long GC pause or a frozen VM pauses a process: while
 * paused, every task the pool scheduled that falls due is held back; {@link #resume()} runs them, late, in order.
 * The cloud and the other nodes, on the clock underneath, go on meanwhile. {@link #kill()} is a crash: nothing the
 * pool scheduled ever runs again.
 */
final class PausableClock implements PoolClock {
  private final PoolClock delegate;
  private final List<Runnable> held = new ArrayList<>();
  private boolean paused;
  private boolean dead;

  PausableClock(PoolClock delegate) {
    this.delegate = delegate;
  }

  synchronized void pause() {
    paused = true;
  }

  /** The process dies: nothing it scheduled runs from now on. */
  synchronized void kill() {
    dead = true;
    held.clear();
  }

  /** The process wakes up: what fell due while it slept runs now. */
  void resume() {
    List<Runnable> due;
    synchronized (this) {
      paused = false;
      due = new ArrayList<>(held);
      held.clear();
    }
    due.forEach(t -> delegate.schedule(Duration.ZERO, t));
  }

  @Override
  public Instant now() {
    return delegate.now();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    return delegate.schedule(delay, () -> {
      synchronized (this) {
        if (dead) {
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
}
