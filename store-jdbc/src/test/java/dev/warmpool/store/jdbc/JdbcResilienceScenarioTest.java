package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.ResilienceScenarioTest;
import org.junit.jupiter.api.Tag;

/**
 * {@link ResilienceScenarioTest} on PostgreSQL, one node: under {@code -Psoak} (the build runs it on the in-memory
 * store).
 */
@Tag("soak")
class JdbcResilienceScenarioTest extends ResilienceScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
