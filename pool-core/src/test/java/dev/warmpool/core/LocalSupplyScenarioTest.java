package dev.warmpool.core;

/** {@link SupplyScenarioTest} on the local ledger (no store). */
class LocalSupplyScenarioTest extends SupplyScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
