package dev.warmpool.core;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One key of a pool's configuration under {@code warmpool.pools.<id>.}, with its kind of value, its default and its
 * allowed range as docs/configuration.md states them (a test holds the page to this table).
 *
 * <p>{@code <name>}, {@code <label>}, {@code <property>} and {@code <setting>} stand for a part the user chooses.
 * Only kinds are checked here (a number, a duration, true or false); ranges are the builders' to check, so that one
 * rule has one home.
 *
 * @param pattern the key after {@code warmpool.pools.<id>.}, with placeholders
 * @param kind the kind of value
 * @param defaultValue the default as the page prints it
 * @param range the allowed values as the page prints them
 */
record ConfigKey(String pattern, Kind kind, String defaultValue, String range) {

  /** The kinds of value a key takes, each with its parser and the words a message uses for it. */
  enum Kind {
    TEXT("text", v -> v),
    BOOLEAN("true or false", ConfigKey::parseBoolean),
    INT("a whole number", Integer::valueOf),
    LONG("a whole number", Long::valueOf),
    DECIMAL("a decimal number such as 0.5", Double::valueOf),
    DURATION("a duration in ISO-8601 (PT30S) or short form (30s, 5m, 2h, 1d)", ConfigKey::parseDuration),
    NAMES("a comma-separated list of names", ConfigKey::parseList),
    DURATIONS("a comma-separated list of durations (6h, 30m or PT6H)",
        v -> parseList(v).stream().map(ConfigKey::parseDuration).toList());

    private final String words;
    private final Function<String, Object> parser;

    Kind(String words, Function<String, Object> parser) {
      this.words = words;
      this.parser = parser;
    }
  }

  static final String POSITIVE = "positive";
  static final String AT_LEAST_1 = "1 to " + Integer.MAX_VALUE;
  static final String BOOL = "true or false";

  /** Every key, in the order of docs/configuration.md. */
  static final List<ConfigKey> ALL = List.of(
      // templates
      new ConfigKey("templates.<name>.warm-target", Kind.INT, "0", "0 to max-total"),
      new ConfigKey("templates.<name>.max-total", Kind.INT, "unbounded", AT_LEAST_1),
      new ConfigKey("templates.<name>.max-uses", Kind.INT, "1", AT_LEAST_1),
      new ConfigKey("templates.<name>.max-age", Kind.DURATION, "none", POSITIVE),
      new ConfigKey("templates.<name>.max-idle-time", Kind.DURATION, "none", POSITIVE),
      new ConfigKey("templates.<name>.provisioning-timeout", Kind.DURATION, "30m", POSITIVE),
      new ConfigKey("templates.<name>.size", Kind.TEXT, "default", "not blank"),
      new ConfigKey("templates.<name>.reuse-when-degraded", Kind.BOOLEAN, "false", BOOL),
      new ConfigKey("templates.<name>.share-across-tenants", Kind.BOOLEAN, "false", BOOL),
      new ConfigKey("templates.<name>.geographies", Kind.NAMES, "any", "names"),
      new ConfigKey("templates.<name>.regions", Kind.NAMES, "any", "names"),
      new ConfigKey("templates.<name>.labels.<label>", Kind.TEXT, "none", "any text"),
      new ConfigKey("templates.<name>.provider-properties.<property>", Kind.TEXT, "none", "any text"),
      new ConfigKey("templates.<name>.sizing.quantile", Kind.DECIMAL, "none", "above 0, below 1"),
      new ConfigKey("templates.<name>.sizing.max-wait", Kind.DURATION, "none", POSITIVE),
      new ConfigKey("templates.<name>.sizing.floor", Kind.INT, "0", "0 to sizing.ceiling"),
      new ConfigKey("templates.<name>.sizing.ceiling", Kind.INT, "unbounded", "sizing.floor to max-total"),
      new ConfigKey("templates.<name>.sizing.zone", Kind.TEXT, "UTC", "a zone id"),
      new ConfigKey("templates.<name>.sizing.learn-seasonality", Kind.BOOLEAN, "true", BOOL),
      new ConfigKey("templates.<name>.sizing.windows.<window>", Kind.TEXT, "none",
          "<days> <HH:mm>-<HH:mm> <min target>, not overlapping"),
      // placements
      new ConfigKey("placements.<name>.provider", Kind.TEXT, "required", "a name"),
      new ConfigKey("placements.<name>.region", Kind.TEXT, "required", "a name"),
      new ConfigKey("placements.<name>.geography", Kind.TEXT, "required", "a name"),
      new ConfigKey("placements.<name>.preference", Kind.INT, "0", "0 to " + Integer.MAX_VALUE),
      // providers
      new ConfigKey("providers.<name>.<setting>", Kind.TEXT, "none", "the provider's settings"),
      // health, failover, degraded mode
      new ConfigKey("failover", Kind.BOOLEAN, "true", BOOL),
      new ConfigKey("degraded-mode", Kind.BOOLEAN, "true", BOOL),
      new ConfigKey("placement-health.min-calls", Kind.INT, "3", AT_LEAST_1),
      new ConfigKey("placement-health.failure-rate", Kind.DECIMAL, "0.5", "above 0, at most 1"),
      new ConfigKey("placement-health.window", Kind.DURATION, "10m", POSITIVE),
      new ConfigKey("open-cooldown.initial", Kind.DURATION, "2m", POSITIVE),
      new ConfigKey("open-cooldown.max", Kind.DURATION, "10m", "at least open-cooldown.initial"),
      new ConfigKey("probes.count", Kind.INT, "2", AT_LEAST_1),
      new ConfigKey("probes.acceptance", Kind.DURATION, "2m", POSITIVE),
      new ConfigKey("capacity-cooldown", Kind.DURATION, "15m", POSITIVE),
      new ConfigKey("throttle-pause", Kind.DURATION, "30s", POSITIVE),
      // retries
      new ConfigKey("retries.max-attempts", Kind.INT, "3", AT_LEAST_1),
      new ConfigKey("retries.delay", Kind.DURATION, "5s", POSITIVE),
      new ConfigKey("retries.max-delay", Kind.DURATION, "40s", "at least retries.delay"),
      new ConfigKey("max-retry-after", Kind.DURATION, "5m", "positive, at most 1h"),
      new ConfigKey("seed", Kind.LONG, "24301", "any whole number"),
      // forecasts and alerts
      new ConfigKey("demand-smoothing", Kind.DURATION, "60m", POSITIVE),
      new ConfigKey("forecast-horizons", Kind.DURATIONS, "6h,3h,1h,30m,10m", "positive, at least one"),
      new ConfigKey("alert-on-failures", Kind.INT, "3", AT_LEAST_1),
      // the control loop
      new ConfigKey("control-interval", Kind.DURATION, "5s", POSITIVE),
      new ConfigKey("max-concurrent-provisions", Kind.INT, "100", AT_LEAST_1),
      new ConfigKey("close-grace-period", Kind.DURATION, "30s", "zero or positive"),
      new ConfigKey("delete-timeout", Kind.DURATION, "10m", POSITIVE),
      new ConfigKey("event-queue-capacity", Kind.INT, "10000", AT_LEAST_1),
      // reconciliation and keep-warm
      new ConfigKey("reconcile-interval", Kind.DURATION, "5m", POSITIVE),
      new ConfigKey("orphan-grace-period", Kind.DURATION, "10m", "zero or positive"),
      new ConfigKey("keep-warm-pool", Kind.BOOLEAN, "false", BOOL),
      // a shared store (the store itself is passed in code)
      new ConfigKey("node-id", Kind.TEXT, "random", "1 to 63 letters, digits, '.', '_', ':' or '-'"),
      new ConfigKey("leadership-timeout", Kind.DURATION, "15s", "at least 3s"),
      new ConfigKey("store-poll-interval", Kind.DURATION, "1s", POSITIVE));

  private static final Pattern SHORT = Pattern.compile("([-+]?\\d+)(ns|us|ms|s|m|h|d)");

  /**
   * The key with this pattern.
   *
   * @param pattern a pattern of {@link #ALL}
   * @return the key
   */
  static ConfigKey of(String pattern) {
    return ALL.stream().filter(k -> k.pattern.equals(pattern)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no key " + pattern));
  }

  /**
   * The pool-level key (no placeholder) with this name, if there is one.
   *
   * @param name the key after {@code warmpool.pools.<id>.}
   * @return the key
   */
  static Optional<ConfigKey> pool(String name) {
    return ALL.stream().filter(k -> k.pattern.indexOf('<') < 0 && k.pattern.equals(name)).findFirst();
  }

  /**
   * The key of a named part (a template or placement field) with this field name, if there is one.
   *
   * @param part {@code "templates"} or {@code "placements"}
   * @param field the field after the part's name
   * @return the key
   */
  static Optional<ConfigKey> field(String part, String field) {
    return ALL.stream().filter(k -> k.pattern.equals(part + ".<name>." + field)).findFirst();
  }

  /** {@return the field names of a named part, for messages} */
  static List<String> fields(String part) {
    String p = part + ".<name>.";
    return ALL.stream().map(ConfigKey::pattern).filter(k -> k.startsWith(p)).map(k -> k.substring(p.length()))
        .toList();
  }

  /** {@return the pool-level keys, for messages} */
  static List<String> poolKeys() {
    return ALL.stream().map(ConfigKey::pattern).filter(k -> !k.contains("<")).toList();
  }

  /**
   * Parses a value of this key's kind.
   *
   * @param fullKey the key as the user wrote it, for the message
   * @param value the value
   * @param secret whether the value may be a secret that a message must not repeat
   * @return the parsed value
   * @throws InvalidConfigurationException naming the key, the value and what is allowed
   */
  Object parse(String fullKey, String value, boolean secret) {
    try {
      return kind.parser.apply(value.strip());
    } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
      throw new InvalidConfigurationException(fullKey, fullKey + " must be " + kind.words + ", was "
          + (secret ? "(hidden)" : "\"" + value + "\""));
    }
  }

  /**
   * The default of a key that composite builder methods need when only some of their parts are given.
   *
   * @return the default, parsed
   */
  Object parsedDefault() {
    return kind.parser.apply(defaultValue);
  }

  static Boolean parseBoolean(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(value);
    };
  }

  /**
   * Parses a duration: ISO-8601 ({@code PT30S}, {@code P1D}) or a whole number with a unit ({@code 30s},
   * {@code 500ms}, {@code 5m}, {@code 2h}, {@code 1d}; also {@code ns}, {@code us}). A bare number has no unit and is
   * refused.
   */
  static Duration parseDuration(String value) {
    String v = value.strip();
    Matcher m = SHORT.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ns" -> Duration.ofNanos(n);
        case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    return Duration.parse(v);
  }

  static List<String> parseList(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty element");
      }
      out.add(p);
    }
    return out;
  }
}
