package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.ReconciliationScenarioTest;

/** {@link ReconciliationScenarioTest} on PostgreSQL, one node: in every build. */
class JdbcReconciliationScenarioTest extends ReconciliationScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
