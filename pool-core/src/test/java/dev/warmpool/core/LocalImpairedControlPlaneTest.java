package dev.warmpool.core;

/** {@link ImpairedControlPlaneTest} on the local ledger (no store). */
class LocalImpairedControlPlaneTest extends ImpairedControlPlaneTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
