package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.SizingProperties;
import net.jqwik.api.Tag;

/**
 * {@link SizingProperties} on PostgreSQL, one node, fresh tables per try: under {@code -Psoak} (the build runs it on
 * the local ledger and the in-memory store).
 */
@Tag("soak")
class JdbcSizingProperties extends SizingProperties {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
