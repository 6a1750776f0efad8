package dev.warmpool.core;

/** {@link ResilienceScenarioTest} on the local ledger (no store). */
class LocalResilienceScenarioTest extends ResilienceScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
