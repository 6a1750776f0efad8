package dev.warmpool.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warmpool.spi.PoolStore;
import java.time.Duration;
import javax.sql.DataSource;

/** The snippet of docs/several-nodes.md; compiled here, shown there by the examples module's DocsTest. */
final class DocsSnippets {
  private DocsSnippets() {}

  static PoolStore store(String secret) {
    // tag::jdbc-store[]
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://db.internal:5432/orchestrator");
    config.setUsername("warmpool");
    config.setPassword(secret);
    config.setMaximumPoolSize(10);
    config.setConnectionTimeout(2_000);   // while the database is down, a call waits this long for a connection
    DataSource dataSource = new HikariDataSource(config);

    PoolStore store = JdbcPoolStore.builder()
        .dataSource(dataSource)                   // required
        .tablePrefix("warmpool_")                 // default; [a-z_][a-z0-9_]{0,30}
        .schema("orchestrator")                   // optional; default: the connection's search_path
        .statementTimeout(Duration.ofSeconds(5))  // default; a hung database fails calls fast
        .build();
    // end::jdbc-store[]
    return store;
  }
}
