package dev.warmpool.benchmarks;

import dev.warmpool.examples.ReplayOptions;
import dev.warmpool.examples.ReplayRun;
import java.util.List;
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

/**
 * Replay speed: the wall time of the examples' incident replay (the seed incident's five virtual hours of West Europe
 * failing, from 01:00 to 07:00 on 2023-03-23, with the default demand) on the fake cloud and a virtual clock, one shot
 * per iteration, for the naive pool and for Warmpool. Target: well under a second per run, so the demo and its tests
 * stay instant.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class IncidentReplayBenchmark {
  /** Which pool replays the outage: the naive one (no failover, no degraded mode) or Warmpool's defaults. */
  @Param({"naive", "warmpool"})
  public String pool;

  private ReplayOptions options;
  private List<ReplayRun.Job> jobs;

  /** Creates the benchmark (JMH does). */
  public IncidentReplayBenchmark() {}

  /** Generates the day's jobs from the default options (not measured). */
  @Setup(Level.Trial)
  public void setUp() {
    options = ReplayOptions.defaults();
    jobs = ReplayRun.jobs(options);
  }

  /**
   * One whole replay.
   *
   * @return the run, so the work is not dead code
   */
  @Benchmark
  public ReplayRun replay() {
    return ReplayRun.run(pool, pool.equals("naive"), options, jobs);
  }
}
