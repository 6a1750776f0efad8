package dev.warmpool.store.jdbc;

import dev.warmpool.core.IncidentScenarioTest;
import dev.warmpool.core.PoolMode;
import org.junit.jupiter.api.Tag;

/**
 * {@link IncidentScenarioTest} on PostgreSQL, one node: under {@code -Psoak} (the build runs it on the in-memory
 * store).
 */
@Tag("soak")
class JdbcIncidentScenarioTest extends IncidentScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
