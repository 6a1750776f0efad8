package dev.warmpool.core;

/** {@link SizingProperties} on the local ledger. */
class LocalSizingProperties extends SizingProperties {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
