package dev.warmpool.store.jdbc;

import dev.warmpool.core.ReconciliationProperties;
import dev.warmpool.core.PoolMode;

/** {@link ReconciliationProperties} on PostgreSQL, one node. */
class JdbcReconciliationProperties extends ReconciliationProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
