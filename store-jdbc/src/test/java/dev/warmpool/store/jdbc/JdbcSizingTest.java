package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;
import dev.warmpool.core.SizingTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** {@link SizingTest} on PostgreSQL, one node. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcSizingTest extends SizingTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
