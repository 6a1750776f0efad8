package dev.warmpool.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The builder's checks; none of these tests reaches a database. */
class JdbcPoolStoreBuilderTest {

  /** A data source that must never be asked for a connection. */
  private static final DataSource UNUSED = new DataSource() {
    @Override
    public Connection getConnection() {
      throw new AssertionError("no connection expected");
    }

    @Override
    public Connection getConnection(String user, String password) {
      throw new AssertionError("no connection expected");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  };

  @Test
  void theDefaultsBuildWithoutTouchingTheDatabase() {
    JdbcPoolStore store = JdbcPoolStore.builder().dataSource(UNUSED).build();

    assertThat(store).hasToString("JdbcPoolStore[warmpool_*]");
  }

  @Test
  void aMissingDataSourceIsNamed() {
    assertThatThrownBy(() -> JdbcPoolStore.builder().build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class,
            e -> assertThat(e.option()).isEqualTo("dataSource"))
        .hasMessageContaining("dataSource is required");
  }

  @Test
  void aTablePrefixOfTheWrongFormIsRefusedWithTheAllowedForm() {
    for (String bad : new String[] {"", "Warmpool_", "1pool_", "pool-", "pool.x", "p\"", "a".repeat(32)}) {
      assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).tablePrefix(bad).build())
          .as(bad)
          .isInstanceOfSatisfying(InvalidConfigurationException.class,
              e -> assertThat(e.option()).isEqualTo("tablePrefix"))
          .hasMessageContaining("tablePrefix must match [a-z_][a-z0-9_]{0,30}")
          .hasMessageContaining("was " + dev.warmpool.api.SafeText.quote(bad));
    }
    assertThat(JdbcPoolStore.builder().dataSource(UNUSED).tablePrefix("_" + "a".repeat(30)).build()).isNotNull();
    assertThat(JdbcPoolStore.builder().dataSource(UNUSED).tablePrefix("wp2_").build()).isNotNull();
  }

  @Test
  void aSchemaOfTheWrongFormIsRefused() {
    assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).schema("Public").build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.option()).isEqualTo("schema"))
        .hasMessageContaining("[a-z_][a-z0-9_]{0,62}");
  }

  @Test
  void aStatementTimeoutOutOfRangeIsRefused() {
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Duration.ofHours(1).plusNanos(1),
        java.time.temporal.ChronoUnit.FOREVER.getDuration(),
        java.time.temporal.ChronoUnit.YEARS.getDuration().multipliedBy(1000)}) {
      assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).statementTimeout(bad).build())
          .isInstanceOfSatisfying(InvalidConfigurationException.class,
              e -> assertThat(e.option()).isEqualTo("statementTimeout"))
          .hasMessage("statementTimeout must be between 1 millisecond and 1 hour, was " + bad);
    }
    assertThat(JdbcPoolStore.builder().dataSource(UNUSED).statementTimeout(Duration.ofHours(1)).build()).isNotNull();
  }

  @Test
  void postgresqlsOwnSchemasAreRefusedAtBuild() {
    for (String system : new String[] {"pg_catalog", "pg_toast", "pg_temp_3", "pg_", "information_schema"}) {
      assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).schema(system).build())
          .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.option()).isEqualTo("schema"))
          .hasMessage("schema must not be one of PostgreSQL's own schemas (pg_catalog, pg_toast, pg_*,"
              + " information_schema), was \"" + system + "\"");
    }
    assertThat(JdbcPoolStore.builder().dataSource(UNUSED).schema("pgx_pool").build()).isNotNull();
  }

  @Test
  void aValueThatWouldForgeALogLineIsQuotedSafely() {
    assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).schema("a\nINFO forged" + "x".repeat(500))
        .build()).hasMessageNotContaining("\n").hasMessageContaining("a\\nINFO forged").hasMessageContaining("more)");
  }

  @Test
  void anInstantABigintCannotHoldIsRefusedNamingTheRange() {
    java.time.Instant far = java.time.Instant.parse("+300000-01-01T00:00:00Z");
    assertThatThrownBy(() -> JdbcRows.micros(far)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the store keeps instants from ").hasMessageEndingWith(", was " + far);
    assertThatThrownBy(() -> JdbcPoolStore.builder().dataSource(UNUSED).build().lead("p", "n1",
        java.time.Instant.now(), java.time.temporal.ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration must be zero or positive");
  }

  @Test
  void nullOptionsFailAtTheSetter() {
    JdbcPoolStore.Builder b = JdbcPoolStore.builder();
    assertThatThrownBy(() -> b.dataSource(null)).hasMessage("dataSource cannot be null");
    assertThatThrownBy(() -> b.tablePrefix(null)).hasMessage("tablePrefix cannot be null");
    assertThatThrownBy(() -> b.schema(null)).hasMessage("schema cannot be null");
    assertThatThrownBy(() -> b.statementTimeout(null)).hasMessage("statementTimeout cannot be null");
  }

  @Test
  void instantsRoundTripToTheMicrosecond() {
    for (String t : new String[] {"2026-03-23T02:41:00.123456Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z"}) {
      java.time.Instant instant = java.time.Instant.parse(t);
      assertThat(JdbcRows.instant(JdbcRows.micros(instant))).isEqualTo(instant);
    }
    assertThat(JdbcRows.instant(JdbcRows.micros(java.time.Instant.parse("2026-01-01T00:00:00.123456789Z"))))
        .isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00.123456Z"));
  }
}
