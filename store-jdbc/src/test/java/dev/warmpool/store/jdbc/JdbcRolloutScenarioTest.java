package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.RolloutScenarioTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RolloutScenarioTest} on PostgreSQL, one node (about 30 seconds for the five scenarios).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcRolloutScenarioTest extends RolloutScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
