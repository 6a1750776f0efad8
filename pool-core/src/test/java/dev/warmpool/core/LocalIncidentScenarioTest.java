package dev.warmpool.core;

/** {@link IncidentScenarioTest} on the local ledger (no store). */
class LocalIncidentScenarioTest extends IncidentScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
