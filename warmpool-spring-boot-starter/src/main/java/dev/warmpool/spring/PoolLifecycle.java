package dev.warmpool.spring;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.core.WorkerPoolConfig;
import dev.warmpool.spi.PoolStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Builds the configured pools when the application context starts and closes them gracefully when it stops: each
 * pool stops granting, lets live leases finish within its {@code close-grace-period}, then destroys its workers (or
 * keeps them, with {@code keep-warm-pool}). Spring waits for this up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase}; the context's destruction then closes whatever is left.
 *
 * <p>On a clock of the application's own (a {@link PoolClock} bean, such as a virtual clock in a test or a
 * simulation), stopping starts closing and returns at once, as {@link WorkerPool#close()} does on such a clock: only
 * the application can move that clock, so it follows the closing through {@link WorkerPool#closeAsync()}.
 *
 * <p>Pools stop in phase {@link #PHASE}, after a web server's graceful shutdown (requests in flight release their
 * leases first), and start before it.
 *
 * <p>Thread-safe.
 */
public final class PoolLifecycle implements SmartLifecycle, DisposableBean {
  /** The lifecycle phase: {@code DEFAULT_PHASE - 4096}, below the web server's phases. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final Map<String, WorkerPool> pools;
  private final Set<String> closing = ConcurrentHashMap.newKeySet();
  private final boolean ownClock;
  private volatile boolean running;

  /**
   * Reads and builds every pool of the properties.
   *
   * @param properties the bound {@code warmpool.*} properties
   * @param store the store every pool shares with other nodes, or null for pools in memory
   * @param clock the clock of every pool, or null for the system clock
   * @param listeners listeners every pool gets from the start
   * @throws InvalidConfigurationException naming the key that breaks a rule; pools built before it are closed
   */
  public PoolLifecycle(WarmpoolProperties properties, PoolStore store, PoolClock clock, List<PoolListener> listeners) {
    Map<String, WorkerPool> built = new LinkedHashMap<>();
    try {
      WorkerPoolConfig.read(properties.toKeys()).forEach((id, config) -> built.put(id, config.build(b -> {
        if (store != null) {
          b.store(store);
        }
        if (clock != null) {
          b.clock(clock);
        }
        listeners.forEach(b::listener);
      })));
    } catch (RuntimeException e) {
      built.values().forEach(WorkerPool::close);
      throw e;
    }
    this.pools = Collections.unmodifiableMap(built);
    this.ownClock = clock != null;
  }

  /** {@return the pools by id, in id order} */
  public Map<String, WorkerPool> pools() {
    return pools;
  }

  /**
   * One pool.
   *
   * @param id the pool's id
   * @return the pool
   * @throws IllegalArgumentException if no pool has that id
   */
  public WorkerPool pool(String id) {
    WorkerPool p = pools.get(id);
    if (p == null) {
      throw new IllegalArgumentException("no pool \"" + id + "\"; configured: " + pools.keySet());
    }
    return p;
  }

  /**
   * Whether a pool was asked to close (by this lifecycle), so that it grants no more leases.
   *
   * @param id the pool's id
   * @return true once closing started
   */
  public boolean isClosing(String id) {
    return closing.contains(id);
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    closeAll();
  }

  @Override
  public void stop(Runnable callback) {
    CompletableFuture<Void> closed = closeAll();
    if (ownClock) {
      callback.run();
    } else {
      closed.whenComplete((v, e) -> callback.run());
    }
  }

  private CompletableFuture<Void> closeAll() {
    running = false;
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    pools.forEach((id, pool) -> {
      closing.add(id);
      futures.add(pool.closeAsync());
    });
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Closes every pool that is still open: on the system clock, blocks until each is closed. */
  @Override
  public void destroy() {
    running = false;
    pools.forEach((id, pool) -> {
      closing.add(id);
      pool.close();
    });
  }
}
