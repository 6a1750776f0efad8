package dev.warmpool.store.jdbc;

import dev.warmpool.core.ResilienceScenarioTest;
import dev.warmpool.core.PoolMode;

/** {@link ResilienceScenarioTest} on PostgreSQL, one node. */
class JdbcResilienceScenarioTest extends ResilienceScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
