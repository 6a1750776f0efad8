package dev.warmpool.core;

/** {@link SeedIncidentForecastTest} on the local ledger (no store). */
class LocalSeedIncidentForecastTest extends SeedIncidentForecastTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
