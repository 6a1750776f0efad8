package dev.warmpool.benchmarks;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.VirtualClock;
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
 * Lease cost as the pool grows: {@code tryLease} then {@code close}, in nanoseconds per pair, from a pool of 64
 * workers ({@link EngineShapes#warmPool}: one template, one placement) and from one of 10,000 workers
 * ({@link EngineShapes#largePool}: 20 templates over 100 placements, 5 idle workers per template and placement). The
 * request names template {@code t00} of the large pool, whose first placement always has an idle worker at one
 * thread. Target: the cost at 10,000 within 20% of the cost at 64.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ScaleLeaseBenchmark {
  /** The pool's size: 64 (the hot-path shape) or 10,000 (the large shape). */
  @Param({"64", "10000"})
  public int workers;

  private VirtualClock clock;
  private WorkerPool pool;
  private LeaseRequest request;

  /** Creates the benchmark (JMH does). */
  public ScaleLeaseBenchmark() {}

  /** Builds and fills the pool on virtual time. */
  @Setup(Level.Trial)
  public void setUp() {
    clock = new VirtualClock();
    if (workers == 64) {
      pool = EngineShapes.warmPool(clock, new MemoryProvider(), 64);
      request = EngineShapes.request("hot");
    } else if (workers == EngineShapes.TEMPLATES * EngineShapes.PLACEMENTS * 5) {
      pool = EngineShapes.largePool(clock, new MemoryProvider(), 5);
      request = EngineShapes.request(EngineShapes.templateName(0));
    } else {
      throw new IllegalArgumentException("workers must be 64 or 10000, was " + workers);
    }
  }

  /** Closes the pool. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.closeAsync();
    clock.runDue();
  }

  /**
   * One lease and its release.
   *
   * @return the lease, for the blackhole
   */
  @Benchmark
  public Lease leaseAndRelease() {
    Lease lease = pool.tryLease(request).get();
    lease.close();
    return lease;
  }
}
