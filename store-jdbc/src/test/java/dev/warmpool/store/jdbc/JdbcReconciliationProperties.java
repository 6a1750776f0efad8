package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.ReconciliationProperties;
import net.jqwik.api.Tag;

/**
 * {@link ReconciliationProperties} on PostgreSQL, one node, fresh tables per try: under
 * {@code -Psoak} (the build runs it on the in-memory store).
 */
@Tag("soak")
class JdbcReconciliationProperties extends ReconciliationProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
