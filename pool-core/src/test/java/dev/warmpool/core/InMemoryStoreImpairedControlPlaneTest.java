package dev.warmpool.core;

/** {@link ImpairedControlPlaneTest} on the in-memory store, one node. */
class InMemoryStoreImpairedControlPlaneTest extends ImpairedControlPlaneTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
