package dev.warmpool.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.WarmpoolException;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredWorker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** How {@link JdbcPoolStore} creates, versions and shares its tables, and how it reports database errors. */
class JdbcSchemaTest {

  private static final Instant T0 = Instant.parse("2026-03-23T02:41:00.123456Z");

  private final TestDatabase db = TestDatabase.shared();
  private final DataSource dataSource = db.dataSource();

  private JdbcPoolStore store(String prefix) {
    return JdbcPoolStore.builder().dataSource(dataSource).tablePrefix(prefix).build();
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> tables(String schema, String prefix) throws SQLException {
    return query("SELECT table_name FROM information_schema.tables WHERE table_schema = " + schema
        + " AND table_name LIKE '" + prefix.replace("_", "\\_") + "%' ORDER BY table_name");
  }

  @Test
  void openCreatesTheTablesAndRecordsTheSchemaVersionOnce() throws SQLException {
    String prefix = db.freshPrefix();

    store(prefix).open("p1");
    store(prefix).open("p1");
    store(prefix).open("p2");

    assertThat(tables("current_schema()", prefix)).containsExactly(prefix + "leadership", prefix + "nodes",
        prefix + "placement_health", prefix + "schema_version", prefix + "workers");
    assertThat(query("SELECT version FROM \"" + prefix + "schema_version\" ORDER BY version"))
        .containsExactly("1", "2", "3", "4").hasSize(JdbcPoolStore.SCHEMA_VERSION);
  }

  @Test
  void aVersionOneSchemaIsMigratedInPlaceAndKeepsItsRows() throws SQLException {
    String prefix = db.freshPrefix();
    store(prefix).open("p1");
    // what a node of the first release left behind: no closing column, version 1 only
    backToVersionThree(prefix);
    execute("DROP TABLE \"" + prefix + "placement_health\"");
    execute("ALTER TABLE \"" + prefix + "nodes\" DROP COLUMN closing");
    execute("DELETE FROM \"" + prefix + "schema_version\" WHERE version >= 2");
    execute("INSERT INTO \"" + prefix + "nodes\" (pool_id, node, last_seen, waiting) VALUES ('p1', 'old', 5,"
        + " ARRAY['linux', '2'])");

    JdbcPoolStore upgraded = store(prefix);
    upgraded.open("p1");

    // the node is kept; which tenants wait there is known from its next heartbeat on
    assertThat(upgraded.nodes("p1")).containsExactly(new StoredNode("old", Instant.EPOCH.plusNanos(5_000), List.of(),
        false));
    assertThat(query("SELECT version FROM \"" + prefix + "schema_version\" ORDER BY version"))
        .containsExactly("1", "2", "3", "4");
  }

  @Test
  void aVersionTwoSchemaIsMigratedInPlaceKeepsItsRowsAndStoresPlacementHealth() throws SQLException {
    String prefix = db.freshPrefix();
    store(prefix).open("p1");
    // what a node of the second release left behind: no placement health, versions 1 and 2
    backToVersionThree(prefix);
    execute("DROP TABLE \"" + prefix + "placement_health\"");
    execute("DELETE FROM \"" + prefix + "schema_version\" WHERE version = 3");

    JdbcPoolStore upgraded = store(prefix);
    upgraded.open("p1");
    upgraded.lead("p1", "n1", java.time.Instant.EPOCH, java.time.Duration.ofMinutes(1));
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00.123456Z");
    dev.warmpool.spi.StoredPlacementHealth h = new dev.warmpool.spi.StoredPlacementHealth("fake/r1",
        dev.warmpool.api.PlacementState.OPEN, t.plusSeconds(120), java.time.Duration.ofMinutes(4), null, 0,
        java.util.List.of(t, t.plusSeconds(1)), java.util.List.of(t.plusSeconds(1)), "ServerBusy", null,
        java.util.Map.of("large", t.plusSeconds(900)));
    upgraded.putPlacementHealth("p1", 1, h);

    assertThat(upgraded.placementHealth("p1")).containsExactly(h);
    assertThat(query("SELECT version FROM \"" + prefix + "schema_version\" ORDER BY version"))
        .containsExactly("1", "2", "3", "4");
  }

  @Test
  void aVersionThreeSchemaIsMigratedInPlaceDropsTheCooldownsAndKeepsTheWaitingColumnForOlderNodes()
      throws SQLException {
    String prefix = db.freshPrefix();
    store(prefix).open("p1");
    // what a node of the third release left behind: a cooldowns table, nodes with their waiting per template only
    backToVersionThree(prefix);
    execute("INSERT INTO \"" + prefix + "cooldowns\" (pool_id, cooldown_key, kind, until_at, reason) VALUES ('p1',"
        + " 'fake/r1', 'OPEN', 7, 'down')");
    execute("INSERT INTO \"" + prefix + "nodes\" (pool_id, node, last_seen, waiting, closing) VALUES ('p1', 'old',"
        + " 5, ARRAY['linux', '2'], false)");

    JdbcPoolStore upgraded = store(prefix);
    upgraded.open("p1");
    upgraded.heartbeat("p1", "new", T0, List.of(new StoredNode.Waiting("linux", "whale", 0, 3),
        new StoredNode.Waiting("linux", "small", 2, 1), new StoredNode.Waiting("windows", "whale", 0, 1)), false);

    assertThat(tables("current_schema()", prefix)).doesNotContain(prefix + "cooldowns").hasSize(5);
    assertThat(upgraded.nodes("p1")).containsExactly(
        new StoredNode("new", T0, List.of(new StoredNode.Waiting("linux", "whale", 0, 3),
            new StoredNode.Waiting("linux", "small", 2, 1), new StoredNode.Waiting("windows", "whale", 0, 1)),
            false),
        new StoredNode("old", Instant.EPOCH.plusNanos(5_000), List.of(), false));
    // a node of the third release, still running during a rolling upgrade, reads the demand per template there
    assertThat(query("SELECT array_to_string(waiting, ',') FROM \"" + prefix + "nodes\" WHERE node = 'new'"))
        .containsExactly("linux,4,windows,1");
    assertThat(query("SELECT version FROM \"" + prefix + "schema_version\" ORDER BY version"))
        .containsExactly("1", "2", "3", "4");
  }

  /** Undoes version 4 on a store that {@code open} just created. */
  private void backToVersionThree(String prefix) throws SQLException {
    execute("ALTER TABLE \"" + prefix + "nodes\" DROP COLUMN waiting_requests");
    execute("CREATE TABLE \"" + prefix + "cooldowns\" (pool_id text NOT NULL, cooldown_key text NOT NULL,"
        + " kind text NOT NULL, until_at bigint NOT NULL, reason text NOT NULL, PRIMARY KEY (pool_id, cooldown_key))");
    execute("DELETE FROM \"" + prefix + "schema_version\" WHERE version = 4");
  }

  @Test
  void anyCallCreatesTheTablesIfOpenWasNotCalled() throws SQLException {
    String prefix = db.freshPrefix();

    assertThat(store(prefix).workers("p1")).isEmpty();

    assertThat(tables("current_schema()", prefix)).hasSize(5);
  }

  @Test
  void nodesOpeningAtOnceCreateTheTablesOnce() throws Exception {
    String prefix = db.freshPrefix();
    int nodes = 3;
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> opened = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        JdbcPoolStore node = store(prefix);
        opened.add(threads.submit(() -> {
          start.await();
          node.open("shared");
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : opened) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(tables("current_schema()", prefix)).hasSize(5);
    assertThat(query("SELECT version FROM \"" + prefix + "schema_version\" ORDER BY version"))
        .containsExactly("1", "2", "3", "4");
  }

  @Test
  void twoPrefixesKeepTwoStoresApartInOneDatabase() {
    JdbcPoolStore a = store(db.freshPrefix());
    JdbcPoolStore b = store(db.freshPrefix());
    long epoch = a.lead("same-pool", "n1", T0, Duration.ofSeconds(30)).epoch();
    a.insert("same-pool", epoch, StoredWorker.provisioning("w1", "linux", "fake/a", "n1", epoch, T0));

    assertThat(b.workers("same-pool")).isEmpty();
    assertThat(b.leadership("same-pool")).isEmpty();
    assertThat(a.workers("same-pool")).hasSize(1);
  }

  @Test
  void theSchemaOptionPutsTheTablesInThatSchema() throws SQLException {
    String schema = "s" + db.freshPrefix();
    String prefix = "warmpool_";
    JdbcPoolStore inSchema = JdbcPoolStore.builder().dataSource(dataSource).schema(schema).build();

    inSchema.lead("p1", "n1", T0, Duration.ofSeconds(30));

    assertThat(tables("'" + schema + "'", prefix)).hasSize(5);
    assertThat(query("SELECT node FROM \"" + schema + "\".warmpool_leadership")).containsExactly("n1");
  }

  @Test
  void aDatabaseWithANewerSchemaIsRefused() throws SQLException {
    String prefix = db.freshPrefix();
    store(prefix).open("p1");
    execute("INSERT INTO \"" + prefix + "schema_version\" (version) VALUES (" + (JdbcPoolStore.SCHEMA_VERSION + 1)
        + ")");

    JdbcPoolStore older = store(prefix);

    assertThatThrownBy(() -> older.open("p1"))
        .isInstanceOf(WarmpoolException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("schema version " + (JdbcPoolStore.SCHEMA_VERSION + 1))
        .hasMessageContaining("newer than this store-jdbc knows (" + JdbcPoolStore.SCHEMA_VERSION + ")")
        .hasMessageContaining(prefix + "schema_version");
    assertThatThrownBy(() -> older.workers("p1")).hasMessageContaining("newer");
  }

  @Test
  void aDatabaseErrorCarriesTheSqlStateAndIsNotUnavailability() {
    JdbcPoolStore s = store(db.freshPrefix());
    long epoch = s.lead("p1", "n1", T0, Duration.ofSeconds(30)).epoch();
    StoredWorker nul = new StoredWorker("w1", "linux", "fake/a", StoredWorker.State.IDLE, 0, 0, epoch, "r",
        Map.of("k", "a\u0000b"), null, null, null, null, null, T0, T0, T0, null);

    assertThatThrownBy(() -> s.insert("p1", epoch, nul))
        .isInstanceOf(WarmpoolException.class)
        .isNotInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("pool p1")
        .hasMessageContaining("insert")
        .hasMessageContaining("SQL state 22");
    assertThat(s.workers("p1")).isEmpty();
  }

  @Test
  void aStatementThatOutlivesTheTimeoutFailsAsUnavailable() throws SQLException {
    String prefix = db.freshPrefix();
    JdbcPoolStore s = JdbcPoolStore.builder().dataSource(dataSource).tablePrefix(prefix)
        .statementTimeout(Duration.ofMillis(500)).build();
    s.open("p1");

    try (Connection locker = dataSource.getConnection(); Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE \"" + prefix + "workers\" IN ACCESS EXCLUSIVE MODE");
      long started = System.nanoTime();

      assertThatThrownBy(() -> s.workers("p1"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("pool p1")
          .hasMessageContaining("workers")
          .hasMessageContaining("57014");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900),
          Duration.ofSeconds(4));
      locker.rollback();
    }
    assertThat(s.workers("p1")).isEmpty();
  }
}
