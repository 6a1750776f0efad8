package dev.warmpool.store.jdbc;

import dev.warmpool.core.ConcurrencyStressTest;
import dev.warmpool.core.PoolMode;
import org.junit.jupiter.api.Tag;

/**
 * {@link ConcurrencyStressTest} on PostgreSQL, one node: under {@code -Psoak} (the build runs it on the in-memory
 * store).
 */
@Tag("soak")
class JdbcConcurrencyStressTest extends ConcurrencyStressTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }

  @Override
  protected int rounds() {
    return 300;
  }
}
