package dev.warmpool.core;

import dev.warmpool.spi.PoolStore;

/** {@link InMemoryPoolStore} passes the store contract; one instance serves every test, as nodes share a store. */
class InMemoryPoolStoreTest extends PoolStoreContract {

  private static final InMemoryPoolStore SHARED = new InMemoryPoolStore();

  @Override
  protected PoolStore newStore() {
    return SHARED;
  }
}
