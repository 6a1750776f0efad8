package dev.warmpool.core;

/** {@link SupplyScenarioTest} on the in-memory store, one node. */
class InMemoryStoreSupplyScenarioTest extends SupplyScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
