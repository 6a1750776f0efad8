package dev.warmpool.core;

/** {@link SeedIncidentForecastTest} on the in-memory store, one node. */
class InMemoryStoreSeedIncidentForecastTest extends SeedIncidentForecastTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
