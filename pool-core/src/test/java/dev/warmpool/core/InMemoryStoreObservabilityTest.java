package dev.warmpool.core;

/** {@link ObservabilityTest} on the in-memory store, one node. */
class InMemoryStoreObservabilityTest extends ObservabilityTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
