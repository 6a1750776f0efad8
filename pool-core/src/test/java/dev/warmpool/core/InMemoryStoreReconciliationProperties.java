package dev.warmpool.core;

/** {@link ReconciliationProperties} on the in-memory store, one node. */
class InMemoryStoreReconciliationProperties extends ReconciliationProperties {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
