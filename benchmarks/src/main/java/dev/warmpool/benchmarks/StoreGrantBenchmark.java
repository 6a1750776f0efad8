package dev.warmpool.benchmarks;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.InMemoryPoolStore;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.store.jdbc.JdbcPoolStore;
import dev.warmpool.store.jdbc.TestDatabase;
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
 * Grants per second through a pool's store: {@code tryLease(request)} then {@code close()} on a warm pool of
 * {@value #SIZE} reusable workers, for the three ways a pool can keep its state. Run it at 1, 4 and 16 threads
 * ({@code -t}); every thread leases and releases through the same pool (one node).
 *
 * <ul>
 *   <li>{@code memory}: no store, the default (one JVM, the lock-free fast path): the baseline.</li>
 *   <li>{@code memory-store}: a shared pool over {@link InMemoryPoolStore} (one lock per call): what the shared
 *       engine costs without a database.</li>
 *   <li>{@code jdbc}: a shared pool over {@link JdbcPoolStore} on a real PostgreSQL 17 (started from Maven artifacts
 *       by store-jdbc's {@link TestDatabase}, on this machine, over a HikariCP pool of 20 connections, or the server
 *       named by {@code WARMPOOL_TEST_JDBC_URL}): one transaction to grant
 *       ({@code UPDATE ... FOR UPDATE SKIP LOCKED}) and one to release.</li>
 * </ul>
 *
 * <p>The pools run on a virtual clock that does not move during the measurement, so no control pass competes with
 * the grants; the numbers are the lease path alone.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreGrantBenchmark {
  /** The number of idle workers in the pool. */
  public static final int SIZE = 64;

  /** Creates the benchmark (JMH does). */
  public StoreGrantBenchmark() {}

  /** One pool with {@value #SIZE} idle workers, keeping its state as {@link #store} says. */
  @State(Scope.Benchmark)
  public static class Pool {
    /** How the pool keeps its state. */
    @Param({"memory", "memory-store", "jdbc"})
    public String store;

    VirtualClock clock;
    WorkerPool pool;
    LeaseRequest request;

    /** Creates the state (JMH does). */
    public Pool() {}

    /** Builds the pool and waits (on virtual time) until its workers are idle. */
    @Setup(Level.Trial)
    public void setUp() {
      clock = new VirtualClock();
      request = EngineShapes.request("hot");
      if (store.equals("memory")) {
        pool = EngineShapes.warmPool(clock, new MemoryProvider(), SIZE);
        return;
      }
      PoolStore s = store.equals("jdbc")
          ? JdbcPoolStore.builder().dataSource(TestDatabase.shared().dataSource())
              .tablePrefix(TestDatabase.shared().freshPrefix()).build()
          : new InMemoryPoolStore();
      pool = WorkerPools.builder()
          .poolId("bench-store")
          .clock(clock)
          .store(s)
          .nodeId("bench")
          .template(WorkerTemplate.builder("hot").maxUses(Integer.MAX_VALUE).shareAcrossTenants(true)
              .warmTarget(SIZE).maxTotal(SIZE).build())
          .placement(Placement.of("mem", "r000", "g0"))
          .provider("mem", new MemoryProvider())
          .controlInterval(EngineShapes.CONTROL_INTERVAL)
          .maxConcurrentProvisions(SIZE)
          .build();
      EngineShapes.fill(clock, pool, SIZE);
    }

    /** Closes the pool, checking that every lease came back. */
    @TearDown(Level.Trial)
    public void tearDown() {
      int leased = pool.snapshot().total().leased();
      pool.closeAsync();
      clock.runUntilIdle(java.time.Duration.ofHours(1));
      if (leased != 0) {
        throw new IllegalStateException(leased + " leases were not returned");
      }
    }
  }

  /**
   * One grant and one release.
   *
   * @param p the pool
   * @return the lease's fencing token, so the work is not dead code
   */
  @Benchmark
  public long grantAndRelease(Pool p) {
    var lease = p.pool.tryLease(p.request).orElseThrow(() -> new IllegalStateException("no idle worker"));
    long token = lease.fencingToken();
    lease.close();
    return token;
  }
}
