package dev.warmpool.core;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pool's configuration read from keys and values, such as a {@code .properties} file or a YAML document flattened
 * by the application's own loader: everything about a pool that a value can say (templates, placements, provider
 * settings, placement health, failover, degraded mode, retries, forecasts and alerts, reconciliation, keep-warm,
 * shared-store timings), mapped onto {@link WorkerPools#builder()}.
 *
 * <pre>{@code
 * Properties p = new Properties();
 * p.load(reader);   // warmpool.pools.ci.templates.linux.warm-target=10, ...
 * WorkerPool pool = WorkerPoolConfig.read(p).get("ci").build(b -> b.store(store).listener(alerts));
 * }</pre>
 *
 * <p>Keys are {@code warmpool.pools.<id>.<key>}, where {@code <id>} is the pool's id; docs/configuration.md lists
 * every key with its default, range and effect. Keys outside {@code warmpool.} are ignored (they belong to the rest of
 * the application); every key under {@code warmpool.} must be one of the documented keys, or reading fails. Durations
 * are ISO-8601 ({@code PT30S}) or a whole number with a unit ({@code 30s}, {@code 500ms}, {@code 5m}, {@code 2h},
 * {@code 1d}); lists are comma-separated. What is not a value (a {@link dev.warmpool.spi.PoolStore}, a clock,
 * listeners, provider instances) is added in code through {@link #build(Consumer)} or {@link #toBuilder()}.
 *
 * <p>Errors are {@link InvalidConfigurationException}s whose {@link InvalidConfigurationException#option() option}
 * is the full key (for example {@code warmpool.pools.ci.templates.linux.warm-target}) and whose message adds the
 * library's own rule, value and allowed range. Provider settings may hold secrets: their values never appear in a
 * message or in {@link #toString()}.
 *
 * <p>Immutable and thread-safe; each {@link #toBuilder()} returns a new builder.
 */
public final class WorkerPoolConfig {
  /** The prefix of every pool's keys: {@value}. */
  public static final String PREFIX = "warmpool.pools.";

  private static final String ROOT = "warmpool.";
  private static final Pattern TEMPLATE_OPTION = Pattern.compile("template\\[([^]]*)](?:\\.(.+))?");

  private final String poolId;
  private final Map<String, Object> pool;
  private final Map<String, Map<String, Object>> templates;
  private final Map<String, Map<String, String>> labels;
  private final Map<String, Map<String, String>> providerProperties;
  private final Map<String, Map<String, String>> windows;
  private final Map<String, Map<String, Object>> placements;
  private final Map<String, Map<String, String>> providers;

  private WorkerPoolConfig(Reader r) {
    this.poolId = r.poolId;
    this.pool = Collections.unmodifiableMap(r.pool);
    this.templates = deepCopy(r.templates);
    this.labels = deepCopy(r.labels);
    this.providerProperties = deepCopy(r.providerProperties);
    this.windows = deepCopy(r.windows);
    this.placements = deepCopy(r.placements);
    this.providers = deepCopy(r.providers);
  }

  /**
   * Reads every pool configured under {@code warmpool.pools.}.
   *
   * @param properties keys and values; keys outside {@code warmpool.} are ignored
   * @return the pools by id, in id order; empty if no key is under {@code warmpool.pools.}
   * @throws NullPointerException if properties, a key or a value is null
   * @throws InvalidConfigurationException naming the first key that is unknown or whose value is not of its kind
   */
  public static Map<String, WorkerPoolConfig> read(Map<String, String> properties) {
    Objects.requireNonNull(properties, "properties cannot be null");
    Map<String, Reader> readers = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "property key cannot be null").strip();
      String value = Objects.requireNonNull(e.getValue(), () -> "value of " + key + " cannot be null");
      if (!key.startsWith(ROOT)) {
        continue;
      }
      if (!key.startsWith(PREFIX)) {
        throw new InvalidConfigurationException(key, key + " is not a Warmpool key: pools are configured under "
            + PREFIX + "<id>.");
      }
      String rest = key.substring(PREFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        throw new InvalidConfigurationException(key, key + " is not a Warmpool key: expected " + PREFIX
            + "<id>.<key>, e.g. " + PREFIX + "ci.templates.linux.warm-target");
      }
      String id = rest.substring(0, dot);
      readers.computeIfAbsent(id, Reader::new).accept(key, rest.substring(dot + 1), value);
    }
    Map<String, WorkerPoolConfig> out = new LinkedHashMap<>();
    readers.forEach((id, r) -> out.put(id, new WorkerPoolConfig(r)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads every pool configured under {@code warmpool.pools.}, as {@link #read(Map)} does.
   *
   * @param properties keys and values (with their defaults); keys outside {@code warmpool.} are ignored
   * @return the pools by id, in id order
   * @throws NullPointerException if properties is null
   * @throws InvalidConfigurationException naming the first key that is unknown or whose value is not of its kind
   */
  public static Map<String, WorkerPoolConfig> read(Properties properties) {
    Objects.requireNonNull(properties, "properties cannot be null");
    Map<String, String> map = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      map.put(name, properties.getProperty(name));
    }
    return read(map);
  }

  /** {@return the pool's id, the {@code <id>} of its keys} */
  public String poolId() {
    return poolId;
  }

  /**
   * A new builder with this configuration applied: the pool id, the templates (built, in name order), the
   * placements, the providers registered by name with their settings, and every option a key set. Add what is not a
   * value (a store, a clock, listeners, provider instances) and call {@code build()}; errors from that
   * {@code build()} name the builder's options, not the keys ({@link #build(Consumer)} names the keys).
   *
   * @return a builder
   * @throws InvalidConfigurationException naming the key of a template or placement that breaks a rule, or a
   *     placement key that is required and missing
   */
  public WorkerPools.Builder toBuilder() {
    WorkerPools.Builder b = WorkerPools.builder().poolId(poolId);
    templates.keySet().forEach(name -> b.template(template(name)));
    placements.keySet().forEach(name -> b.placement(placement(name)));
    providers.forEach(b::provider);
    applyPoolOptions(b);
    return b;
  }

  /**
   * Builds and starts the pool, as {@code toBuilder().build()} does.
   *
   * @return the running pool
   * @throws InvalidConfigurationException naming the key that breaks a rule
   */
  public WorkerPool build() {
    return build(b -> { });
  }

  /**
   * Builds and starts the pool after {@code code} added what is not a value, for example
   * {@code b -> b.store(store).clock(clock).listener(listener)}.
   *
   * @param code adds to the builder; it must not call {@code build()}
   * @return the running pool
   * @throws NullPointerException if code is null
   * @throws InvalidConfigurationException naming the key that breaks a rule (or the builder option, for a rule
   *     about something {@code code} added)
   */
  public WorkerPool build(Consumer<? super WorkerPools.Builder> code) {
    Objects.requireNonNull(code, "code cannot be null");
    WorkerPools.Builder b = toBuilder();
    code.accept(b);
    try {
      return b.build();
    } catch (InvalidConfigurationException e) {
      throw translate(e, keyOf(e.option()));
    }
  }

  @Override
  public String toString() {
    return "WorkerPoolConfig[" + poolId + ", templates=" + templates.keySet() + ", placements="
        + placements.keySet() + ", providers=" + providers.keySet() + "]";
  }

  /** Builds one template; package-private for tests. */
  WorkerTemplate template(String name) {
    WorkerTemplate.Builder t = WorkerTemplate.builder(name);
    Map<String, Object> fields = templates.get(name);
    templates.get(name).forEach((field, v) -> {
      if (field.startsWith("sizing.")) {
        return; // the sizing policy's parts, below
      }
      switch (field) {
        case "warm-target" -> t.warmTarget((Integer) v);
        case "max-total" -> t.maxTotal((Integer) v);
        case "max-uses" -> t.maxUses((Integer) v);
        case "max-age" -> t.maxAge((Duration) v);
        case "max-idle-time" -> t.maxIdleTime((Duration) v);
        case "provisioning-timeout" -> t.provisioningTimeout((Duration) v);
        case "size" -> t.size((String) v);
        case "reuse-when-degraded" -> t.reuseWhenDegraded((Boolean) v);
        case "share-across-tenants" -> t.shareAcrossTenants((Boolean) v);
        case "geographies" -> t.geographies(new LinkedHashSet<>(names(v)));
        case "regions" -> t.regions(new LinkedHashSet<>(names(v)));
        default -> throw new IllegalStateException("unmapped template key " + field);
      }
    });
    labels.getOrDefault(name, Map.of()).forEach(t::label);
    providerProperties.getOrDefault(name, Map.of()).forEach(t::providerProperty);
    try {
      sizing(name, fields).ifPresent(t::sizing);
      return t.build();
    } catch (InvalidConfigurationException e) {
      String key = "template.name".equals(e.option()) ? "templates." + name
          : e.option().startsWith("sizing.") ? "templates." + name + "." + kebab(e.option()) : keyOf(e.option());
      throw translate(e, key);
    }
  }

  /** The sizing policy of a template whose keys name one: quantile and max-wait are required then. */
  private java.util.Optional<SizingPolicy> sizing(String name, Map<String, Object> fields) {
    Map<String, String> w = windows.getOrDefault(name, Map.of());
    if (w.isEmpty() && fields.keySet().stream().noneMatch(f -> f.startsWith("sizing."))) {
      return java.util.Optional.empty();
    }
    for (String field : List.of("sizing.quantile", "sizing.max-wait")) {
      if (!fields.containsKey(field)) {
        throw new InvalidConfigurationException(field, field + " is required: a sizing policy states its objective"
            + " (sizing.quantile and sizing.max-wait, e.g. 0.99 and 5s)");
      }
    }
    SizingPolicy.Builder b = SizingPolicy.objective((Double) fields.get("sizing.quantile"),
        (Duration) fields.get("sizing.max-wait"));
    fields.forEach((field, v) -> {
      switch (field) {
        case "sizing.floor" -> b.floor((Integer) v);
        case "sizing.ceiling" -> b.ceiling((Integer) v);
        case "sizing.zone" -> b.zone((String) v);
        case "sizing.learn-seasonality" -> b.learnSeasonality((Boolean) v);
        default -> { }
      }
    });
    w.forEach((window, text) -> b.window(SizingPolicy.Window.parse("sizing.windows", text)));
    return java.util.Optional.of(b.build());
  }

  private Placement placement(String name) {
    Map<String, Object> p = placements.get(name);
    for (String field : List.of("provider", "region", "geography")) {
      if (!p.containsKey(field)) {
        String key = key("placements." + name + "." + field);
        throw new InvalidConfigurationException(key, key + " is required: a placement names its provider, region"
            + " and geography");
      }
    }
    try {
      return new Placement((String) p.get("provider"), (String) p.get("region"), (String) p.get("geography"),
          (Integer) p.getOrDefault("preference", 0));
    } catch (InvalidConfigurationException e) {
      // Placement names its options placement.<field>
      throw translate(e, "placements." + name + e.option().substring(e.option().indexOf('.')));
    }
  }

  private void applyPoolOptions(WorkerPools.Builder b) {
    pool.forEach((key, v) -> {
      switch (key) {
        case "failover" -> b.failover((Boolean) v);
        case "degraded-mode" -> b.degradedMode((Boolean) v);
        case "capacity-cooldown" -> b.capacityCooldown((Duration) v);
        case "throttle-pause" -> b.throttlePause((Duration) v);
        case "max-retry-after" -> b.maxRetryAfter((Duration) v);
        case "seed" -> b.seed((Long) v);
        case "demand-smoothing" -> b.demandSmoothing((Duration) v);
        case "forecast-horizons" -> b.forecastHorizons(durations(v).toArray(Duration[]::new));
        case "alert-on-failures" -> b.alertOnFailures((Integer) v);
        case "control-interval" -> b.controlInterval((Duration) v);
        case "max-concurrent-provisions" -> b.maxConcurrentProvisions((Integer) v);
        case "close-grace-period" -> b.closeGracePeriod((Duration) v);
        case "delete-timeout" -> b.deleteTimeout((Duration) v);
        case "event-queue-capacity" -> b.eventQueueCapacity((Integer) v);
        case "reconcile-interval" -> b.reconcileInterval((Duration) v);
        case "orphan-grace-period" -> b.orphanGracePeriod((Duration) v);
        case "keep-warm-pool" -> b.keepWarmPool((Boolean) v);
        case "node-id" -> b.nodeId((String) v);
        case "leadership-timeout" -> b.leadershipTimeout((Duration) v);
        case "store-poll-interval" -> b.storePollInterval((Duration) v);
        default -> {
          // parts of the composite options below
        }
      }
    });
    // composite builder methods: a part not given takes its documented default
    if (anyOf("placement-health.min-calls", "placement-health.failure-rate", "placement-health.window")) {
      b.placementHealth((Integer) get("placement-health.min-calls"), (Double) get("placement-health.failure-rate"),
          (Duration) get("placement-health.window"));
    }
    if (anyOf("open-cooldown.initial", "open-cooldown.max")) {
      b.openCooldown((Duration) get("open-cooldown.initial"), (Duration) get("open-cooldown.max"));
    }
    if (anyOf("probes.count", "probes.acceptance")) {
      b.probes((Integer) get("probes.count"), (Duration) get("probes.acceptance"));
    }
    if (anyOf("retries.max-attempts", "retries.delay", "retries.max-delay")) {
      b.retries((Integer) get("retries.max-attempts"), (Duration) get("retries.delay"),
          (Duration) get("retries.max-delay"));
    }
  }

  private boolean anyOf(String... keys) {
    for (String k : keys) {
      if (pool.containsKey(k)) {
        return true;
      }
    }
    return false;
  }

  private Object get(String key) {
    return pool.containsKey(key) ? pool.get(key) : ConfigKey.of(key).parsedDefault();
  }

  @SuppressWarnings("unchecked")
  private static List<String> names(Object v) {
    return (List<String>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Duration> durations(Object v) {
    return (List<Duration>) v;
  }

  private String key(String tail) {
    return PREFIX + poolId + (tail.isEmpty() ? "" : "." + tail);
  }

  /** The key (after the pool's prefix) for a builder option, as the builders name their options. */
  static String keyOf(String option) {
    if (option == null || option.equals("poolId")) {
      return "";
    }
    if (option.startsWith("providers.") || option.equals("templates") || option.equals("placements")) {
      return option;
    }
    Matcher m = TEMPLATE_OPTION.matcher(option);
    if (m.matches()) {
      return "templates." + m.group(1) + (m.group(2) == null ? "" : "." + kebab(m.group(2)));
    }
    if (option.equals("probes.probes")) {
      return "probes.count";
    }
    return kebab(option);
  }

  private InvalidConfigurationException translate(InvalidConfigurationException e, String tail) {
    String key = key(tail);
    InvalidConfigurationException t = new InvalidConfigurationException(key, key + ": " + e.getMessage());
    t.initCause(e);
    return t;
  }

  private static String kebab(String camel) {
    StringBuilder s = new StringBuilder(camel.length() + 8);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        s.append('-').append(Character.toLowerCase(c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  private static <V> Map<String, Map<String, V>> deepCopy(Map<String, Map<String, V>> m) {
    Map<String, Map<String, V>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    return Collections.unmodifiableMap(out);
  }

  /** Sorts one pool's keys into its parts, checking that each key is known and each value of its kind. */
  private static final class Reader {
    private final String poolId;
    private final Map<String, Object> pool = new TreeMap<>();
    private final Map<String, Map<String, Object>> templates = new TreeMap<>();
    private final Map<String, Map<String, String>> labels = new TreeMap<>();
    private final Map<String, Map<String, String>> providerProperties = new TreeMap<>();
    private final Map<String, Map<String, String>> windows = new TreeMap<>();
    private final Map<String, Map<String, Object>> placements = new TreeMap<>();
    private final Map<String, Map<String, String>> providers = new TreeMap<>();

    Reader(String poolId) {
      this.poolId = poolId;
    }

    void accept(String fullKey, String key, String value) {
      int dot = key.indexOf('.');
      String head = dot < 0 ? key : key.substring(0, dot);
      switch (head) {
        case "templates" -> template(fullKey, after(fullKey, key, "templates"), value);
        case "placements" -> placement(fullKey, after(fullKey, key, "placements"), value);
        case "providers" -> {
          String[] p = after(fullKey, key, "providers");
          providers.computeIfAbsent(p[0], n -> new TreeMap<>()).put(p[1], value);
        }
        default -> {
          ConfigKey k = ConfigKey.pool(key).orElseThrow(() -> unknown(fullKey, "a pool's keys are "
              + ConfigKey.poolKeys() + ", and templates.<name>.*, placements.<name>.*, providers.<name>.*"));
          pool.put(key, k.parse(fullKey, value, false));
        }
      }
    }

    /** Splits {@code part.<name>.<rest>} into name and rest. */
    private String[] after(String fullKey, String key, String part) {
      String tail = key.substring(Math.min(key.length(), part.length() + 1));
      int dot = tail.indexOf('.');
      if (!key.startsWith(part + ".") || dot <= 0 || dot == tail.length() - 1) {
        throw unknown(fullKey, "expected " + PREFIX + poolId + "." + part + ".<name>.<key>");
      }
      return new String[] {tail.substring(0, dot), tail.substring(dot + 1)};
    }

    private void template(String fullKey, String[] p, String value) {
      String name = p[0];
      String field = p[1];
      templates.computeIfAbsent(name, n -> new TreeMap<>());
      if (field.startsWith("labels.") && field.length() > 7) {
        labels.computeIfAbsent(name, n -> new TreeMap<>()).put(field.substring(7), value);
      } else if (field.startsWith("provider-properties.") && field.length() > 20) {
        providerProperties.computeIfAbsent(name, n -> new TreeMap<>()).put(field.substring(20), value);
      } else if (field.startsWith("sizing.windows.") && field.length() > 15) {
        windows.computeIfAbsent(name, n -> new TreeMap<>()).put(field.substring(15), value);
      } else {
        ConfigKey k = ConfigKey.field("templates", field).orElseThrow(() -> unknown(fullKey, "a template's keys are " + ConfigKey.fields("templates")
                + " (a template's name has no '.')"));
        templates.computeIfAbsent(name, n -> new TreeMap<>()).put(field, k.parse(fullKey, value, false));
      }
    }

    private void placement(String fullKey, String[] p, String value) {
      ConfigKey k = ConfigKey.field("placements", p[1])
          .orElseThrow(() -> unknown(fullKey, "a placement's keys are " + ConfigKey.fields("placements")));
      placements.computeIfAbsent(p[0], n -> new TreeMap<>()).put(p[1], k.parse(fullKey, value, false));
    }

    private static InvalidConfigurationException unknown(String fullKey, String known) {
      return new InvalidConfigurationException(fullKey, fullKey + " is not a Warmpool key; " + known);
    }
  }
}
