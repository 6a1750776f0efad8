package dev.warmpool.core;

/** {@link SizingProperties} on an in-memory store, one node, a fresh store per try. */
class InMemoryStoreSizingProperties extends SizingProperties {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
