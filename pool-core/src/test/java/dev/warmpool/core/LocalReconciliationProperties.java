package dev.warmpool.core;

/** {@link ReconciliationProperties} on the local ledger (no store). */
class LocalReconciliationProperties extends ReconciliationProperties {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
