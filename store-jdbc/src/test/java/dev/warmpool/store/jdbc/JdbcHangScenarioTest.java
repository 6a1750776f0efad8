package dev.warmpool.store.jdbc;

import dev.warmpool.core.HangScenarioTest;
import dev.warmpool.core.PoolMode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HangScenarioTest} on PostgreSQL, one node: under {@code -Psoak} (the build runs it on the in-memory
 * store). Hours of virtual time cost minutes of database round trips: each test may take 5 minutes.
 */
@Tag("soak")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcHangScenarioTest extends HangScenarioTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
