package dev.warmpool.core;

/** {@link ConcurrencyStressTest} on the local ledger (no store). */
class LocalConcurrencyStressTest extends ConcurrencyStressTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
