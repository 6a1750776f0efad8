package dev.warmpool.store.jdbc;

import static dev.warmpool.store.jdbc.JdbcRows.bindRow;
import static dev.warmpool.store.jdbc.JdbcRows.instant;
import static dev.warmpool.store.jdbc.JdbcRows.instants;
import static dev.warmpool.store.jdbc.JdbcRows.micros;
import static dev.warmpool.store.jdbc.JdbcRows.readWorker;
import static dev.warmpool.store.jdbc.JdbcRows.readWorkers;
import static dev.warmpool.store.jdbc.JdbcRows.setTime;
import static dev.warmpool.store.jdbc.JdbcRows.time;

import dev.warmpool.api.DurationRange;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredConfiguration;
import dev.warmpool.spi.StoredDemand;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link PoolStore} on PostgreSQL (14 or later), through plain JDBC: the nodes of a shared pool keep its workers,
 * leadership, nodes, placement health, run-time configuration and learned demand in tables of their own.
 *
 * <p>Build one with {@link #builder()} over a {@link DataSource} (a pooled one, such as HikariCP's, with a short
 * connection timeout: the store takes a connection for every call). The store creates or migrates its tables the
 * first time it is used (or on {@link #open(String)}), in one transaction under a PostgreSQL advisory lock, so nodes
 * that start at once are safe; it refuses a database whose tables a newer version of this module created.
 *
 * <p>Design: every call is one short transaction, and most are one statement. A grant is one {@code UPDATE} of the
 * row that a sub-select picks in the order {@link GrantQuery} defines and locks with {@code FOR UPDATE SKIP LOCKED},
 * so two nodes never take one worker and never wait for each other. A leader's write first takes a share lock on the
 * pool's leadership row and compares the epoch in the same transaction; {@link #lead} changes that row under an
 * exclusive lock (one upsert), so a write racing a take-over either commits before it or sees the new epoch. Times
 * are kept as microseconds since the epoch ({@code bigint}): no time zone is involved, and an {@link Instant} comes
 * back as it went in, truncated to microseconds.
 *
 * <p>Thread-safe: calls from any thread take their own connection. Failures: a connection that cannot be had or
 * breaks, a server that shuts down, is out of resources or does not answer within the {@code statementTimeout} gives
 * {@link StoreUnavailableException}, whose message names the pool and the operation; any other database error gives
 * a {@link WarmpoolException} carrying the SQL state. Strings must not contain the NUL character (PostgreSQL's text
 * refuses it).
 *
 * @since 0.1
 */
public final class JdbcPoolStore implements PoolStore {

  /** The schema version this code writes; a database with a higher one is refused. */
  static final int SCHEMA_VERSION = JdbcSchema.VERSION;

  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final DurationRange STATEMENT_TIMEOUT = DurationRange.between(Duration.ofMillis(1),
      Duration.ofHours(1));
  /** PostgreSQL's own schemas: {@code pg_catalog}, {@code pg_toast}, every {@code pg_*}, and the SQL standard's. */
  private static final Pattern SYSTEM_SCHEMA = Pattern.compile("pg_.*|information_schema");
  private static final Executor DIRECT = Runnable::run;

  private static final String COLUMNS = "id, template, placement, state, generation, grants, epoch, resource_id, "
      + "attributes, tenant, holder, lease_id, granted_at, deadline, created_at, ready_at, idle_since, reason";

  private final DataSource dataSource;
  private final String tablePrefix;
  private final String schema;
  private final Duration statementTimeout;
  private final int queryTimeoutSeconds;
  private final int networkTimeoutMillis;
  private final JdbcSchema tables;
  private final String workers;
  private final String leadership;
  private final String nodes;
  private final String health;
  private final String configurations;
  private final String demands;

  /** Set once the tables are known to be at {@link #SCHEMA_VERSION}; never reset. */
  private volatile boolean migrated;

  private JdbcPoolStore(Builder b) {
    this.dataSource = b.dataSource;
    this.tablePrefix = b.tablePrefix;
    this.schema = b.schema;
    this.statementTimeout = b.statementTimeout;
    long seconds = (statementTimeout.toMillis() + 999) / 1000;
    this.queryTimeoutSeconds = (int) Math.max(1, seconds);
    // the server cancels a statement after queryTimeoutSeconds; the socket gives up a little later, for a server that
    // no longer answers at all
    this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, queryTimeoutSeconds * 1000L + 1000L);
    this.tables = new JdbcSchema(schema, tablePrefix);
    this.workers = tables.workers;
    this.leadership = tables.leadership;
    this.nodes = tables.nodes;
    this.health = tables.health;
    this.configurations = tables.configurations;
    this.demands = tables.demands;
  }

  /**
   * Starts building a store.
   *
   * @return a builder with the defaults: table prefix {@code warmpool_}, the connection's default schema, a
   *     statement timeout of 5 seconds
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures a {@link JdbcPoolStore}. Not thread-safe; {@link #build()} copies the configuration, so a built store
   * never changes.
   */
  public static final class Builder {
    private DataSource dataSource;
    private String tablePrefix = "warmpool_";
    private String schema;
    private Duration statementTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * The database to keep the pool's state in. Required. A pooled data source is recommended (the store takes a
     * connection per call), with a connection timeout of a few seconds: while the database is down, every call waits
     * that long for a connection before it fails.
     *
     * @param dataSource the data source
     * @return this builder
     * @throws NullPointerException if {@code dataSource} is null
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource cannot be null");
      return this;
    }

    /**
     * What the store's table names start with, so that several stores (or other applications) share one schema.
     * Default {@code warmpool_}.
     *
     * @param tablePrefix a lower-case SQL name of at most 31 characters: {@code [a-z_][a-z0-9_]{0,30}}
     * @return this builder
     * @throws NullPointerException if {@code tablePrefix} is null
     */
    public Builder tablePrefix(String tablePrefix) {
      this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix cannot be null");
      return this;
    }

    /**
     * The schema that holds the tables (created if missing). Default: none, the connection's {@code search_path}
     * decides.
     *
     * @param schema a lower-case SQL name: {@code [a-z_][a-z0-9_]{0,62}}, not one of PostgreSQL's own schemas
     *     ({@code pg_catalog}, {@code pg_toast}, any {@code pg_*}, {@code information_schema})
     * @return this builder
     * @throws NullPointerException if {@code schema} is null
     */
    public Builder schema(String schema) {
      this.schema = Objects.requireNonNull(schema, "schema cannot be null");
      return this;
    }

    /**
     * How long one statement may run before the store gives up and throws {@link StoreUnavailableException}, so that
     * a hung database fails calls fast. The server cancels it after this time rounded up to whole seconds; a server
     * that does not answer at all is given up one second later. Default 5 seconds.
     *
     * @param statementTimeout between 1 millisecond and 1 hour
     * @return this builder
     * @throws NullPointerException if {@code statementTimeout} is null
     */
    public Builder statementTimeout(Duration statementTimeout) {
      this.statementTimeout = Objects.requireNonNull(statementTimeout, "statementTimeout cannot be null");
      return this;
    }

    /**
     * Builds the store. It touches the database only when first used.
     *
     * @return the store
     * @throws InvalidConfigurationException if the data source is missing, the table prefix or schema is not a
     *     lower-case SQL name of the allowed form, the schema is a system schema, or the statement timeout is out of
     *     range
     */
    public JdbcPoolStore build() {
      if (dataSource == null) {
        throw new InvalidConfigurationException("dataSource", "dataSource is required: the PostgreSQL database "
            + "that keeps the pool's state");
      }
      if (!PREFIX.matcher(tablePrefix).matches()) {
        throw new InvalidConfigurationException("tablePrefix", "tablePrefix must match [a-z_][a-z0-9_]{0,30} "
            + "(a lower-case letter or _, then at most 30 lower-case letters, digits or _), was "
            + SafeText.quote(tablePrefix));
      }
      if (schema != null && !SCHEMA.matcher(schema).matches()) {
        throw new InvalidConfigurationException("schema", "schema must match [a-z_][a-z0-9_]{0,62} (a lower-case "
            + "SQL name), was " + SafeText.quote(schema));
      }
      if (schema != null && SYSTEM_SCHEMA.matcher(schema).matches()) {
        throw new InvalidConfigurationException("schema", "schema must not be one of PostgreSQL's own schemas"
            + " (pg_catalog, pg_toast, pg_*, information_schema), was \"" + schema + "\"");
      }
      STATEMENT_TIMEOUT.check(statementTimeout, "statementTimeout");
      return new JdbcPoolStore(this);
    }
  }

  // ------------------------------------------------------------------------------------------------ schema

  @Override
  public void open(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    ensureSchema(poolId);
  }

  private void ensureSchema(String poolId) {
    if (migrated) {
      return;
    }
    synchronized (this) {
      if (!migrated) {
        run("open", poolId, false, c -> tables.migrate(c, queryTimeoutSeconds));
        migrated = true;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ workers

  @Override
  public List<StoredWorker> workers(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("workers", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT " + COLUMNS + " FROM " + workers
          + " WHERE pool_id = ? ORDER BY id")) {
        ps.setString(1, poolId);
        return readWorkers(ps);
      }
    });
  }

  @Override
  public Optional<StoredWorker> grant(String poolId, GrantQuery query) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(query, "query cannot be null");
    String sql = "UPDATE " + workers + " AS w SET state = 'LEASED', generation = w.generation + 1,"
        + " grants = w.grants + 1, tenant = ?, holder = ?, lease_id = ?, granted_at = ?, deadline = ?, reason = NULL"
        + " WHERE w.pool_id = ? AND w.id = ("
        + "SELECT c.id FROM " + workers + " AS c"
        + " WHERE c.pool_id = ? AND c.state = 'IDLE' AND c.template = ? AND c.placement = ANY (?)"
        + " AND (c.tenant IS NULL OR c.tenant = ?) AND (c.idle_since IS NULL OR c.idle_since <= ?)"
        + " ORDER BY array_position(?, c.placement), c.tenant IS NULL, c.idle_since NULLS FIRST"
        + " LIMIT 1 FOR UPDATE SKIP LOCKED)"
        + " RETURNING " + COLUMNS;
    return call("grant", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        Array placements = c.createArrayOf("text", query.placements().toArray());
        ps.setString(1, query.tenantKey());
        ps.setString(2, query.node());
        ps.setString(3, query.leaseId());
        setTime(ps, 4, query.now());
        setTime(ps, 5, query.deadline());
        ps.setString(6, poolId);
        ps.setString(7, poolId);
        ps.setString(8, query.template());
        ps.setArray(9, placements);
        ps.setString(10, query.tenantKey());
        ps.setLong(11, query.idleBefore() == null ? Long.MAX_VALUE : micros(query.idleBefore()));
        ps.setArray(12, placements);
        return readWorker(ps);
      }
    });
  }

  @Override
  public Optional<StoredWorker> release(String poolId, String workerId, long token, boolean keep, Instant now,
      String reason) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    String sql = "UPDATE " + workers + " SET state = ?, generation = generation + 1, holder = NULL, lease_id = NULL,"
        + " granted_at = NULL, deadline = NULL, idle_since = COALESCE(?, idle_since), reason = ?"
        + " WHERE pool_id = ? AND id = ? AND state = 'LEASED' AND grants = ? RETURNING " + COLUMNS;
    return call("release", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, (keep ? State.IDLE : State.RETIRED).name());
        setTime(ps, 2, keep ? now : null);
        ps.setString(3, keep ? null : reason);
        ps.setString(4, poolId);
        ps.setString(5, workerId);
        ps.setLong(6, token);
        return readWorker(ps);
      }
    });
  }

  @Override
  public Optional<StoredWorker> renew(String poolId, String workerId, long token, Instant deadline) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(deadline, "deadline cannot be null");
    String sql = "UPDATE " + workers + " SET deadline = ?, generation = generation + 1"
        + " WHERE pool_id = ? AND id = ? AND state = 'LEASED' AND grants = ? RETURNING " + COLUMNS;
    return call("renew", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        setTime(ps, 1, deadline);
        ps.setString(2, poolId);
        ps.setString(3, workerId);
        ps.setLong(4, token);
        return readWorker(ps);
      }
    });
  }

  @Override
  public boolean insert(String poolId, long epoch, StoredWorker worker) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(worker, "worker cannot be null");
    String sql = "INSERT INTO " + workers + " (pool_id, " + COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, id) DO NOTHING";
    return call("insert", poolId, false, c -> {
      fence(c, poolId, epoch);
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, poolId);
        ps.setString(2, worker.id());
        bindRow(c, ps, 3, worker, worker.generation());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean replace(String poolId, long epoch, StoredWorker worker) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(worker, "worker cannot be null");
    String sql = "UPDATE " + workers + " SET template = ?, placement = ?, state = ?, generation = ?, grants = ?,"
        + " epoch = ?, resource_id = ?, attributes = ?, tenant = ?, holder = ?, lease_id = ?, granted_at = ?,"
        + " deadline = ?, created_at = ?, ready_at = ?, idle_since = ?, reason = ?"
        + " WHERE pool_id = ? AND id = ? AND generation = ?";
    return call("replace", poolId, false, c -> {
      fence(c, poolId, epoch);
      try (PreparedStatement ps = prepare(c, sql)) {
        int i = bindRow(c, ps, 1, worker, worker.generation() + 1);
        ps.setString(i++, poolId);
        ps.setString(i++, worker.id());
        ps.setLong(i, worker.generation());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean delete(String poolId, long epoch, String workerId, long generation) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    String sql = "DELETE FROM " + workers + " WHERE pool_id = ? AND id = ? AND generation = ?";
    return call("delete", poolId, false, c -> {
      fence(c, poolId, epoch);
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, poolId);
        ps.setString(2, workerId);
        ps.setLong(3, generation);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /**
   * Checks a leader's epoch inside the write's transaction. The share lock on the leadership row holds until commit,
   * and {@link #lead} needs an exclusive one to change the epoch: a take-over waits for this write, or this write
   * sees the take-over's epoch.
   */
  private void fence(Connection c, String poolId, long epoch) throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT epoch FROM " + leadership + " WHERE pool_id = ? FOR SHARE")) {
      ps.setString(1, poolId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != epoch) {
          throw new StaleLeaderException(poolId, epoch);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ leadership

  @Override
  public Leadership lead(String poolId, String node, Instant now, Duration duration) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    Objects.requireNonNull(duration, "duration cannot be null");
    // one upsert: the row lock it takes makes racing nodes go one after the other, and each sees the row the one
    // before it wrote, so exactly one takes an expired leadership (and its epoch grows by one)
    String sql = "INSERT INTO " + leadership + " AS l (pool_id, node, epoch, expires_at) VALUES (?, ?, 1, ?)"
        + " ON CONFLICT (pool_id) DO UPDATE SET"
        + " node = CASE WHEN l.expires_at <= ? THEN EXCLUDED.node ELSE l.node END,"
        + " epoch = CASE WHEN l.expires_at <= ? THEN l.epoch + 1 ELSE l.epoch END,"
        + " expires_at = CASE WHEN l.expires_at <= ? OR l.node = EXCLUDED.node THEN EXCLUDED.expires_at"
        + " ELSE l.expires_at END"
        + " RETURNING node, epoch, expires_at";
    if (duration.isNegative() || duration.compareTo(Duration.between(now, JdbcRows.MAX_TIME)) > 0) {
      throw new IllegalArgumentException("duration must be zero or positive and end by " + JdbcRows.MAX_TIME + ", was "
          + duration);
    }
    Instant deadline = now.plus(duration);
    return call("lead", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        long nowMicros = micros(now);
        ps.setString(1, poolId);
        ps.setString(2, node);
        ps.setLong(3, micros(deadline));
        ps.setLong(4, nowMicros);
        ps.setLong(5, nowMicros);
        ps.setLong(6, nowMicros);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Leadership(rs.getString(1), rs.getLong(2), instant(rs.getLong(3)));
        }
      }
    });
  }

  @Override
  public Optional<Leadership> leadership(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("leadership", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT node, epoch, expires_at FROM " + leadership
          + " WHERE pool_id = ?")) {
        ps.setString(1, poolId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(new Leadership(rs.getString(1), rs.getLong(2), instant(rs.getLong(3))))
              : Optional.<Leadership>empty();
        }
      }
    });
  }

  @Override
  public void resign(String poolId, String node, long epoch, Instant now) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    String sql = "UPDATE " + leadership + " SET expires_at = ?"
        + " WHERE pool_id = ? AND node = ? AND epoch = ? AND expires_at > ?";
    call("resign", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setLong(1, micros(now));
        ps.setString(2, poolId);
        ps.setString(3, node);
        ps.setLong(4, epoch);
        ps.setLong(5, micros(now));
        return ps.executeUpdate();
      }
    });
  }

  // ------------------------------------------------------------------------------------------------ nodes

  @Override
  public void heartbeat(String poolId, String node, Instant now, List<StoredNode.Waiting> waiting,
      boolean closing) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    Objects.requireNonNull(waiting, "waiting cannot be null");
    StoredNode row = new StoredNode(node, now, waiting, closing);
    String sql = "INSERT INTO " + nodes + " (pool_id, node, last_seen, waiting, waiting_requests, closing)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, node) DO UPDATE SET last_seen = EXCLUDED.last_seen,"
        + " waiting = EXCLUDED.waiting, waiting_requests = EXCLUDED.waiting_requests, closing = EXCLUDED.closing";
    call("heartbeat", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        Map<String, Integer> perTemplate = new LinkedHashMap<>();
        List<String> quadruples = new ArrayList<>();
        for (StoredNode.Waiting w : row.waiting()) {
          perTemplate.merge(w.template(), w.count(), Integer::sum);
          quadruples.addAll(List.of(w.template(), w.tenant(), Integer.toString(w.priority()),
              Integer.toString(w.count())));
        }
        List<String> pairs = new ArrayList<>();
        perTemplate.forEach((template, count) -> {
          pairs.add(template);
          pairs.add(Integer.toString(count));
        });
        ps.setString(1, poolId);
        ps.setString(2, row.node());
        ps.setLong(3, micros(row.lastSeen()));
        ps.setArray(4, c.createArrayOf("text", pairs.toArray()));
        ps.setArray(5, c.createArrayOf("text", quadruples.toArray()));
        ps.setBoolean(6, row.closing());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void leave(String poolId, String node) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    call("leave", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "DELETE FROM " + nodes + " WHERE pool_id = ? AND node = ?")) {
        ps.setString(1, poolId);
        ps.setString(2, node);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<StoredNode> nodes(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("nodes", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT node, last_seen, waiting_requests, closing FROM " + nodes
          + " WHERE pool_id = ? ORDER BY node")) {
        ps.setString(1, poolId);
        List<StoredNode> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Array array = rs.getArray(3);
            Object[] items = (Object[]) array.getArray();
            array.free();
            List<StoredNode.Waiting> waiting = new ArrayList<>();
            for (int i = 0; i + 3 < items.length; i += 4) {
              waiting.add(new StoredNode.Waiting((String) items[i], (String) items[i + 1],
                  Integer.parseInt((String) items[i + 2]), Integer.parseInt((String) items[i + 3])));
            }
            out.add(new StoredNode(rs.getString(1), instant(rs.getLong(2)), waiting, rs.getBoolean(4)));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  // ------------------------------------------------------------------------------------------------ placement health

  @Override
  public void putPlacementHealth(String poolId, long epoch, StoredPlacementHealth h) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(h, "health cannot be null");
    String sql = "INSERT INTO " + health + " (pool_id, placement, state, open_until, next_cooldown_ms, closed_since,"
        + " probe_successes, calls, failures, failure_code, throttled_until, cooling_sizes, cooling_until)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, placement) DO UPDATE SET"
        + " state = EXCLUDED.state, open_until = EXCLUDED.open_until, next_cooldown_ms = EXCLUDED.next_cooldown_ms,"
        + " closed_since = EXCLUDED.closed_since, probe_successes = EXCLUDED.probe_successes,"
        + " calls = EXCLUDED.calls, failures = EXCLUDED.failures, failure_code = EXCLUDED.failure_code,"
        + " throttled_until = EXCLUDED.throttled_until, cooling_sizes = EXCLUDED.cooling_sizes,"
        + " cooling_until = EXCLUDED.cooling_until";
    call("putPlacementHealth", poolId, false, c -> {
      fence(c, poolId, epoch);
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, poolId);
        ps.setString(2, h.placement());
        ps.setString(3, h.state().name());
        setTime(ps, 4, h.openUntil());
        ps.setLong(5, h.nextCooldown().toMillis());
        setTime(ps, 6, h.closedSince());
        ps.setInt(7, h.probeSuccesses());
        ps.setArray(8, c.createArrayOf("bigint", h.calls().stream().map(JdbcRows::micros).toArray()));
        ps.setArray(9, c.createArrayOf("bigint", h.failures().stream().map(JdbcRows::micros).toArray()));
        ps.setString(10, h.failureCode());
        setTime(ps, 11, h.throttledUntil());
        List<String> sizes = new ArrayList<>(h.coolingUntil().keySet());
        ps.setArray(12, c.createArrayOf("text", sizes.toArray()));
        ps.setArray(13, c.createArrayOf("bigint", sizes.stream().map(k -> micros(h.coolingUntil().get(k))).toArray()));
        return ps.executeUpdate();
      }
    });
  }

  // ------------------------------------------------------------------------------------------------ demand

  @Override
  public void putDemand(String poolId, long epoch, List<StoredDemand> demand) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(demand, "demand cannot be null");
    List<StoredDemand> rows = List.copyOf(demand); // refuses a null element before anything is written
    String sql = "INSERT INTO " + demands + " (pool_id, template, hour_of_week, peak, recorded_hour)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pool_id, template, hour_of_week) DO UPDATE SET"
        + " peak = EXCLUDED.peak, recorded_hour = EXCLUDED.recorded_hour";
    call("putDemand", poolId, false, c -> {
      fence(c, poolId, epoch);
      if (rows.isEmpty()) {
        return 0;
      }
      try (PreparedStatement ps = prepare(c, sql)) {
        for (StoredDemand d : rows) {
          ps.setString(1, poolId);
          ps.setString(2, d.template());
          ps.setShort(3, (short) d.hourOfWeek());
          ps.setInt(4, d.peak());
          ps.setLong(5, d.recordedHour());
          ps.addBatch();
        }
        ps.executeBatch();
        return rows.size();
      }
    });
  }

  @Override
  public List<StoredDemand> demand(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("demand", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT template, hour_of_week, peak, recorded_hour FROM " + demands
          + " WHERE pool_id = ? ORDER BY template, hour_of_week")) {
        ps.setString(1, poolId);
        List<StoredDemand> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredDemand(rs.getString(1), rs.getShort(2), rs.getInt(3), rs.getLong(4)));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  @Override
  public boolean putConfiguration(String poolId, StoredConfiguration configuration) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(configuration, "configuration cannot be null");
    // the first revision inserts, each later one updates the row that holds the one before: a lost race writes nothing
    String sql = configuration.revision() == 1
        ? "INSERT INTO " + configurations + " (pool_id, revision, document, node, changed_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (pool_id) DO NOTHING"
        : "UPDATE " + configurations + " SET pool_id = ?, revision = ?, document = ?, node = ?, changed_at = ?"
            + " WHERE pool_id = ? AND revision = ?";
    return call("putConfiguration", poolId, false, c -> {
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.setString(1, poolId);
        ps.setLong(2, configuration.revision());
        ps.setString(3, configuration.document());
        ps.setString(4, configuration.node());
        setTime(ps, 5, configuration.changedAt());
        if (configuration.revision() > 1) {
          ps.setString(6, poolId);
          ps.setLong(7, configuration.revision() - 1);
        }
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<StoredConfiguration> configuration(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("configuration", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT revision, document, node, changed_at FROM " + configurations
          + " WHERE pool_id = ?")) {
        ps.setString(1, poolId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new StoredConfiguration(rs.getLong(1), rs.getString(2), rs.getString(3),
              time(rs, 4))) : Optional.<StoredConfiguration>empty();
        }
      }
    });
  }

  @Override
  public List<StoredPlacementHealth> placementHealth(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return call("placementHealth", poolId, true, c -> {
      try (PreparedStatement ps = prepare(c, "SELECT placement, state, open_until, next_cooldown_ms, closed_since,"
          + " probe_successes, calls, failures, failure_code, throttled_until, cooling_sizes, cooling_until FROM "
          + health + " WHERE pool_id = ? ORDER BY placement")) {
        ps.setString(1, poolId);
        List<StoredPlacementHealth> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Object[] sizes = (Object[]) rs.getArray(11).getArray();
            List<Instant> until = instants(rs.getArray(12));
            Map<String, Instant> cooling = new LinkedHashMap<>();
            for (int i = 0; i < sizes.length && i < until.size(); i++) {
              cooling.put((String) sizes[i], until.get(i));
            }
            out.add(new StoredPlacementHealth(rs.getString(1), PlacementState.valueOf(rs.getString(2)), time(rs, 3),
                Duration.ofMillis(rs.getLong(4)), time(rs, 5), rs.getInt(6), instants(rs.getArray(7)),
                instants(rs.getArray(8)), rs.getString(9), time(rs, 10), cooling));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  /** Does nothing: the data source belongs to the caller, who closes it. */
  @Override
  public void close() {
    // nothing of our own to release
  }

  @Override
  public String toString() {
    return "JdbcPoolStore[" + (schema == null ? "" : schema + ".") + tablePrefix + "*]";
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  /** One call's work on a connection. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T call(String operation, String poolId, boolean autoCommit, Work<T> work) {
    ensureSchema(poolId);
    return run(operation, poolId, autoCommit, work);
  }

  /**
   * Runs one call on its own connection: one statement in auto-commit, or several in one transaction that is rolled
   * back if anything fails (a {@link StaleLeaderException} included). The connection goes back to the pool whatever
   * happens.
   */
  private <T> T run(String operation, String poolId, boolean autoCommit, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setNetworkTimeout(DIRECT, networkTimeoutMillis);
      if (autoCommit) {
        c.setAutoCommit(true);
        return work.run(c);
      }
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure(operation, poolId, e);
    }
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout(queryTimeoutSeconds);
    return ps;
  }

  private RuntimeException failure(String operation, String poolId, SQLException e) {
    String message = "pool " + poolId + ": store " + operation + " failed (" + this + "): " + e.getMessage()
        + " [SQL state " + e.getSQLState() + "]";
    return unavailable(e) ? new StoreUnavailableException(message, e) : new WarmpoolException(message, e);
  }

  /**
   * Whether a failure means that the database cannot be reached or did not answer: a connection exception (class
   * 08), a server shutting down, crashed or starting (57P01, 57P02, 57P03), out of resources (class 53), a cancelled
   * statement (57014, the statement timeout), or an I/O error under the driver.
   */
  static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException || t instanceof SQLTimeoutException
          || t instanceof java.io.IOException) {
        return true;
      }
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || state.equals("57P01")
            || state.equals("57P02") || state.equals("57P03") || state.equals("57014"))) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

}
