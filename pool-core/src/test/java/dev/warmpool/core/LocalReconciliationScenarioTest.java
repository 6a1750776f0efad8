package dev.warmpool.core;

/** {@link ReconciliationScenarioTest} on the local ledger (no store). */
class LocalReconciliationScenarioTest extends ReconciliationScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
