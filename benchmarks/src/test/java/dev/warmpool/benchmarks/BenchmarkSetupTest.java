package dev.warmpool.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs each benchmark's setup, a few operations and its teardown directly (not through JMH), so that a broken
 * benchmark fails the build instead of a benchmark run. Measures nothing.
 */
class BenchmarkSetupTest {
  @Test
  void everyHotPathPoolLeasesAndTakesBackAnObject() throws Exception {
    LeaseReleaseBenchmark b = new LeaseReleaseBenchmark();

    LeaseReleaseBenchmark.WarmpoolState ours = new LeaseReleaseBenchmark.WarmpoolState();
    ours.setUp();
    assertThat(ours.pool.snapshot().total().idle()).isEqualTo(LeaseReleaseBenchmark.SIZE);
    for (int i = 0; i < 1_000; i++) {
      Lease lease = b.warmpool(ours);
      assertThat(lease.isActive()).isFalse();
    }
    assertThat(ours.pool.snapshot().total().idle()).isEqualTo(LeaseReleaseBenchmark.SIZE);
    assertThat(ours.clock.pendingTasks()).as("tasks the hot path left on the clock").isLessThanOrEqualTo(2);
    ours.tearDown();

    LeaseReleaseBenchmark.StormpotState stormpot = new LeaseReleaseBenchmark.StormpotState();
    stormpot.setUp();
    assertThat(b.stormpot(stormpot)).isNotNull();
    stormpot.tearDown();

    LeaseReleaseBenchmark.CommonsPool2State commons = new LeaseReleaseBenchmark.CommonsPool2State();
    commons.setUp();
    assertThat(b.commonsPool2(commons)).isNotNull();
    assertThat(commons.pool.getNumIdle()).isEqualTo(LeaseReleaseBenchmark.SIZE);
    commons.tearDown();

    LeaseReleaseBenchmark.HikariState hikari = new LeaseReleaseBenchmark.HikariState();
    hikari.setUp();
    assertThat(b.hikariConcurrentBag(hikari)).isNotNull();
    hikari.tearDown();
  }

  @Test
  void theLargePoolHoldsTenThousandIdleWorkersAndLeasesFromItsFirstTemplate() {
    ScaleLeaseBenchmark b = new ScaleLeaseBenchmark();
    b.workers = 10_000;
    b.setUp();
    for (int i = 0; i < 100; i++) {
      assertThat(b.leaseAndRelease().worker().template()).isEqualTo("t00");
    }
    b.tearDown();
  }

  @Test
  void oneControlIntervalRunsExactlyOneControlPassAndChangesNothing() throws Exception {
    VirtualClock clock = new VirtualClock();
    MemoryProvider provider = new MemoryProvider();
    WorkerPool pool = EngineShapes.largePool(clock, provider, 5);
    assertThat(provider.live()).isEqualTo(10_000);
    clock.advance(EngineShapes.CONTROL_INTERVAL);
    long before = clock.tasksRun();
    clock.advance(EngineShapes.CONTROL_INTERVAL);
    // the wake-up timer, then the serial runner's run with the pass
    assertThat(clock.tasksRun() - before).isEqualTo(2);
    assertThat(pool.snapshot().total().idle()).isEqualTo(10_000);
    assertThat(provider.live()).isEqualTo(10_000);
    // close deletes every worker, paced like any other writes to the placement: virtual minutes, not an instant
    clock.await(pool.closeAsync(), java.time.Duration.ofHours(1));
    assertThat(provider.live()).isZero();
  }

  @Test
  void theControlPassBenchmarkKeepsEveryWorkerIdle() {
    ControlPassBenchmark b = new ControlPassBenchmark();
    b.workers = 10_000;
    b.setUp();
    for (int i = 0; i < 10; i++) {
      b.onePass();
    }
    b.tearDown();
  }

  @Test
  void aShortDayRunGrantsLeasesToManyTenantsAndLeavesNothingBehind() {
    DayRun run = new DayRun(50, Duration.ofHours(2)).run();
    assertThat(run.started()).isGreaterThan(50);
    assertThat(run.granted()).isGreaterThan(run.started() / 2);
    assertThat(run.live()).isZero();
  }

  @Test
  void everyStoreGrantsAndTakesBackAWorkerAndTheQueueOfClockTasksStaysFlat() {
    StoreGrantBenchmark b = new StoreGrantBenchmark();
    for (String store : new String[] {"memory", "memory-store", "jdbc"}) {
      StoreGrantBenchmark.Pool p = new StoreGrantBenchmark.Pool();
      p.store = store;
      p.setUp();
      assertThat(p.pool.snapshot().total().idle()).as(store).isEqualTo(StoreGrantBenchmark.SIZE);
      int before = p.clock.pendingTasks();
      long last = 0;
      for (int i = 0; i < 200; i++) {
        last = b.grantAndRelease(p);
      }
      assertThat(last).as(store + ": a fencing token").isPositive();
      assertThat(p.clock.pendingTasks()).as(store + ": tasks the lease path left on the clock")
          .isLessThanOrEqualTo(before + 2);
      assertThat(p.pool.snapshot().total().idle()).as(store).isEqualTo(StoreGrantBenchmark.SIZE);
      p.tearDown();
    }
  }

  @Test
  void theIncidentReplayRunsBothPoolsAndOnlyTheNaiveOneFailsLeases() {
    for (String pool : new String[] {"naive", "warmpool"}) {
      IncidentReplayBenchmark b = new IncidentReplayBenchmark();
      b.pool = pool;
      b.setUp();
      var run = b.replay();
      assertThat(run.jobs()).as(pool).isPositive();
      if (pool.equals("naive")) {
        assertThat(run.failed()).as("the naive pool runs dry").isPositive();
      } else {
        assertThat(run.failed()).as("Warmpool fails no lease").isZero();
      }
    }
  }
}
