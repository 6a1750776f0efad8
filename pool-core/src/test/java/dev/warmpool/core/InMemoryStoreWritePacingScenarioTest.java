package dev.warmpool.core;

/** {@link WritePacingScenarioTest} on the in-memory store, one node. */
class InMemoryStoreWritePacingScenarioTest extends WritePacingScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
