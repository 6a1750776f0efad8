package dev.warmpool.core;

/** {@link HangScenarioTest} on the local ledger (no store). */
class LocalHangScenarioTest extends HangScenarioTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
