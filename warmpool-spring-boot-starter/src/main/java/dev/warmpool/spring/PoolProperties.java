package dev.warmpool.spring;

import static dev.warmpool.spring.WarmpoolProperties.put;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pool: {@code warmpool.pools.<id>.*}.
 *
 * <p>Mutable while Spring binds it; not thread-safe until then.
 *
 * @since 0.1
 */
public class PoolProperties {
  /** Templates by name: what a worker is and how many to keep. */
  private Map<String, TemplateProperties> templates = new LinkedHashMap<>();
  /** Placements by label: the (provider, region) pairs where workers can run. */
  private Map<String, PlacementProperties> placements = new LinkedHashMap<>();
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
  /** The longest retry-after honoured, whatever the failure's kind (default 5m). */
  private Duration maxRetryAfter;
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
  public PoolProperties() {
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
    put(out, p + "max-retry-after", maxRetryAfter);
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
  public Map<String, TemplateProperties> getTemplates() {
    return templates;
  }

  /** @param templates templates by name */
  public void setTemplates(Map<String, TemplateProperties> templates) {
    this.templates = templates;
  }

  /** {@return placements by label} */
  public Map<String, PlacementProperties> getPlacements() {
    return placements;
  }

  /** @param placements placements by label */
  public void setPlacements(Map<String, PlacementProperties> placements) {
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

  /** {@return the longest retry-after honoured, or null for the default} */
  public Duration getMaxRetryAfter() {
    return maxRetryAfter;
  }

  /** @param maxRetryAfter the longest retry-after honoured */
  public void setMaxRetryAfter(Duration maxRetryAfter) {
    this.maxRetryAfter = maxRetryAfter;
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
