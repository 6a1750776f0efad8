package dev.warmpool.core;

/** {@link WritePacingScenarioTest} on the local ledger (no store). */
class LocalWritePacingScenarioTest extends WritePacingScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
