package dev.warmpool.benchmarks;

import java.time.Duration;
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
 * Replay speed: the wall time of 24 virtual hours of {@link DayRun} traffic from 1,000 tenants, one shot per
 * iteration. Target: under 10 seconds. The 5-hour incident replay is {@link IncidentReplayBenchmark}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class DayRunBenchmark {
  /** How many tenants send jobs. */
  @Param({"1000"})
  public int tenants;

  /** How many virtual hours to run. */
  @Param({"24"})
  public int hours;

  private DayRun run;

  /** Creates the benchmark (JMH does). */
  public DayRunBenchmark() {}

  /** Builds a fresh pool and schedules the tenants' first jobs (not measured). */
  @Setup(Level.Iteration)
  public void setUp() {
    run = new DayRun(tenants, Duration.ofHours(hours));
  }

  /** Checks that the run did its work and left no worker behind. */
  @TearDown(Level.Iteration)
  public void tearDown() {
    if (run.granted() < run.started() / 2 || run.live() != 0) {
      throw new IllegalStateException("the day run went wrong: " + run);
    }
  }

  /**
   * Runs the day and closes the pool.
   *
   * @return the run, for the blackhole
   */
  @Benchmark
  public DayRun day() {
    return run.run();
  }
}
