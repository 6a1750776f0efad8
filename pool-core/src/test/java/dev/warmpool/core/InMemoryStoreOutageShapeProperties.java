package dev.warmpool.core;

/** {@link OutageShapeProperties} on the in-memory store. */
class InMemoryStoreOutageShapeProperties extends OutageShapeProperties {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
