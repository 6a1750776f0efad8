package dev.warmpool.store.jdbc;

import dev.warmpool.core.ConcurrencyStressTest;
import dev.warmpool.core.PoolMode;

/** {@link ConcurrencyStressTest} on PostgreSQL, one node. */
class JdbcConcurrencyStressTest extends ConcurrencyStressTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
