package dev.warmpool.core;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;

/**
 * A pool's view of a shared clock that can be killed: once {@link #kill()} ran, every task the pool scheduled or
 * schedules does nothing. It simulates a crashed orchestrator (its process is gone, its timers never fire) while
 * the cloud, on the same clock underneath, goes on.
 */
final class KillableClock implements PoolClock {
  private final PoolClock delegate;
  private volatile boolean dead;

  KillableClock(PoolClock delegate) {
    this.delegate = delegate;
  }

  /** The process dies: nothing it scheduled runs from now on. */
  void kill() {
    dead = true;
  }

  @Override
  public Instant now() {
    return delegate.now();
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    return delegate.schedule(delay, () -> {
      if (!dead) {
        task.run();
      }
    });
  }
}
