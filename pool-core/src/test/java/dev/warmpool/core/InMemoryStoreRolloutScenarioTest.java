package dev.warmpool.core;

/** {@link RolloutScenarioTest} on nodes sharing an in-memory store. */
class InMemoryStoreRolloutScenarioTest extends RolloutScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
