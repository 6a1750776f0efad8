package dev.warmpool.store.jdbc;

import dev.warmpool.core.ObservabilityTest;
import dev.warmpool.core.PoolMode;

/** {@link ObservabilityTest} on PostgreSQL, one node. */
class JdbcObservabilityTest extends ObservabilityTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
