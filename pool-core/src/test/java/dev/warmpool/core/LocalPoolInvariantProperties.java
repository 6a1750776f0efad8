package dev.warmpool.core;

/** {@link PoolInvariantProperties} on the local ledger (no store). */
class LocalPoolInvariantProperties extends PoolInvariantProperties {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
