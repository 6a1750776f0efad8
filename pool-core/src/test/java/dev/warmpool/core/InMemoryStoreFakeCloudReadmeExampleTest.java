package dev.warmpool.core;

/** {@link FakeCloudReadmeExampleTest} on the in-memory store, one node. */
class InMemoryStoreFakeCloudReadmeExampleTest extends FakeCloudReadmeExampleTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
