package dev.warmpool.store.jdbc;

import dev.warmpool.core.LeasingTest;
import dev.warmpool.core.PoolMode;

/** {@link LeasingTest} on PostgreSQL, one node: in every build. */
class JdbcLeasingTest extends LeasingTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
