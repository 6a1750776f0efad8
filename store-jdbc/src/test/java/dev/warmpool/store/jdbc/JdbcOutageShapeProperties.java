package dev.warmpool.store.jdbc;

import dev.warmpool.core.OutageShapeProperties;
import dev.warmpool.core.PoolMode;
import net.jqwik.api.Tag;

/**
 * {@link OutageShapeProperties} on PostgreSQL, one node: under {@code -Psoak} (the build runs them on the local ledger
 * and the in-memory store). Hours of virtual time per try cost minutes of database round trips.
 */
@Tag("soak")
class JdbcOutageShapeProperties extends OutageShapeProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
