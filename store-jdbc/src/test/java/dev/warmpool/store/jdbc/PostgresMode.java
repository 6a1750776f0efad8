package dev.warmpool.store.jdbc;

import dev.warmpool.core.PoolMode;

/** The store mode of pool-core's black-box suites on this module's PostgreSQL server, with fresh tables per store. */
final class PostgresMode {
  private PostgresMode() {}

  /** @return a mode whose store (and each {@link PoolMode#fresh()} one) has tables of its own */
  static PoolMode create() {
    TestDatabase db = TestDatabase.shared();
    return PoolMode.store("PostgreSQL", () -> JdbcPoolStore.builder().dataSource(db.dataSource())
        .tablePrefix(db.freshPrefix()).build());
  }
}
