package dev.warmpool.store.jdbc;

import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@link JdbcPoolStore} writes its values into columns and reads them back: a worker's row (its columns from
 * template on, and a result set of whole rows), text arrays of key-value pairs, and instants as {@code bigint}
 * microseconds since the epoch. Stateless.
 */
final class JdbcRows {
  /** The instants a {@code bigint} of microseconds since the epoch holds. */
  private static final Instant MIN_TIME = instant(Long.MIN_VALUE);
  static final Instant MAX_TIME = instant(Long.MAX_VALUE);

  private JdbcRows() {}

  static List<Instant> instants(Array array) throws SQLException {
    Object[] items = (Object[]) array.getArray();
    List<Instant> out = new ArrayList<>(items.length);
    for (Object o : items) {
      out.add(instant(((Number) o).longValue()));
    }
    array.free();
    return out;
  }

  /** Binds a worker's columns from template on, with the given generation; returns the next parameter index. */
  static int bindRow(Connection c, PreparedStatement ps, int first, StoredWorker w, long generation)
      throws SQLException {
    int i = first;
    ps.setString(i++, w.template());
    ps.setString(i++, w.placement());
    ps.setString(i++, w.state().name());
    ps.setLong(i++, generation);
    ps.setLong(i++, w.grants());
    ps.setLong(i++, w.epoch());
    ps.setString(i++, w.resourceId());
    List<String> pairs = new ArrayList<>();
    w.attributes().forEach((key, value) -> {
      pairs.add(key);
      pairs.add(value);
    });
    ps.setArray(i++, c.createArrayOf("text", pairs.toArray()));
    ps.setString(i++, w.tenant());
    ps.setString(i++, w.holder());
    ps.setString(i++, w.leaseId());
    setTime(ps, i++, w.grantedAt());
    setTime(ps, i++, w.deadline());
    setTime(ps, i++, w.createdAt());
    setTime(ps, i++, w.readyAt());
    setTime(ps, i++, w.idleSince());
    ps.setString(i++, w.reason());
    return i;
  }

  static Optional<StoredWorker> readWorker(PreparedStatement ps) throws SQLException {
    List<StoredWorker> rows = readWorkers(ps);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  static List<StoredWorker> readWorkers(PreparedStatement ps) throws SQLException {
    List<StoredWorker> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new StoredWorker(rs.getString(1), rs.getString(2), rs.getString(3), State.valueOf(rs.getString(4)),
            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getString(8), pairs(rs.getArray(9)), rs.getString(10),
            rs.getString(11), rs.getString(12), time(rs, 13), time(rs, 14), time(rs, 15), time(rs, 16),
            time(rs, 17), rs.getString(18)));
      }
    }
    return List.copyOf(out);
  }

  /** A text array of alternating keys and values as a map. */
  static Map<String, String> pairs(Array array) throws SQLException {
    Object[] items = (Object[]) array.getArray();
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < items.length; i += 2) {
      map.put((String) items[i], (String) items[i + 1]);
    }
    array.free();
    return map;
  }

  static void setTime(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, micros(t));
    }
  }

  static Instant time(ResultSet rs, int index) throws SQLException {
    long micros = rs.getLong(index);
    return rs.wasNull() ? null : instant(micros);
  }

  /**
   * An instant as whole microseconds since the epoch (truncating nanoseconds).
   *
   * @throws IllegalArgumentException naming the instant and the range, if a {@code bigint} cannot hold it
   */
  static long micros(Instant t) {
    if (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME)) {
      throw new IllegalArgumentException("the store keeps instants from " + MIN_TIME + " to " + MAX_TIME
          + " (microseconds since the epoch in a bigint), was " + t);
    }
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
