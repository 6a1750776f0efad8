package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.SharedSizingTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SharedSizingTest} on PostgreSQL: the leader of three nodes sizes from every node's requests, and a new leader
 * goes on from the demand the killed one kept in the database.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcSharedSizingTest extends SharedSizingTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
