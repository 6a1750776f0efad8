package dev.warmpool.core.internal;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the engine's control work one task at a time on the pool's clock: the engine's single writer.
 *
 * <p>Design: any thread may {@link #execute} a task or {@link #wake} the control pass; both coalesce into at most one
 * scheduled run on the clock, so a burst of events costs one hop. Tasks and the pass never run concurrently, so the
 * engine's bookkeeping (provisions in flight, deletes, health) needs no locks. The lease hot path never comes here
 * unless it must (a request has to wait, a worker must be replaced).
 */
final class SerialRunner {

  private final PoolClock clock;
  private final Runnable pass;
  private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean passWanted;
  private volatile boolean stopped;

  SerialRunner(PoolClock clock, Runnable pass) {
    this.clock = clock;
    this.pass = pass;
  }

  /** Runs a task on the runner, after the tasks already queued. */
  void execute(Runnable task) {
    inbox.add(task);
    schedule();
  }

  /** Asks for a control pass soon. Cheap when one is already wanted. */
  void wake() {
    if (!passWanted) {
      passWanted = true;
    }
    schedule();
  }

  void stop() {
    stopped = true;
  }

  private void schedule() {
    // read first: under a burst most callers see a run already scheduled and do no write
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      clock.schedule(Duration.ZERO, this::run);
    }
  }

  private void run() {
    // clear before draining: work added while we run schedules another run, so nothing is left behind
    scheduled.set(false);
    Runnable task;
    while ((task = inbox.poll()) != null) {
      if (stopped) {
        inbox.clear();
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // a bug in the engine: log it, and let it reach the clock too (a virtual clock fails the test with it)
        PoolLog.error(null).cause(e).log("engine task failed");
        schedule();
        throw e;
      }
    }
    if (passWanted && !stopped) {
      passWanted = false;
      try {
        pass.run();
      } catch (RuntimeException e) {
        PoolLog.error(null).cause(e).log("control pass failed");
        throw e;
      }
    }
  }
}
