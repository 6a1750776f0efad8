package dev.warmpool.core;

/** {@link ConcurrencyStressTest} on the in-memory store, one node. */
class InMemoryStoreConcurrencyStressTest extends ConcurrencyStressTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
