package dev.warmpool.benchmarks;

import com.zaxxer.hikari.util.ConcurrentBag;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.VirtualClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import stormpot.BasePoolable;
import stormpot.Expiration;
import stormpot.Pool;
import stormpot.Slot;
import stormpot.Timeout;

/**
 * The lease hot path: take an idle object from a warm pool of {@value #SIZE} and give it back, for Warmpool and for
 * the best Java object pools in the same shape. Run it at 1, 2 and 8 threads ({@code -t}); run it with
 * {@code -bm sample -t 2} for latency percentiles.
 *
 * <ul>
 *   <li>{@link #warmpool}: {@code tryLease(request).get()} then {@code close()} on a pool of 64 idle workers (one
 *       template, one placement, reuse without limit across tenants) on a virtual clock and a zero-latency
 *       provider. The clock does not move during the measurement, so no control pass runs unless the lease path
 *       schedules one; such a task would only queue on the clock.</li>
 *   <li>{@link #stormpot}: Stormpot 3.2 {@code claim(timeout)} then {@code release()}, size 64, no expiration.</li>
 *   <li>{@link #commonsPool2}: commons-pool2 {@code GenericObjectPool} {@code borrowObject()} then
 *       {@code returnObject()}, max total 64, prefilled, JMX off, no eviction.</li>
 *   <li>{@link #hikariConcurrentBag}: HikariCP's {@code ConcurrentBag} {@code borrow(timeout)} then
 *       {@code requite()} with 64 entries (the structure under HikariCP's connection pool).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LeaseReleaseBenchmark {
  /** The number of idle objects in every pool. */
  public static final int SIZE = 64;

  /** Creates the benchmark (JMH does). */
  public LeaseReleaseBenchmark() {}

  /** Warmpool: a warm pool of 64 reusable workers on a virtual clock. */
  @State(Scope.Benchmark)
  public static class WarmpoolState {
    VirtualClock clock;
    WorkerPool pool;
    LeaseRequest request;

    /** Creates the state (JMH does). */
    public WarmpoolState() {}

    /** Builds the pool and waits (on virtual time) until 64 workers are idle. */
    @Setup(Level.Trial)
    public void setUp() {
      clock = new VirtualClock();
      pool = EngineShapes.warmPool(clock, new MemoryProvider(), SIZE);
      request = EngineShapes.request("hot");
    }

    /** Closes the pool, checking that every lease came back. */
    @TearDown(Level.Trial)
    public void tearDown() {
      int leased = pool.snapshot().total().leased();
      pool.closeAsync();
      clock.runDue();
      if (leased != 0) {
        throw new IllegalStateException(leased + " leases were not released");
      }
    }
  }

  /** A Stormpot object. */
  public static final class StormpotObject extends BasePoolable {
    StormpotObject(Slot slot) {
      super(slot);
    }
  }

  /** Stormpot 3.2 with 64 objects that never expire. */
  @State(Scope.Benchmark)
  public static class StormpotState {
    Pool<StormpotObject> pool;
    final Timeout timeout = new Timeout(1, TimeUnit.SECONDS);

    /** Creates the state (JMH does). */
    public StormpotState() {}

    /**
     * Builds the pool and claims every object once so that all are allocated.
     *
     * @throws InterruptedException if interrupted while filling
     */
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      pool = Pool.from(new stormpot.Allocator<StormpotObject>() {
        @Override
        public StormpotObject allocate(Slot slot) {
          return new StormpotObject(slot);
        }

        @Override
        public void deallocate(StormpotObject poolable) {}
      }).setSize(SIZE).setExpiration(Expiration.never()).build();
      StormpotObject[] all = new StormpotObject[SIZE];
      for (int i = 0; i < SIZE; i++) {
        all[i] = pool.claim(new Timeout(10, TimeUnit.SECONDS));
        if (all[i] == null) {
          throw new IllegalStateException("Stormpot did not allocate " + SIZE + " objects");
        }
      }
      for (StormpotObject o : all) {
        o.release();
      }
    }

    /**
     * Shuts the pool down.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      pool.shutdown().await(new Timeout(10, TimeUnit.SECONDS));
    }
  }

  /** commons-pool2 with 64 prefilled objects. */
  @State(Scope.Benchmark)
  public static class CommonsPool2State {
    GenericObjectPool<Object> pool;

    /** Creates the state (JMH does). */
    public CommonsPool2State() {}

    /**
     * Builds and prefills the pool.
     *
     * @throws Exception if the factory fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      GenericObjectPoolConfig<Object> config = new GenericObjectPoolConfig<>();
      config.setMaxTotal(SIZE);
      config.setMaxIdle(SIZE);
      config.setMinIdle(SIZE);
      config.setJmxEnabled(false);
      pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
        @Override
        public Object create() {
          return new Object();
        }

        @Override
        public PooledObject<Object> wrap(Object obj) {
          return new DefaultPooledObject<>(obj);
        }
      }, config);
      pool.preparePool();
      if (pool.getNumIdle() != SIZE) {
        throw new IllegalStateException("commons-pool2 has " + pool.getNumIdle() + " idle objects, not " + SIZE);
      }
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void tearDown() {
      pool.close();
    }
  }

  /** An entry of HikariCP's {@code ConcurrentBag}. */
  public static final class BagEntry implements ConcurrentBag.IConcurrentBagEntry {
    private static final AtomicIntegerFieldUpdater<BagEntry> STATE =
        AtomicIntegerFieldUpdater.newUpdater(BagEntry.class, "state");
    private volatile int state;

    BagEntry() {}

    @Override
    public boolean compareAndSet(int expect, int update) {
      return STATE.compareAndSet(this, expect, update);
    }

    @Override
    public void setState(int update) {
      STATE.set(this, update);
    }

    @Override
    public int getState() {
      return state;
    }
  }

  /** HikariCP's {@code ConcurrentBag} with 64 entries. */
  @State(Scope.Benchmark)
  public static class HikariState {
    ConcurrentBag<BagEntry> bag;

    /** Creates the state (JMH does). */
    public HikariState() {}

    /** Builds the bag. */
    @Setup(Level.Trial)
    public void setUp() {
      bag = new ConcurrentBag<>(waiting -> { });
      for (int i = 0; i < SIZE; i++) {
        bag.add(new BagEntry());
      }
    }

    /** Closes the bag. */
    @TearDown(Level.Trial)
    public void tearDown() {
      bag.close();
    }
  }

  /**
   * Warmpool: {@code tryLease} then {@code close}.
   *
   * @param s the pool
   * @return the lease, for the blackhole
   */
  @Benchmark
  public Lease warmpool(WarmpoolState s) {
    Lease lease = s.pool.tryLease(s.request).get();
    lease.close();
    return lease;
  }

  /**
   * Stormpot: {@code claim} then {@code release}.
   *
   * @param s the pool
   * @return the object, for the blackhole
   * @throws InterruptedException if interrupted while claiming
   */
  @Benchmark
  public Object stormpot(StormpotState s) throws InterruptedException {
    StormpotObject o = s.pool.claim(s.timeout);
    o.release();
    return o;
  }

  /**
   * commons-pool2: {@code borrowObject} then {@code returnObject}.
   *
   * @param s the pool
   * @return the object, for the blackhole
   * @throws Exception if borrowing fails
   */
  @Benchmark
  public Object commonsPool2(CommonsPool2State s) throws Exception {
    Object o = s.pool.borrowObject();
    s.pool.returnObject(o);
    return o;
  }

  /**
   * HikariCP's {@code ConcurrentBag}: {@code borrow} then {@code requite}.
   *
   * @param s the bag
   * @return the entry, for the blackhole
   * @throws InterruptedException if interrupted while borrowing
   */
  @Benchmark
  public Object hikariConcurrentBag(HikariState s) throws InterruptedException {
    BagEntry e = s.bag.borrow(1, TimeUnit.SECONDS);
    s.bag.requite(e);
    return e;
  }
}
