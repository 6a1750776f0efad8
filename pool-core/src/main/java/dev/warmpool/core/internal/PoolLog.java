package dev.warmpool.core.internal;

import dev.warmpool.api.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The engine's log lines, on the loggers users configure (docs/logging.md): {@code dev.warmpool.pool} for what the
 * pool does, {@code dev.warmpool.store} for how the engine reaches its {@code PoolStore}. The context goes in SLF4J 2
 * key-value pairs ({@code pool}, {@code template}, {@code placement}, {@code tenant}, {@code worker}, {@code node},
 * {@code lease}; {@code alert}, {@code provider} and {@code resource} through {@link Line#kv}), not in the message, so
 * a JSON or logfmt encoder can index it.
 *
 * <p>Design: one small builder instead of the fluent SLF4J API at each call so that no value can skip
 * {@link SafeText}: every key's value and every message argument is cut and escaped here, whether it came from a
 * user (names), a cloud (error messages) or the engine. A {@link Throwable} given with {@link Line#cause} keeps its
 * stack trace; use it only for the engine's own failures, as a provider's exception text is not escaped there.
 *
 * <p>Thread-safe: a {@link Line} belongs to the thread that builds it; a line for a level that is off is a shared
 * no-op and costs no formatting.
 */
final class PoolLog {
  /** The engine's logger. */
  static final Logger POOL = LoggerFactory.getLogger("dev.warmpool.pool");
  /** The engine's view of its store: unreachable, reachable again, releases kept in memory. */
  static final Logger STORE = LoggerFactory.getLogger("dev.warmpool.store");

  private static final Line OFF = new Line(null);

  private PoolLog() {}

  /** {@return a DEBUG line on {@code dev.warmpool.pool} about the pool} */
  static Line debug(String poolId) {
    return at(POOL, Level.DEBUG, poolId);
  }

  /** {@return an INFO line on {@code dev.warmpool.pool} about the pool} */
  static Line info(String poolId) {
    return at(POOL, Level.INFO, poolId);
  }

  /** {@return a WARN line on {@code dev.warmpool.pool} about the pool} */
  static Line warn(String poolId) {
    return at(POOL, Level.WARN, poolId);
  }

  /** {@return an ERROR line on {@code dev.warmpool.pool} about the pool} */
  static Line error(String poolId) {
    return at(POOL, Level.ERROR, poolId);
  }

  /** {@return an INFO line on {@code dev.warmpool.store} about the pool's store} */
  static Line storeInfo(String poolId) {
    return at(STORE, Level.INFO, poolId);
  }

  /** {@return a WARN line on {@code dev.warmpool.store} about the pool's store} */
  static Line storeWarn(String poolId) {
    return at(STORE, Level.WARN, poolId);
  }

  /** {@return a line at the level on {@code logger}, with the key {@code pool} when the id is not null} */
  static Line at(Logger logger, Level level, String poolId) {
    if (!logger.isEnabledForLevel(level)) {
      return OFF;
    }
    Line line = new Line(logger.atLevel(level));
    return poolId == null ? line : line.kv("pool", poolId);
  }

  /** One log line being built; {@link #log} sends it. */
  static final class Line {
    private final LoggingEventBuilder event;

    private Line(LoggingEventBuilder event) {
      this.event = event;
    }

    Line template(Object name) {
      return kv("template", name);
    }

    Line placement(Object key) {
      return kv("placement", key);
    }

    Line tenant(Object tenant) {
      return kv("tenant", tenant);
    }

    Line worker(Object id) {
      return kv("worker", id);
    }

    Line node(Object id) {
      return kv("node", id);
    }

    Line lease(Object id) {
      return kv("lease", id);
    }

    /** A key with its value cut and escaped. */
    Line kv(String key, Object value) {
      if (event != null) {
        event.addKeyValue(key, SafeText.of(value));
      }
      return this;
    }

    /** Keeps the stack trace of an engine failure (not a provider's text: it is not escaped). */
    Line cause(Throwable t) {
      if (event != null) {
        event.setCause(t);
      }
      return this;
    }

    /** Logs the message with its {@code {}} arguments cut and escaped. */
    void log(String message, Object... args) {
      if (event == null) {
        return;
      }
      Object[] safe = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        safe[i] = SafeText.of(args[i]);
      }
      event.log(message, safe);
    }
  }
}
