package dev.warmpool.store.jdbc;

import dev.warmpool.core.SeedIncidentForecastTest;
import dev.warmpool.core.PoolMode;

/** {@link SeedIncidentForecastTest} on PostgreSQL, one node. */
class JdbcSeedIncidentForecastTest extends SeedIncidentForecastTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
