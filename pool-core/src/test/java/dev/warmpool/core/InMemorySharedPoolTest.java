package dev.warmpool.core;

import dev.warmpool.spi.PoolStore;

/** The shared-pool scenarios on the in-memory store: several nodes in one JVM. */
class InMemorySharedPoolTest extends SharedPoolScenarios {
  private final InMemoryPoolStore store = new InMemoryPoolStore();

  @Override
  protected PoolStore sharedStore() {
    return store;
  }
}
