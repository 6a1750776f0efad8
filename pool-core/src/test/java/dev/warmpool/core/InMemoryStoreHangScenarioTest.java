package dev.warmpool.core;

/** {@link HangScenarioTest} on the in-memory store, one node. */
class InMemoryStoreHangScenarioTest extends HangScenarioTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
