package dev.warmpool.core;

/** {@link SharedSizingTest} on an in-memory store. */
class InMemoryStoreSharedSizingTest extends SharedSizingTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
