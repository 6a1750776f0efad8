package dev.warmpool.core;

/** {@link ReconciliationScenarioTest} on the in-memory store, one node. */
class InMemoryStoreReconciliationScenarioTest extends ReconciliationScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
