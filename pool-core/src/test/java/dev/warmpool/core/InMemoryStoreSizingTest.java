package dev.warmpool.core;

/** {@link SizingTest} on an in-memory store. */
class InMemoryStoreSizingTest extends SizingTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
