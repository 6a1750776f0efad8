package dev.warmpool.core;

/** {@link RolloutScenarioTest} on the local ledger (no store). */
class LocalRolloutScenarioTest extends RolloutScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
