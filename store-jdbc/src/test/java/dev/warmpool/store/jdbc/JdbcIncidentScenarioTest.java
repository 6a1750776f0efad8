package dev.warmpool.store.jdbc;

import dev.warmpool.core.IncidentScenarioTest;
import dev.warmpool.core.PoolMode;

/** {@link IncidentScenarioTest} on PostgreSQL, one node. */
class JdbcIncidentScenarioTest extends IncidentScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
