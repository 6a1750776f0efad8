package dev.warmpool.store.jdbc;

import dev.warmpool.core.SharedPoolProperties;
import dev.warmpool.spi.PoolStore;
import net.jqwik.api.Tag;

/**
 * The shared-pool properties on a real PostgreSQL server: each try gets fresh tables (a fresh prefix). A try costs a
 * few seconds of database round trips, so the 100 tries run only with {@code -Psoak}
 * ({@code ./mvnw -B -Psoak -pl store-jdbc -am verify}).
 */
@Tag("soak")
class JdbcSharedPoolProperties extends SharedPoolProperties {
  @Override
  protected PoolStore newStore() {
    TestDatabase db = TestDatabase.shared();
    return JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(db.freshPrefix()).build();
  }
}
