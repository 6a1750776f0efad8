package dev.warmpool.core;

/** {@link ObservabilityTest} on the local ledger (no store). */
class LocalObservabilityTest extends ObservabilityTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
