package dev.warmpool.core;

/** {@link IncidentScenarioTest} on the in-memory store, one node. */
class InMemoryStoreIncidentScenarioTest extends IncidentScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
