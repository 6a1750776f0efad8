package dev.warmpool.core;

/** {@link SizingTest} on the local ledger (no store). */
class LocalSizingTest extends SizingTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
