package dev.warmpool.core;

import dev.warmpool.spi.PoolStore;

/** The shared-pool properties on the in-memory store: every build runs them. */
class InMemorySharedPoolProperties extends SharedPoolProperties {
  @Override
  protected PoolStore newStore() {
    return new InMemoryPoolStore();
  }
}
