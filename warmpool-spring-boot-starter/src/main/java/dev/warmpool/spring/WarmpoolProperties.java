package dev.warmpool.spring;

import dev.warmpool.core.WorkerPoolConfig;
import java.time.Duration;
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
 * fails the start. Values that are not set keep the library's defaults.
 *
 * <p>Mutable while Spring binds it; not thread-safe until then.
 */
@ConfigurationProperties(prefix = "warmpool", ignoreUnknownFields = false)
public class WarmpoolProperties {
  /** The pools, by id (1 to 40 lower-case letters, digits or '-'). */
  private Map<String, Pool> pools = new LinkedHashMap<>();

  /** The health indicator per pool. */
  private final Health health = new Health();

  /** Creates empty properties; Spring fills them. */
  public WarmpoolProperties() {
    // bound by Spring
  }

  /** {@return the pools by id} */
  public Map<String, Pool> getPools() {
    return pools;
  }

  /** @param pools the pools by id */
  public void setPools(Map<String, Pool> pools) {
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

  private static void put(Map<String, String> out, String key, Object value) {
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

  /** One pool: {@code warmpool.pools.<id>.*}. */
  public static class Pool {
    /** Templates by name: what a worker is and how many to keep. */
    private Map<String, Template> templates = new LinkedHashMap<>();
    /** Placements by label: the (provider, region) pairs where workers can run. */
    private Map<String, Placement> placements = new LinkedHashMap<>();
    /** Provider settings by provider name, passed to the provider's factory. */
    private Map<String, Map<String, String>> providers = new LinkedHashMap<>();
    /** Whether stock moves to the next healthy placement of the geography when one fails (default true). */
    private Boolean failover;
    /** Whether the pool protects its stock while no placement can provision a template (default true). */
    private Boolean degradedMode;
    /** When a placement turns unhealthy. */
    private final PlacementHealth placementHealth = new PlacementHealth();
    /** How long an unhealthy placement rests before it is probed. */
    private final OpenCooldown openCooldown = new OpenCooldown();
    /** How a half-open placement proves itself. */
    private final Probes probes = new Probes();
    /** Rest of a (placement, size) after a capacity error (default 15m). */
    private Duration capacityCooldown;
    /** Pause of writes after a throttle that named no retry-after (default 30s). */
    private Duration throttlePause;
    /** Per-call retries of a provision. */
    private final Retries retries = new Retries();
    /** Seed of the retry jitter (default 24301). */
    private Long seed;
    /** Time constant of the demand estimate behind forecasts (default 60m). */
    private Duration demandSmoothing;
    /** Horizons whose crossing publishes a depletion forecast (default 6h,3h,1h,30m,10m). */
    private List<Duration> forecastHorizons;
    /** Failed calls in the failure window that raise a provisioning-failures alert (default 3). */
    private Integer alertOnFailures;
    /** Longest time between two control passes (default 5s). */
    private Duration controlInterval;
    /** Provisions in flight per placement and template (default 10). */
    private Integer maxConcurrentProvisions;
    /** How long closing lets live leases finish before their workers are destroyed (default 30s). */
    private Duration closeGracePeriod;
    /** How long one deprovision call may take before it is tried again (default 10m). */
    private Duration deleteTimeout;
    /** Undelivered events queued before new ones are dropped (default 10000). */
    private Integer eventQueueCapacity;
    /** How often inventories are compared with the pool's workers (default 5m). */
    private Duration reconcileInterval;
    /** Age of an unknown tagged resource before it is adopted or deleted (default 10m). */
    private Duration orphanGracePeriod;
    /** Whether closing keeps idle workers for the next start (default false). */
    private Boolean keepWarmPool;
    /** This node's id in a shared pool; needs a PoolStore bean (default random). */
    private String nodeId;
    /** How soon another node leads after the leader stops renewing (default 15s). */
    private Duration leadershipTimeout;
    /** How often waiting requests look in the store for workers (default 1s). */
    private Duration storePollInterval;

    /** Creates an empty pool; Spring fills it. */
    public Pool() {
      // bound by Spring
    }

    void putKeys(String p, Map<String, String> out) {
      templates.forEach((name, t) -> t.putKeys(p + "templates." + name + ".", out));
      placements.forEach((name, pl) -> pl.putKeys(p + "placements." + name + ".", out));
      providers.forEach((name, settings) -> settings.forEach((k, v) -> put(out, p + "providers." + name + "." + k,
          v)));
      put(out, p + "failover", failover);
      put(out, p + "degraded-mode", degradedMode);
      put(out, p + "placement-health.min-calls", placementHealth.minCalls);
      put(out, p + "placement-health.failure-rate", placementHealth.failureRate);
      put(out, p + "placement-health.window", placementHealth.window);
      put(out, p + "open-cooldown.initial", openCooldown.initial);
      put(out, p + "open-cooldown.max", openCooldown.max);
      put(out, p + "probes.count", probes.count);
      put(out, p + "probes.acceptance", probes.acceptance);
      put(out, p + "capacity-cooldown", capacityCooldown);
      put(out, p + "throttle-pause", throttlePause);
      put(out, p + "retries.max-attempts", retries.maxAttempts);
      put(out, p + "retries.delay", retries.delay);
      put(out, p + "retries.max-delay", retries.maxDelay);
      put(out, p + "seed", seed);
      put(out, p + "demand-smoothing", demandSmoothing);
      put(out, p + "forecast-horizons", forecastHorizons);
      put(out, p + "alert-on-failures", alertOnFailures);
      put(out, p + "control-interval", controlInterval);
      put(out, p + "max-concurrent-provisions", maxConcurrentProvisions);
      put(out, p + "close-grace-period", closeGracePeriod);
      put(out, p + "delete-timeout", deleteTimeout);
      put(out, p + "event-queue-capacity", eventQueueCapacity);
      put(out, p + "reconcile-interval", reconcileInterval);
      put(out, p + "orphan-grace-period", orphanGracePeriod);
      put(out, p + "keep-warm-pool", keepWarmPool);
      put(out, p + "node-id", nodeId);
      put(out, p + "leadership-timeout", leadershipTimeout);
      put(out, p + "store-poll-interval", storePollInterval);
    }

    /** {@return templates by name} */
    public Map<String, Template> getTemplates() {
      return templates;
    }

    /** @param templates templates by name */
    public void setTemplates(Map<String, Template> templates) {
      this.templates = templates;
    }

    /** {@return placements by label} */
    public Map<String, Placement> getPlacements() {
      return placements;
    }

    /** @param placements placements by label */
    public void setPlacements(Map<String, Placement> placements) {
      this.placements = placements;
    }

    /** {@return provider settings by provider name} */
    public Map<String, Map<String, String>> getProviders() {
      return providers;
    }

    /** @param providers provider settings by provider name */
    public void setProviders(Map<String, Map<String, String>> providers) {
      this.providers = providers;
    }

    /** {@return whether to fail over} */
    public Boolean getFailover() {
      return failover;
    }

    /** @param failover whether to fail over */
    public void setFailover(Boolean failover) {
      this.failover = failover;
    }

    /** {@return whether degraded mode protects the stock} */
    public Boolean getDegradedMode() {
      return degradedMode;
    }

    /** @param degradedMode whether degraded mode protects the stock */
    public void setDegradedMode(Boolean degradedMode) {
      this.degradedMode = degradedMode;
    }

    /** {@return when a placement turns unhealthy} */
    public PlacementHealth getPlacementHealth() {
      return placementHealth;
    }

    /** {@return the open cooldown} */
    public OpenCooldown getOpenCooldown() {
      return openCooldown;
    }

    /** {@return the probes of a half-open placement} */
    public Probes getProbes() {
      return probes;
    }

    /** {@return the capacity cooldown} */
    public Duration getCapacityCooldown() {
      return capacityCooldown;
    }

    /** @param capacityCooldown the capacity cooldown */
    public void setCapacityCooldown(Duration capacityCooldown) {
      this.capacityCooldown = capacityCooldown;
    }

    /** {@return the throttle pause} */
    public Duration getThrottlePause() {
      return throttlePause;
    }

    /** @param throttlePause the throttle pause */
    public void setThrottlePause(Duration throttlePause) {
      this.throttlePause = throttlePause;
    }

    /** {@return the retries} */
    public Retries getRetries() {
      return retries;
    }

    /** {@return the jitter seed} */
    public Long getSeed() {
      return seed;
    }

    /** @param seed the jitter seed */
    public void setSeed(Long seed) {
      this.seed = seed;
    }

    /** {@return the demand smoothing} */
    public Duration getDemandSmoothing() {
      return demandSmoothing;
    }

    /** @param demandSmoothing the demand smoothing */
    public void setDemandSmoothing(Duration demandSmoothing) {
      this.demandSmoothing = demandSmoothing;
    }

    /** {@return the forecast horizons} */
    public List<Duration> getForecastHorizons() {
      return forecastHorizons;
    }

    /** @param forecastHorizons the forecast horizons */
    public void setForecastHorizons(List<Duration> forecastHorizons) {
      this.forecastHorizons = forecastHorizons;
    }

    /** {@return failures that raise an alert} */
    public Integer getAlertOnFailures() {
      return alertOnFailures;
    }

    /** @param alertOnFailures failures that raise an alert */
    public void setAlertOnFailures(Integer alertOnFailures) {
      this.alertOnFailures = alertOnFailures;
    }

    /** {@return the control interval} */
    public Duration getControlInterval() {
      return controlInterval;
    }

    /** @param controlInterval the control interval */
    public void setControlInterval(Duration controlInterval) {
      this.controlInterval = controlInterval;
    }

    /** {@return provisions in flight per placement and template} */
    public Integer getMaxConcurrentProvisions() {
      return maxConcurrentProvisions;
    }

    /** @param maxConcurrentProvisions provisions in flight per placement and template */
    public void setMaxConcurrentProvisions(Integer maxConcurrentProvisions) {
      this.maxConcurrentProvisions = maxConcurrentProvisions;
    }

    /** {@return the close grace period} */
    public Duration getCloseGracePeriod() {
      return closeGracePeriod;
    }

    /** @param closeGracePeriod the close grace period */
    public void setCloseGracePeriod(Duration closeGracePeriod) {
      this.closeGracePeriod = closeGracePeriod;
    }

    /** {@return the delete timeout} */
    public Duration getDeleteTimeout() {
      return deleteTimeout;
    }

    /** @param deleteTimeout the delete timeout */
    public void setDeleteTimeout(Duration deleteTimeout) {
      this.deleteTimeout = deleteTimeout;
    }

    /** {@return the event queue capacity} */
    public Integer getEventQueueCapacity() {
      return eventQueueCapacity;
    }

    /** @param eventQueueCapacity the event queue capacity */
    public void setEventQueueCapacity(Integer eventQueueCapacity) {
      this.eventQueueCapacity = eventQueueCapacity;
    }

    /** {@return the reconcile interval} */
    public Duration getReconcileInterval() {
      return reconcileInterval;
    }

    /** @param reconcileInterval the reconcile interval */
    public void setReconcileInterval(Duration reconcileInterval) {
      this.reconcileInterval = reconcileInterval;
    }

    /** {@return the orphan grace period} */
    public Duration getOrphanGracePeriod() {
      return orphanGracePeriod;
    }

    /** @param orphanGracePeriod the orphan grace period */
    public void setOrphanGracePeriod(Duration orphanGracePeriod) {
      this.orphanGracePeriod = orphanGracePeriod;
    }

    /** {@return whether closing keeps idle workers} */
    public Boolean getKeepWarmPool() {
      return keepWarmPool;
    }

    /** @param keepWarmPool whether closing keeps idle workers */
    public void setKeepWarmPool(Boolean keepWarmPool) {
      this.keepWarmPool = keepWarmPool;
    }

    /** {@return this node's id in a shared pool} */
    public String getNodeId() {
      return nodeId;
    }

    /** @param nodeId this node's id in a shared pool */
    public void setNodeId(String nodeId) {
      this.nodeId = nodeId;
    }

    /** {@return the leadership timeout} */
    public Duration getLeadershipTimeout() {
      return leadershipTimeout;
    }

    /** @param leadershipTimeout the leadership timeout */
    public void setLeadershipTimeout(Duration leadershipTimeout) {
      this.leadershipTimeout = leadershipTimeout;
    }

    /** {@return the store poll interval} */
    public Duration getStorePollInterval() {
      return storePollInterval;
    }

    /** @param storePollInterval the store poll interval */
    public void setStorePollInterval(Duration storePollInterval) {
      this.storePollInterval = storePollInterval;
    }
  }

  /** A template: {@code warmpool.pools.<id>.templates.<name>.*}. */
  public static class Template {
    /** Idle workers the pool keeps ready (default 0). */
    private Integer warmTarget;
    /** The most workers of the template in any state (default unbounded). */
    private Integer maxTotal;
    /** Leases one worker may serve; 1 gives every lease a fresh worker (default 1). */
    private Integer maxUses;
    /** Age after which a worker is recycled (default none). */
    private Duration maxAge;
    /** How long a worker may stay idle before it is recycled (default none). */
    private Duration maxIdleTime;
    /** How long one provision may take before it counts as failed (default 30m). */
    private Duration provisioningTimeout;
    /** The size capacity cooldowns are kept for, e.g. a VM size (default "default"). */
    private String size;
    /** Whether a returned worker may serve the same tenant again while degraded (default false). */
    private Boolean reuseWhenDegraded;
    /** Whether a worker that served one tenant may serve another (default false). */
    private Boolean shareAcrossTenants;
    /** Geographies the workers may run in (default any). */
    private List<String> geographies;
    /** Regions the workers may run in (default any). */
    private List<String> regions;
    /** Labels requests select templates by. */
    private Map<String, String> labels = new LinkedHashMap<>();
    /** What the backend needs to create a worker (image, ...). */
    private Map<String, String> providerProperties = new LinkedHashMap<>();

    /** Creates an empty template; Spring fills it. */
    public Template() {
      // bound by Spring
    }

    void putKeys(String p, Map<String, String> out) {
      put(out, p + "warm-target", warmTarget);
      put(out, p + "max-total", maxTotal);
      put(out, p + "max-uses", maxUses);
      put(out, p + "max-age", maxAge);
      put(out, p + "max-idle-time", maxIdleTime);
      put(out, p + "provisioning-timeout", provisioningTimeout);
      put(out, p + "size", size);
      put(out, p + "reuse-when-degraded", reuseWhenDegraded);
      put(out, p + "share-across-tenants", shareAcrossTenants);
      put(out, p + "geographies", geographies);
      put(out, p + "regions", regions);
      labels.forEach((k, v) -> put(out, p + "labels." + k, v));
      providerProperties.forEach((k, v) -> put(out, p + "provider-properties." + k, v));
    }

    /** {@return the warm target} */
    public Integer getWarmTarget() {
      return warmTarget;
    }

    /** @param warmTarget the warm target */
    public void setWarmTarget(Integer warmTarget) {
      this.warmTarget = warmTarget;
    }

    /** {@return the most workers} */
    public Integer getMaxTotal() {
      return maxTotal;
    }

    /** @param maxTotal the most workers */
    public void setMaxTotal(Integer maxTotal) {
      this.maxTotal = maxTotal;
    }

    /** {@return leases per worker} */
    public Integer getMaxUses() {
      return maxUses;
    }

    /** @param maxUses leases per worker */
    public void setMaxUses(Integer maxUses) {
      this.maxUses = maxUses;
    }

    /** {@return the max age} */
    public Duration getMaxAge() {
      return maxAge;
    }

    /** @param maxAge the max age */
    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }

    /** {@return the max idle time} */
    public Duration getMaxIdleTime() {
      return maxIdleTime;
    }

    /** @param maxIdleTime the max idle time */
    public void setMaxIdleTime(Duration maxIdleTime) {
      this.maxIdleTime = maxIdleTime;
    }

    /** {@return the provisioning timeout} */
    public Duration getProvisioningTimeout() {
      return provisioningTimeout;
    }

    /** @param provisioningTimeout the provisioning timeout */
    public void setProvisioningTimeout(Duration provisioningTimeout) {
      this.provisioningTimeout = provisioningTimeout;
    }

    /** {@return the size} */
    public String getSize() {
      return size;
    }

    /** @param size the size */
    public void setSize(String size) {
      this.size = size;
    }

    /** {@return whether reuse while degraded is allowed} */
    public Boolean getReuseWhenDegraded() {
      return reuseWhenDegraded;
    }

    /** @param reuseWhenDegraded whether reuse while degraded is allowed */
    public void setReuseWhenDegraded(Boolean reuseWhenDegraded) {
      this.reuseWhenDegraded = reuseWhenDegraded;
    }

    /** {@return whether workers may serve several tenants} */
    public Boolean getShareAcrossTenants() {
      return shareAcrossTenants;
    }

    /** @param shareAcrossTenants whether workers may serve several tenants */
    public void setShareAcrossTenants(Boolean shareAcrossTenants) {
      this.shareAcrossTenants = shareAcrossTenants;
    }

    /** {@return the allowed geographies} */
    public List<String> getGeographies() {
      return geographies;
    }

    /** @param geographies the allowed geographies */
    public void setGeographies(List<String> geographies) {
      this.geographies = geographies;
    }

    /** {@return the allowed regions} */
    public List<String> getRegions() {
      return regions;
    }

    /** @param regions the allowed regions */
    public void setRegions(List<String> regions) {
      this.regions = regions;
    }

    /** {@return the labels} */
    public Map<String, String> getLabels() {
      return labels;
    }

    /** @param labels the labels */
    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    /** {@return the provider properties} */
    public Map<String, String> getProviderProperties() {
      return providerProperties;
    }

    /** @param providerProperties the provider properties */
    public void setProviderProperties(Map<String, String> providerProperties) {
      this.providerProperties = providerProperties;
    }
  }

  /** A placement: {@code warmpool.pools.<id>.placements.<name>.*}. */
  public static class Placement {
    /** The provider that serves the placement (required). */
    private String provider;
    /** The provider's region id (required). */
    private String region;
    /** The geography the region belongs to (required). */
    private String geography;
    /** Lower is tried first (default 0). */
    private Integer preference;

    /** Creates an empty placement; Spring fills it. */
    public Placement() {
      // bound by Spring
    }

    void putKeys(String p, Map<String, String> out) {
      put(out, p + "provider", provider);
      put(out, p + "region", region);
      put(out, p + "geography", geography);
      put(out, p + "preference", preference);
    }

    /** {@return the provider} */
    public String getProvider() {
      return provider;
    }

    /** @param provider the provider */
    public void setProvider(String provider) {
      this.provider = provider;
    }

    /** {@return the region} */
    public String getRegion() {
      return region;
    }

    /** @param region the region */
    public void setRegion(String region) {
      this.region = region;
    }

    /** {@return the geography} */
    public String getGeography() {
      return geography;
    }

    /** @param geography the geography */
    public void setGeography(String geography) {
      this.geography = geography;
    }

    /** {@return the preference} */
    public Integer getPreference() {
      return preference;
    }

    /** @param preference the preference */
    public void setPreference(Integer preference) {
      this.preference = preference;
    }
  }

  /** When a placement turns unhealthy: {@code placement-health.*}. */
  public static class PlacementHealth {
    /** Calls in the window before a placement can turn unhealthy (default 3). */
    private Integer minCalls;
    /** Share of failed calls that opens a placement (default 0.5). */
    private Double failureRate;
    /** The failure-rate window (default 10m). */
    private Duration window;

    /** Creates an empty part; Spring fills it. */
    public PlacementHealth() {
      // bound by Spring
    }

    /** {@return the minimum calls} */
    public Integer getMinCalls() {
      return minCalls;
    }

    /** @param minCalls the minimum calls */
    public void setMinCalls(Integer minCalls) {
      this.minCalls = minCalls;
    }

    /** {@return the failure rate} */
    public Double getFailureRate() {
      return failureRate;
    }

    /** @param failureRate the failure rate */
    public void setFailureRate(Double failureRate) {
      this.failureRate = failureRate;
    }

    /** {@return the window} */
    public Duration getWindow() {
      return window;
    }

    /** @param window the window */
    public void setWindow(Duration window) {
      this.window = window;
    }
  }

  /** The rest of an open placement: {@code open-cooldown.*}. */
  public static class OpenCooldown {
    /** Rest before the first probe (default 2m). */
    private Duration initial;
    /** The longest rest, reached by doubling (default 10m). */
    private Duration max;

    /** Creates an empty part; Spring fills it. */
    public OpenCooldown() {
      // bound by Spring
    }

    /** {@return the first rest} */
    public Duration getInitial() {
      return initial;
    }

    /** @param initial the first rest */
    public void setInitial(Duration initial) {
      this.initial = initial;
    }

    /** {@return the longest rest} */
    public Duration getMax() {
      return max;
    }

    /** @param max the longest rest */
    public void setMax(Duration max) {
      this.max = max;
    }
  }

  /** How a half-open placement proves itself: {@code probes.*}. */
  public static class Probes {
    /** Probe provisions that must succeed to close a placement (default 2). */
    private Integer count;
    /** Checked and otherwise unused: a probe counts only when its call completes (default 2m). */
    private Duration acceptance;

    /** Creates an empty part; Spring fills it. */
    public Probes() {
      // bound by Spring
    }

    /** {@return the probes needed} */
    public Integer getCount() {
      return count;
    }

    /** @param count the probes needed */
    public void setCount(Integer count) {
      this.count = count;
    }

    /** {@return the acceptance time} */
    public Duration getAcceptance() {
      return acceptance;
    }

    /** @param acceptance the acceptance time */
    public void setAcceptance(Duration acceptance) {
      this.acceptance = acceptance;
    }
  }

  /** Per-call retries of a provision: {@code retries.*}. */
  public static class Retries {
    /** Calls of one provision for transient failures, the first included (default 3). */
    private Integer maxAttempts;
    /** Delay before the first retry, doubling (default 5s). */
    private Duration delay;
    /** The longest delay between retries (default 40s). */
    private Duration maxDelay;

    /** Creates an empty part; Spring fills it. */
    public Retries() {
      // bound by Spring
    }

    /** {@return the attempts} */
    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    /** @param maxAttempts the attempts */
    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** {@return the first delay} */
    public Duration getDelay() {
      return delay;
    }

    /** @param delay the first delay */
    public void setDelay(Duration delay) {
      this.delay = delay;
    }

    /** {@return the longest delay} */
    public Duration getMaxDelay() {
      return maxDelay;
    }

    /** @param maxDelay the longest delay */
    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }
  }
}
