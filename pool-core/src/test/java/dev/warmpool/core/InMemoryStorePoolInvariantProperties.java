package dev.warmpool.core;

/** {@link PoolInvariantProperties} on the in-memory store, one node. */
class InMemoryStorePoolInvariantProperties extends PoolInvariantProperties {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
