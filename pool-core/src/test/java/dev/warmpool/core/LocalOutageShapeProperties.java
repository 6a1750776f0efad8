package dev.warmpool.core;

/** {@link OutageShapeProperties} on the local ledger (no store). */
class LocalOutageShapeProperties extends OutageShapeProperties {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
