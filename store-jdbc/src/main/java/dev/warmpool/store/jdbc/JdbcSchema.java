package dev.warmpool.store.jdbc;

import dev.warmpool.api.WarmpoolException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The JDBC store's tables: their quoted names under a schema and prefix, and the statements that take them from one
 * schema version to the next.
 *
 * <p>Design: each version is a list of statements applied once, in order, in one transaction with the row that
 * records it in {@code schema_version}; a version is never edited after it shipped, only followed by another. The
 * advisory lock's key is a hash of the schema and prefix, so stores of different prefixes in one database migrate
 * independently.
 */
final class JdbcSchema {
  /** The schema version this code writes; a database with a higher one is refused. */
  static final int VERSION = 6;

  final String workers;
  final String leadership;
  final String nodes;
  final String health;
  final String versions;
  final String configurations;
  final String demands;
  private final String schema;
  private final String tablePrefix;
  private final long lockKey;

  JdbcSchema(String schema, String tablePrefix) {
    this.schema = schema;
    this.tablePrefix = tablePrefix;
    this.workers = table("workers");
    this.leadership = table("leadership");
    this.nodes = table("nodes");
    this.health = table("placement_health");
    this.versions = table("schema_version");
    this.configurations = table("configuration");
    this.demands = table("demand");
    this.lockKey = fnv64("warmpool:" + (schema == null ? "" : schema) + ":" + tablePrefix);
  }

  private String table(String name) {
    String t = "\"" + tablePrefix + name + "\"";
    return schema == null ? t : "\"" + schema + "\"." + t;
  }

  /** A 64-bit FNV-1a hash: the advisory lock key of this schema and prefix. */
  private static long fnv64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The statements of every schema version, in order: index 0 takes an empty schema to version 1. */
  private List<List<String>> migrations() {
    String idleIndex = "\"" + tablePrefix + "workers_idle\"";
    String cooldowns = table("cooldowns"); // versions 1 to 3 only
    return List.of(List.of(
        "CREATE TABLE " + workers + " ("
            + "pool_id text NOT NULL, id text NOT NULL, template text NOT NULL, placement text NOT NULL,"
            + " state text NOT NULL CHECK (state IN ('PROVISIONING', 'IDLE', 'LEASED', 'RETIRED', 'DELETING')),"
            + " generation bigint NOT NULL, grants bigint NOT NULL, epoch bigint NOT NULL,"
            + " resource_id text NOT NULL, attributes text[] NOT NULL, tenant text, holder text, lease_id text,"
            + " granted_at bigint, deadline bigint, created_at bigint NOT NULL, ready_at bigint, idle_since bigint,"
            + " reason text, PRIMARY KEY (pool_id, id))",
        "CREATE INDEX " + idleIndex + " ON " + workers + " (pool_id, template, placement) WHERE state = 'IDLE'",
        "CREATE TABLE " + leadership + " ("
            + "pool_id text PRIMARY KEY, node text NOT NULL, epoch bigint NOT NULL, expires_at bigint NOT NULL)",
        "CREATE TABLE " + nodes + " ("
            + "pool_id text NOT NULL, node text NOT NULL, last_seen bigint NOT NULL, waiting text[] NOT NULL,"
            + " PRIMARY KEY (pool_id, node))",
        "CREATE TABLE " + cooldowns + " ("
            + "pool_id text NOT NULL, cooldown_key text NOT NULL, kind text NOT NULL, until_at bigint NOT NULL,"
            + " reason text NOT NULL, PRIMARY KEY (pool_id, cooldown_key))"),
        // version 2: nodes say when they are closing, so the last node that stays drains the pool
        List.of("ALTER TABLE " + nodes + " ADD COLUMN closing boolean NOT NULL DEFAULT false"),
        // version 3: each placement's health, so the next leader continues where the last one stopped
        List.of("CREATE TABLE " + health + " ("
            + "pool_id text NOT NULL, placement text NOT NULL, state text NOT NULL"
            + " CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')), open_until bigint, next_cooldown_ms bigint NOT NULL,"
            + " closed_since bigint, probe_successes integer NOT NULL, calls bigint[] NOT NULL,"
            + " failures bigint[] NOT NULL, failure_code text NOT NULL, throttled_until bigint,"
            + " cooling_sizes text[] NOT NULL, cooling_until bigint[] NOT NULL, PRIMARY KEY (pool_id, placement))"),
        // version 4: nodes say which tenants wait at which priority, for fair shares across nodes (the waiting
        // column, per template, is still written for nodes of version 3 during a rolling upgrade); the leader's
        // cooldowns live in the placement health since version 3
        List.of("ALTER TABLE " + nodes + " ADD COLUMN waiting_requests text[] NOT NULL DEFAULT '{}'",
            "DROP TABLE " + cooldowns),
        // version 5: the run-time configuration, which every node applies (one row per pool, its newest revision)
        List.of("CREATE TABLE " + configurations + " ("
            + "pool_id text PRIMARY KEY, revision bigint NOT NULL, document text NOT NULL, node text NOT NULL,"
            + " changed_at bigint NOT NULL)"),
        // version 6: the leader's learned demand, one row per template and hour of the week (at most 168 each), so
        // the next leader pre-warms for the peaks the last one saw
        List.of("CREATE TABLE " + demands + " ("
            + "pool_id text NOT NULL, template text NOT NULL,"
            + " hour_of_week smallint NOT NULL CHECK (hour_of_week BETWEEN 0 AND 167),"
            + " peak integer NOT NULL CHECK (peak >= 0), recorded_hour bigint NOT NULL,"
            + " PRIMARY KEY (pool_id, template, hour_of_week))"));
  }

  /**
   * Brings the tables to {@link #VERSION} in the caller's transaction, under an advisory lock of this schema and
   * prefix, so nodes that open at once take turns; refuses tables a newer version created.
   */
  Void migrate(Connection c, int queryTimeoutSeconds) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setQueryTimeout(queryTimeoutSeconds);
      // serializes nodes that open at once (the lock is released with the transaction)
      lock.setLong(1, lockKey);
      lock.execute();
    }
    try (Statement s = c.createStatement()) {
      if (schema != null) {
        s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
      }
      s.execute("CREATE TABLE IF NOT EXISTS " + versions
          + " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      int current;
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(max(version), 0) FROM " + versions)) {
        rs.next();
        current = rs.getInt(1);
      }
      if (current > VERSION) {
        throw new WarmpoolException("store tables " + versions + " are at schema version " + current
            + ", newer than this store-jdbc knows (" + VERSION + "): upgrade store-jdbc on this node, or use "
            + "another tablePrefix");
      }
      List<List<String>> steps = migrations();
      for (int v = current + 1; v <= VERSION; v++) {
        for (String sql : steps.get(v - 1)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO " + versions + " (version) VALUES (" + v + ")");
      }
    }
    return null;
  }
}
