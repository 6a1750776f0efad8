package dev.warmpool.spring;

import dev.warmpool.core.WorkerPoolConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code warmpool.*} properties: one entry of {@link #getPools() pools} per pool, under the same keys as
 * {@link WorkerPoolConfig} reads (docs/configuration.md lists every key with its default and range). Spring binds
 * them with its own relaxed rules (so {@code warmTarget} and {@code warm-target} both work, and durations take
 * Spring's forms: {@code 30s}, {@code PT30S}; a bare number is milliseconds there). A key that is not a property
 * fails the start. Values that are not set keep the library's defaults. A pool's keys are in {@link PoolProperties},
 * a template's in {@link TemplateProperties}, a placement's in {@link PlacementProperties}.
 *
 * <p>Mutable while Spring binds it; not thread-safe until then.
 */
@ConfigurationProperties(prefix = "warmpool", ignoreUnknownFields = false)
public class WarmpoolProperties {
  /** The pools, by id (1 to 40 lower-case letters, digits or '-'). */
  private Map<String, PoolProperties> pools = new LinkedHashMap<>();

  /** The health indicator per pool. */
  private final Health health = new Health();

  /** Creates empty properties; Spring fills them. */
  public WarmpoolProperties() {
    // bound by Spring
  }

  /** {@return the pools by id} */
  public Map<String, PoolProperties> getPools() {
    return pools;
  }

  /** @param pools the pools by id */
  public void setPools(Map<String, PoolProperties> pools) {
    this.pools = pools;
  }

  /** {@return the health indicator's settings} */
  public Health getHealth() {
    return health;
  }

  /**
   * The pools as the keys and values {@link WorkerPoolConfig#read(Map)} takes: only what was set.
   *
   * @return {@code warmpool.pools.<id>.<key>} to value, in key order
   */
  public Map<String, String> toKeys() {
    Map<String, String> out = new TreeMap<>();
    pools.forEach((id, pool) -> pool.putKeys(WorkerPoolConfig.PREFIX + id + ".", out));
    return out;
  }

  static void put(Map<String, String> out, String key, Object value) {
    if (value instanceof List<?> list) {
      out.put(key, list.stream().map(Object::toString).collect(Collectors.joining(",")));
    } else if (value != null) {
      out.put(key, value.toString());
    }
  }

  /** How the health indicator reports a pool that is serving but degraded. */
  public static class Health {
    /**
     * The status of a pool that serves but not at full strength (a placement failing, a template degraded, a
     * critical alert): {@code DEGRADED} (a custom status; add it to
     * {@code management.endpoint.health.status.order}) or {@code OUT_OF_SERVICE}.
     */
    private String degradedStatus = "DEGRADED";

    /** Creates the defaults. */
    public Health() {
      // bound by Spring
    }

    /** {@return the status code for a degraded pool} */
    public String getDegradedStatus() {
      return degradedStatus;
    }

    /** @param degradedStatus the status code for a degraded pool */
    public void setDegradedStatus(String degradedStatus) {
      this.degradedStatus = degradedStatus;
    }
  }
}
