package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolInvariantProperties;
import dev.warmpool.core.PoolMode;
import net.jqwik.api.Tag;

/**
 * {@link PoolInvariantProperties} on PostgreSQL, one node, fresh tables per try: under
 * {@code -Psoak} (the build runs it on the in-memory store).
 */
@Tag("soak")
class JdbcPoolInvariantProperties extends PoolInvariantProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
