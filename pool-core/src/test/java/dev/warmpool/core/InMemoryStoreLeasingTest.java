package dev.warmpool.core;

/** {@link LeasingTest} on the in-memory store, one node. */
class InMemoryStoreLeasingTest extends LeasingTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
