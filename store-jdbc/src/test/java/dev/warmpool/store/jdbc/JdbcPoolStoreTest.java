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

  /** The JDBC store does not keep the learned demand yet (issue 24): a new leader learns again. */
  @Override
  protected boolean keepsDemand() {
    return false;
  }

  @Override
  protected int concurrencyRounds() {
    return 200;
  }
}
