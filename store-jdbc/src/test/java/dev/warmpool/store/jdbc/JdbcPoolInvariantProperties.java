package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolInvariantProperties;
import dev.warmpool.core.PoolMode;

/** {@link PoolInvariantProperties} on PostgreSQL, one node. */
class JdbcPoolInvariantProperties extends PoolInvariantProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
