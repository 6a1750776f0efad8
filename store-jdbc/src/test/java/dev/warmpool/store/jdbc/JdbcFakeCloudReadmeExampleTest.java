package dev.warmpool.store.jdbc;

import dev.warmpool.core.FakeCloudReadmeExampleTest;
import dev.warmpool.core.PoolMode;

/** {@link FakeCloudReadmeExampleTest} on PostgreSQL, one node. */
class JdbcFakeCloudReadmeExampleTest extends FakeCloudReadmeExampleTest {
  private final PoolMode mode = PostgresMode.create();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
