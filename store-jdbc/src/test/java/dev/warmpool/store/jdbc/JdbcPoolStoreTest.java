package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolStoreContract;
import dev.warmpool.spi.PoolStore;

/** {@link JdbcPoolStore} passes the store contract on a real PostgreSQL server ({@link TestDatabase}). */
class JdbcPoolStoreTest extends PoolStoreContract {

  private static final String PREFIX = TestDatabase.shared().freshPrefix();

  @Override
  protected PoolStore newStore() {
    return JdbcPoolStore.builder().dataSource(TestDatabase.shared().dataSource()).tablePrefix(PREFIX).build();
  }

  @Override
  protected int concurrencyRounds() {
    return 200;
  }
}
