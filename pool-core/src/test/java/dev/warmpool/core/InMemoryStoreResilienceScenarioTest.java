package dev.warmpool.core;

/** {@link ResilienceScenarioTest} on the in-memory store, one node. */
class InMemoryStoreResilienceScenarioTest extends ResilienceScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
