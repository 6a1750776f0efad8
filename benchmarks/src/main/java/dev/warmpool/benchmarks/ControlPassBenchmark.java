package dev.warmpool.benchmarks;

import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.VirtualClock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The control loop at scale: the time of one {@code clock.advance(controlInterval)} on a pool of
 * {@link EngineShapes#largePool} shape (20 templates over 100 placements) with every worker idle, in microseconds.
 * With the {@code workers = 10000} parameter, divide by 10,000 for the cost per managed worker; {@code workers = 0}
 * is the same configuration with no workers (the fixed part: 2,000 template and placement pairs to replenish).
 *
 * <p>What one advance runs: the pool's wake-up timer (armed by the previous pass for one control interval later)
 * fires, the serial runner runs once and does one control pass: a scan of the worker table (each slot's state word;
 * for an idle worker its max-idle and max-age checks, both absent here), the dispatch check per template (no waiters),
 * the replenish arithmetic per template (a map of its 100 placements; nothing to start, the warm target is met), the
 * backoff check per placement, and re-arming the timer (a cancel and a schedule on the virtual clock). No events are
 * built (no listener), no provider is called. The measurement is wall time on one thread that neither blocks nor
 * sleeps, so it is close to the CPU time of the pass.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ControlPassBenchmark {
  /** The number of idle workers: 0 or 10,000. */
  @Param({"0", "10000"})
  public int workers;

  private VirtualClock clock;
  private WorkerPool pool;

  /** Creates the benchmark (JMH does). */
  public ControlPassBenchmark() {}

  /** Builds and fills the pool on virtual time. */
  @Setup(Level.Trial)
  public void setUp() {
    int perShelf = workers / (EngineShapes.TEMPLATES * EngineShapes.PLACEMENTS);
    if (perShelf * EngineShapes.TEMPLATES * EngineShapes.PLACEMENTS != workers) {
      throw new IllegalArgumentException("workers must be a multiple of "
          + EngineShapes.TEMPLATES * EngineShapes.PLACEMENTS + ", was " + workers);
    }
    clock = new VirtualClock();
    pool = EngineShapes.largePool(clock, new MemoryProvider(), perShelf);
  }

  /** Checks that the pool is as it was (every worker idle), then closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    int idle = pool.snapshot().total().idle();
    pool.closeAsync();
    clock.runDue();
    if (idle != workers) {
      throw new IllegalStateException("expected " + workers + " idle workers after the run, found " + idle);
    }
  }

  /**
   * Moves virtual time one control interval, which runs one control pass.
   *
   * @return the new time, for the blackhole
   */
  @Benchmark
  public Instant onePass() {
    return clock.advance(EngineShapes.CONTROL_INTERVAL);
  }
}
