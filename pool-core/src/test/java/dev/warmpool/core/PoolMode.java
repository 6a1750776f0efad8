package dev.warmpool.core;

import dev.warmpool.spi.PoolStore;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a black-box suite's pool keeps the truth about its workers and leases: the local ledger (no store: the
 * pool's own memory) or a {@link PoolStore} that the suite's nodes share. A black-box suite is written once against
 * {@link WorkerPools.Builder} and runs once per mode, one subclass per mode, as Stormpot runs one suite per
 * allocation mode; a subclass says only which mode it is.
 *
 * <p>A store mode holds one store: every pool a test builds through it (its nodes, a pool restarted after a crash)
 * shares that store, as the nodes of one deployment share one database. {@link #fresh()} gives an equivalent mode
 * with an empty store, for each try of a property. Not thread-safe to build with from several threads at once.
 */
public abstract class PoolMode {

  /** A suite that runs in a mode. */
  public interface Suite {
    /** @return the mode this test instance runs in */
    PoolMode mode();
  }

  PoolMode() {}

  /** @return the local ledger: no store, one JVM */
  public static PoolMode local() {
    return new Local();
  }

  /** @return a mode over a fresh {@link InMemoryPoolStore} */
  public static PoolMode inMemoryStore() {
    return store("in-memory store", InMemoryPoolStore::new);
  }

  /**
   * A store mode.
   *
   * @param name what the store is, for test names and messages
   * @param stores makes a new, empty store; called once now and once per {@link #fresh()}
   * @return a mode over a store from {@code stores}
   */
  public static PoolMode store(String name, Supplier<? extends PoolStore> stores) {
    return new Store(name, stores);
  }

  /** @return whether pools of this mode keep their truth in a store */
  public abstract boolean hasStore();

  /**
   * Decorates a builder as node {@code nodeId} of this mode's pool: in a store mode it sets the shared store and the
   * node id; the local mode leaves the builder as it is (there is one node).
   *
   * @param builder the pool's builder, with everything else set
   * @param nodeId the node's id among the pool's nodes
   * @return the same builder
   */
  public abstract WorkerPools.Builder node(WorkerPools.Builder builder, String nodeId);

  /**
   * Decorates a builder as the one node of this mode's pool.
   *
   * @param builder the pool's builder
   * @return the same builder
   */
  public WorkerPools.Builder apply(WorkerPools.Builder builder) {
    return node(builder, "node-1");
  }

  /** @return the same mode over a new, empty store (the local mode returns a new local mode) */
  public abstract PoolMode fresh();

  /** @return the store the nodes share; fails in the local mode */
  public abstract PoolStore store();

  private static final class Local extends PoolMode {
    @Override
    public boolean hasStore() {
      return false;
    }

    @Override
    public WorkerPools.Builder node(WorkerPools.Builder builder, String nodeId) {
      return builder;
    }

    @Override
    public PoolMode fresh() {
      return new Local();
    }

    @Override
    public PoolStore store() {
      throw new IllegalStateException("the local ledger has no store");
    }

    @Override
    public String toString() {
      return "local ledger";
    }
  }

  private static final class Store extends PoolMode {
    private final String name;
    private final Supplier<? extends PoolStore> stores;
    private final PoolStore store;

    Store(String name, Supplier<? extends PoolStore> stores) {
      this.name = Objects.requireNonNull(name, "name");
      this.stores = stores;
      this.store = Objects.requireNonNull(stores.get(), "the store supplier returned null");
    }

    @Override
    public boolean hasStore() {
      return true;
    }

    @Override
    public WorkerPools.Builder node(WorkerPools.Builder builder, String nodeId) {
      return builder.store(store).nodeId(nodeId);
    }

    @Override
    public PoolMode fresh() {
      return new Store(name, stores);
    }

    @Override
    public PoolStore store() {
      return store;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
