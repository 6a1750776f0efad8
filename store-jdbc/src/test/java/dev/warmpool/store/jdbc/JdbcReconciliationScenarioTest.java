package dev.warmpool.store.jdbc;

import dev.warmpool.core.ReconciliationScenarioTest;
import dev.warmpool.core.PoolMode;

/** {@link ReconciliationScenarioTest} on PostgreSQL, one node. */
class JdbcReconciliationScenarioTest extends ReconciliationScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
