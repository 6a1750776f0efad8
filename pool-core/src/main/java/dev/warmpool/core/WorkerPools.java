package dev.warmpool.core;

import dev.warmpool.api.DurationRange;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.internal.CallRetryPolicy;
import dev.warmpool.core.internal.ConfigRules;
import dev.warmpool.core.internal.ForecastPolicy;
import dev.warmpool.core.internal.NodeSettings;
import dev.warmpool.core.internal.PlacementHealthPolicy;
import dev.warmpool.core.internal.PoolConfig;
import dev.warmpool.core.internal.PoolLimits;
import dev.warmpool.core.internal.PoolEngine;
import dev.warmpool.core.internal.SystemClock;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactories;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * Builds {@link WorkerPool}s: the one public entry to the engine.
 *
 * <pre>{@code
 * WorkerPool pool = WorkerPools.builder()
 *     .poolId("ci-eu")
 *     .template(WorkerTemplate.builder("linux").warmTarget(10).maxTotal(50).build())
 *     .placement(Placement.of("azure", "westeurope", "eu"))
 *     .placement(Placement.of("azure", "northeurope", "eu").withPreference(1))
 *     .provider("azure", Map.of("subscription", "...", "resourceGroup", "ci-workers"))
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class WorkerPools {
  private WorkerPools() {}

  /**
   * Starts a pool configuration.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures a pool. Null arguments fail at the setter; every other rule fails at {@link #build()}, whatever the
   * call order, with an {@link InvalidConfigurationException} naming the option. Not thread-safe.
   *
   * <p>Defaults: the system clock with one scheduler thread; a control pass at least every 5 seconds; 10 provisions in
   * flight per placement and template; 30 seconds of grace for live leases on close; 10 minutes per delete call;
   * listeners called on one dedicated thread (on the pool's clock when a clock is given), with up to 10,000 events
   * queued.
   */
  public static final class Builder {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private String poolId;
    private final List<WorkerTemplate> templates = new ArrayList<>();
    private final List<Placement> placements = new ArrayList<>();
    private final Map<String, WorkerProvider> providerInstances = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> providerSettings = new LinkedHashMap<>();
    private final Map<String, ProviderFactory> providerFactories = new LinkedHashMap<>();
    private final List<String> duplicateProviders = new ArrayList<>();
    private final List<PoolListener> listeners = new ArrayList<>();
    private PoolClock clock;
    private Executor eventExecutor;
    private int eventQueueCapacity = 10_000;
    private Duration controlInterval = Duration.ofSeconds(5);
    private int maxConcurrentProvisions = 100;
    private Duration closeGracePeriod = Duration.ofSeconds(30);
    private Duration deleteTimeout = Duration.ofMinutes(10);
    private ClassLoader classLoader;
    private Duration reconcileInterval = Duration.ofMinutes(5);
    private Duration orphanGracePeriod = Duration.ofMinutes(10);
    private boolean keepWarmPool;
    private PoolStore store;
    private String nodeId;
    private Duration leadershipTimeout = Duration.ofSeconds(15);
    private Duration storePollInterval = Duration.ofSeconds(1);
    private final PlacementHealthPolicy h = PlacementHealthPolicy.DEFAULTS;
    private boolean failover = h.failover();
    private boolean degradedMode = h.degradedMode();
    private Duration failureWindow = h.failureWindow();
    private int minCalls = h.minCalls();
    private double failureRate = h.failureRate();
    private Duration openCooldown = h.openCooldown();
    private Duration maxOpenCooldown = h.maxOpenCooldown();
    private Duration probeAcceptance = h.probeAcceptance();
    private int probesToClose = h.probesToClose();
    private Duration capacityCooldown = h.capacityCooldown();
    private Duration throttleDefault = h.throttleDefault();
    private int maxAttempts = CallRetryPolicy.DEFAULTS.maxAttempts();
    private Duration retryDelay = CallRetryPolicy.DEFAULTS.retryDelay();
    private Duration maxRetryDelay = CallRetryPolicy.DEFAULTS.maxRetryDelay();
    private long seed = CallRetryPolicy.DEFAULTS.seed();
    private Duration maxRetryAfter = CallRetryPolicy.DEFAULTS.maxRetryAfter();
    private Duration demandSmoothing = ForecastPolicy.DEFAULTS.demandSmoothing();
    private List<Duration> forecastHorizons = ForecastPolicy.DEFAULTS.forecastHorizons();
    private int failureBurst = ForecastPolicy.DEFAULTS.failureBurst();

    private Builder() {}

    /**
     * Whether a template's warm stock moves to the next healthy placement of its home geography when its placement
     * turns unhealthy, and back when it recovers. On by default; off keeps every template on its preferred placement
     * whatever happens (the naive pool of the seed incident).
     *
     * @param failover true to fail over
     * @return this builder
     */
    public Builder failover(boolean failover) {
      this.failover = failover;
      return this;
    }

    /**
     * Whether the pool protects its stock while no placement of a template's home geography can provision it: idle
     * workers are kept past max age and max idle time, returned workers are reused where the template allows it
     * ({@link WorkerTemplate#reuseWhenDegraded()}), and waiting requests are served by fair shares between tenants.
     * On by default.
     *
     * @param degradedMode true to protect the stock
     * @return this builder
     */
    public Builder degradedMode(boolean degradedMode) {
      this.degradedMode = degradedMode;
      return this;
    }

    /**
     * When a placement turns unhealthy: with at least {@code minCalls} provider calls in the last {@code window},
     * or in a short window of a fifth of it (2 minutes by default), a share of failed calls at or above
     * {@code failureRate}. Calls count by the time they started (one that is still running counts as not failed), so
     * successes of calls that started before a jump in failures do not hide it; a create that outlives the
     * provisioning timeout counts as failed when it times out. Only control-plane failures (5xx, timeouts) count.
     * Defaults: 3 calls, 0.5, 10 minutes.
     *
     * @param minCalls at least 1
     * @param failureRate above 0 and at most 1
     * @param window positive
     * @return this builder
     */
    public Builder placementHealth(int minCalls, double failureRate, Duration window) {
      this.minCalls = minCalls;
      this.failureRate = failureRate;
      this.failureWindow = Objects.requireNonNull(window, "window cannot be null");
      return this;
    }

    /**
     * How long an unhealthy placement rests before it is probed: {@code initial} the first time, doubling each time
     * it fails again soon after, up to {@code max}. Defaults: 2 and 10 minutes.
     *
     * @param initial positive
     * @param max at least {@code initial}
     * @return this builder
     */
    public Builder openCooldown(Duration initial, Duration max) {
      this.openCooldown = Objects.requireNonNull(initial, "initial cannot be null");
      this.maxOpenCooldown = Objects.requireNonNull(max, "max cannot be null");
      return this;
    }

    /**
     * How a half-open placement proves itself: {@code probes} probe provisions that each completed successfully.
     * A probe that hangs until the template's provisioning timeout is a failed probe, so a placement whose creates
     * hang stays open. Since issue 16 a probe counts only when its call completes: {@code acceptance} (once the
     * time after which a probe still running counted as a success) is checked and otherwise unused, and kept so
     * that existing configurations still build. Defaults: 2 probes, 2 minutes.
     *
     * @param probes at least 1
     * @param acceptance positive; checked, not used
     * @return this builder
     */
    public Builder probes(int probes, Duration acceptance) {
      this.probesToClose = probes;
      this.probeAcceptance = Objects.requireNonNull(acceptance, "acceptance cannot be null");
      return this;
    }

    /**
     * How long a (placement, size) pair rests after a capacity error; other sizes and placements are unaffected.
     *
     * @param cooldown positive; 15 minutes by default
     * @return this builder
     */
    public Builder capacityCooldown(Duration cooldown) {
      this.capacityCooldown = Objects.requireNonNull(cooldown, "capacityCooldown cannot be null");
      return this;
    }

    /**
     * How long writes to a placement pause after a throttle that named no retry-after.
     *
     * @param pause positive; 30 seconds by default
     * @return this builder
     */
    public Builder throttlePause(Duration pause) {
      this.throttleDefault = Objects.requireNonNull(pause, "throttlePause cannot be null");
      return this;
    }

    /**
     * Per-call retries of a provision: up to {@code maxAttempts} calls (counting the first) for TRANSIENT failures,
     * {@code delay} before the first retry, doubling up to {@code maxDelay}, with jitter. Throttles, capacity errors
     * and invalid requests are never retried in place. Defaults: 3 attempts, 5 and 40 seconds. Backends must not
     * retry mutations themselves (see {@link WorkerProvider}).
     *
     * @param maxAttempts at least 1
     * @param delay positive
     * @param maxDelay at least {@code delay}
     * @return this builder
     */
    public Builder retries(int maxAttempts, Duration delay, Duration maxDelay) {
      this.maxAttempts = maxAttempts;
      this.retryDelay = Objects.requireNonNull(delay, "delay cannot be null");
      this.maxRetryDelay = Objects.requireNonNull(maxDelay, "maxDelay cannot be null");
      return this;
    }

    /**
     * The longest the pool honours a provider's retry-after, whatever the failure's kind: a throttle (429) pauses the
     * placement's writes for the retry-after, a transient failure (503) that names one is retried no sooner, and a
     * failed delete tries again no sooner, each up to this cap, so that a wrong or hostile value cannot stop the pool
     * for hours. Writes to each placement are also paced by what its throttles taught (see docs/when-the-cloud-fails.md).
     *
     * @param cap positive, at most 1 hour; 5 minutes by default
     * @return this builder
     */
    public Builder maxRetryAfter(Duration cap) {
      this.maxRetryAfter = Objects.requireNonNull(cap, "maxRetryAfter cannot be null");
      return this;
    }

    /**
     * The seed of the retry jitter, so that a simulation on a virtual clock replays the same way every time.
     *
     * @param seed any value
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * How quickly the demand estimate behind depletion forecasts follows changes: the time constant of its
     * exponentially weighted average of lease requests per minute.
     *
     * @param tau positive; 60 minutes by default
     * @return this builder
     */
    public Builder demandSmoothing(Duration tau) {
      this.demandSmoothing = Objects.requireNonNull(tau, "demandSmoothing cannot be null");
      return this;
    }

    /**
     * The horizons whose crossing publishes a {@code DepletionForecast} event: each time the forecast time to empty
     * drops below one more of them. A forecast below the longest raises a warning alert, below 30 minutes a critical
     * one. Defaults: 6h, 3h, 1h, 30m, 10m.
     *
     * @param horizons positive durations, at least one
     * @return this builder
     */
    public Builder forecastHorizons(Duration... horizons) {
      Objects.requireNonNull(horizons, "forecastHorizons cannot be null");
      for (Duration h : horizons) {
        Objects.requireNonNull(h, "forecastHorizons element cannot be null");
      }
      this.forecastHorizons = List.of(horizons);
      return this;
    }

    /**
     * How many failed calls within the failure window raise a provisioning-failures alert for a placement.
     *
     * @param failures at least 1; 3 by default
     * @return this builder
     */
    public Builder alertOnFailures(int failures) {
      this.failureBurst = failures;
      return this;
    }

    /**
     * The pool's id: 1 to 40 lower-case letters, digits or '-'. Resources are tagged with it, so a pool that
     * restarts with the same id finds its workers again. Required.
     *
     * @param poolId the id
     * @return this builder
     */
    public Builder poolId(String poolId) {
      this.poolId = Objects.requireNonNull(poolId, "poolId cannot be null");
      return this;
    }

    /**
     * Adds a template; at least one is required, with unique names.
     *
     * @param template the template
     * @return this builder
     */
    public Builder template(WorkerTemplate template) {
      templates.add(Objects.requireNonNull(template, "template cannot be null"));
      return this;
    }

    /**
     * Adds a placement; at least one is required, with unique keys, and each template needs one it allows.
     *
     * @param placement the placement
     * @return this builder
     */
    public Builder placement(Placement placement) {
      placements.add(Objects.requireNonNull(placement, "placement cannot be null"));
      return this;
    }

    /**
     * Registers a provider found by name with {@link java.util.ServiceLoader}, created at {@link #build()} with
     * these settings.
     *
     * @param name the provider's name (e.g. {@code "azure"}, {@code "fake"})
     * @param settings the provider's settings
     * @return this builder
     */
    public Builder provider(String name, Map<String, String> settings) {
      Objects.requireNonNull(name, "provider name cannot be null");
      Objects.requireNonNull(settings, "provider settings cannot be null");
      Map<String, String> copy = ProviderContext.copySettings(name, settings);
      if (providerInstances.containsKey(name) || providerSettings.put(name, copy) != null) {
        duplicateProviders.add(name);
      }
      return this;
    }

    /**
     * Registers a provider made by a factory instance with these settings at {@link #build()}, for a factory that
     * needs constructor arguments (a credential, say) and so cannot be found by {@link java.util.ServiceLoader}.
     *
     * @param name the name placements use for it
     * @param factory the factory
     * @param settings the provider's settings
     * @return this builder
     */
    public Builder provider(String name, ProviderFactory factory, Map<String, String> settings) {
      Objects.requireNonNull(factory, "provider factory cannot be null");
      provider(name, settings);
      providerFactories.put(name, factory);
      return this;
    }

    /**
     * Registers a provider instance under a name. The pool closes it when the pool closes.
     *
     * @param name the name placements use for it
     * @param provider the provider
     * @return this builder
     */
    public Builder provider(String name, WorkerProvider provider) {
      Objects.requireNonNull(name, "provider name cannot be null");
      Objects.requireNonNull(provider, "provider cannot be null");
      if (providerSettings.containsKey(name) || providerInstances.put(name, provider) != null) {
        duplicateProviders.add(name);
      }
      return this;
    }

    /**
     * The clock all of the pool's time comes from (delays, timeouts, ages, deadlines). Defaults to the system clock.
     * Tests pass a virtual clock, e.g. backend-fake's {@code VirtualClock}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(PoolClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * Adds a listener that receives events from the start.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PoolListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener cannot be null"));
      return this;
    }

    /**
     * Where listeners run, one event at a time. Defaults to a dedicated daemon thread on the system clock, and to
     * the pool's clock when a clock is given (so a virtual clock delivers events deterministically).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "eventExecutor cannot be null");
      return this;
    }

    /**
     * How many undelivered events may queue before new ones are dropped (and counted); at least 1.
     *
     * @param capacity the bound; 10,000 by default
     * @return this builder
     */
    public Builder eventQueueCapacity(int capacity) {
      this.eventQueueCapacity = capacity;
      return this;
    }

    /**
     * The longest time between two control passes (replenishment, recycling, lease expiry); positive. Passes also
     * run whenever something changes.
     *
     * @param interval the interval; 5 seconds by default
     * @return this builder
     */
    public Builder controlInterval(Duration interval) {
      this.controlInterval = Objects.requireNonNull(interval, "controlInterval cannot be null");
      return this;
    }

    /**
     * The hard cap on provisions in flight at once per placement and template; at least 1. Within it the pool sizes
     * the creates in flight from the demand and the observed provisioning latency (Little's law: the warm deficit,
     * plus leases per minute times the minutes a create takes beyond its usual latency), so the cap only stops a
     * runaway. With the default, a placement whose creates take 20 minutes still delivers 5 workers a minute;
     * beyond that new workers also go to the next healthy placement of the geography.
     *
     * @param max the cap; 100 by default
     * @return this builder
     */
    public Builder maxConcurrentProvisions(int max) {
      this.maxConcurrentProvisions = max;
      return this;
    }

    /**
     * How long {@code close()} lets live leases finish before their workers are destroyed; zero or positive.
     *
     * @param grace the grace period; 30 seconds by default
     * @return this builder
     */
    public Builder closeGracePeriod(Duration grace) {
      this.closeGracePeriod = Objects.requireNonNull(grace, "closeGracePeriod cannot be null");
      return this;
    }

    /**
     * How long one deprovision call may take before it counts as failed and is tried again; positive.
     *
     * @param timeout the timeout; 10 minutes by default
     * @return this builder
     */
    public Builder deleteTimeout(Duration timeout) {
      this.deleteTimeout = Objects.requireNonNull(timeout, "deleteTimeout cannot be null");
      return this;
    }

    /**
     * How often the pool lists its providers' inventories and compares them with the workers it knows (it also does
     * at start, and on {@link WorkerPool#reconcile()}): it adopts what it meant to create but never heard back about,
     * deletes tagged resources nobody owns, and replaces workers that vanished.
     *
     * @param interval positive; 5 minutes by default
     * @return this builder
     */
    public Builder reconcileInterval(Duration interval) {
      this.reconcileInterval = Objects.requireNonNull(interval, "reconcileInterval cannot be null");
      return this;
    }

    /**
     * How old an unknown resource tagged with this pool must be (from its creation time, or from when reconciliation
     * first saw it when the provider does not say) before reconciliation adopts or deletes it. Two exceptions: with
     * {@link #keepWarmPool(boolean)}, a previous generation's workers are adopted at once; and a resource the
     * provider lists with the attribute {@code state=deleting} is left to the delete under way for this long before
     * it is deleted again. Keep it at most {@link #reconcileInterval(Duration)} for a restart to clear a crashed
     * generation within one interval.
     *
     * @param grace zero or positive; 10 minutes by default
     * @return this builder
     */
    public Builder orphanGracePeriod(Duration grace) {
      this.orphanGracePeriod = Objects.requireNonNull(grace, "orphanGracePeriod cannot be null");
      return this;
    }

    /**
     * Whether the warm stock survives a restart: {@code close()} keeps idle workers instead of destroying them, and
     * a pool that starts with the same id adopts the previous generation's workers as idle before it provisions new
     * ones (after a health probe when the provider has one). Off by default: a start deletes what a previous
     * generation left. A crashed pool cannot tell which of its workers were leased; with this on they are adopted
     * too, so use it only where a worker that served a job may serve another of the same template.
     *
     * @param keep true to keep
     * @return this builder
     */
    public Builder keepWarmPool(boolean keep) {
      this.keepWarmPool = keep;
      return this;
    }

    /**
     * Shares the pool with other nodes through a store: every node (an orchestrator replica, typically) builds a pool
     * with the same id, templates, placements and providers over the same store, with its own
     * {@link #nodeId(String) node id}. Any node grants and releases leases, each in one store call that takes an idle
     * worker atomically, so no worker is ever granted to two nodes; one node at a time leads and runs the same control
     * loop as a pool without a store (replenishment, recycling, lease expiry, placement health with failover and
     * failback, degraded mode, retries, forecasts and alerts, reconciliation), keeping each placement's health in the
     * store so that the next leader continues from it. Every option of this builder applies in both modes. Without a
     * store (the default) the pool keeps its state in its own memory, for one JVM, on the lock-free fast path.
     *
     * <p>The pool does not close the store. If the store cannot be reached, new grants fail with
     * {@link dev.warmpool.api.StoreUnavailableLeaseException}, leases already granted keep working, releases are kept
     * in memory until the store answers, and the pool recovers by itself.
     *
     * @param store the shared store, e.g. {@code JdbcPoolStore} from store-jdbc, or an {@link InMemoryPoolStore}
     * @return this builder
     */
    public Builder store(PoolStore store) {
      this.store = Objects.requireNonNull(store, "store cannot be null");
      return this;
    }

    /**
     * This node's id among the nodes that share the pool's {@link #store(PoolStore) store}: it names the holder of
     * the leases granted here and the leader. Must be unique among live nodes; a stable id (the host name, a pod
     * name) makes the store's tables easy to read. Defaults to a random id.
     *
     * @param nodeId 1 to 63 letters, digits, '.', '_', ':' or '-'
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId cannot be null");
      return this;
    }

    /**
     * How soon after the leader of a shared pool stops renewing its leadership (it crashed, paused or lost the
     * store) another node takes over. The leader renews every third of it; a smaller value fails over faster and
     * writes to the store more often. Nodes' clocks must agree to well within it.
     *
     * @param timeout at least 3 seconds; 15 seconds by default
     * @return this builder
     */
    public Builder leadershipTimeout(Duration timeout) {
      this.leadershipTimeout = Objects.requireNonNull(timeout, "leadershipTimeout cannot be null");
      return this;
    }

    /**
     * How often lease requests waiting on a node of a shared pool look in the store for workers that became idle on
     * other nodes or were provisioned by the leader (a release on the same node serves them at once).
     *
     * @param interval positive; 1 second by default
     * @return this builder
     */
    public Builder storePollInterval(Duration interval) {
      this.storePollInterval = Objects.requireNonNull(interval, "storePollInterval cannot be null");
      return this;
    }

    /**
     * Where to look for providers registered by name. Defaults to the thread's context class loader.
     *
     * @param loader the class loader
     * @return this builder
     */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "classLoader cannot be null");
      return this;
    }

    /**
     * Checks the configuration, creates the providers registered by name, and starts the pool: it begins filling
     * its warm targets at once.
     *
     * @return the running pool
     * @throws InvalidConfigurationException naming the first option that breaks a rule
     */
    public WorkerPool build() {
      if (poolId == null) {
        throw new InvalidConfigurationException("poolId", "poolId is required");
      }
      if (!ID.matcher(poolId).matches()) {
        throw new InvalidConfigurationException("poolId", "poolId must be 1 to 40 lower-case letters, digits or '-',"
            + " starting with a letter or digit, was " + SafeText.quote(poolId));
      }
      if (!duplicateProviders.isEmpty()) {
        throw new InvalidConfigurationException("providers", "provider " + SafeText.of(duplicateProviders.get(0))
            + " is registered twice; register each name once");
      }
      List<String> providerNames = new ArrayList<>(providerInstances.keySet());
      providerNames.addAll(providerSettings.keySet());
      ConfigRules.check(templates, placements, providerNames);
      checkDurations(); // the upper bounds of every duration option, then each record checks its own rules
      // each rule lives in the record it checks: building them checks them, before anything is created
      PoolLimits limits = new PoolLimits(controlInterval, maxConcurrentProvisions, closeGracePeriod, deleteTimeout,
          reconcileInterval, orphanGracePeriod, eventQueueCapacity, keepWarmPool);
      PlacementHealthPolicy health = new PlacementHealthPolicy(failover, degradedMode, failureWindow, minCalls,
          failureRate, openCooldown, maxOpenCooldown, probeAcceptance, probesToClose, capacityCooldown,
          throttleDefault);
      CallRetryPolicy retries = new CallRetryPolicy(maxAttempts, retryDelay, maxRetryDelay, seed,
          maxRetryAfter);
      ForecastPolicy forecast = new ForecastPolicy(demandSmoothing, forecastHorizons, failureBurst);
      if (store == null && nodeId != null) {
        throw new InvalidConfigurationException("nodeId", "nodeId names a node of a shared pool; set store(...) too,"
            + " or leave nodeId unset");
      }
      NodeSettings node = new NodeSettings(nodeId != null ? nodeId : "node-" + UUID.randomUUID().toString()
          .substring(0, 8), leadershipTimeout, storePollInterval);

      SystemClock owned = clock == null ? new SystemClock(poolId) : null;
      PoolClock c = clock != null ? clock : owned;
      Map<String, WorkerProvider> providers = new LinkedHashMap<>(providerInstances);
      try {
        ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
        for (Map.Entry<String, Map<String, String>> e : providerSettings.entrySet()) {
          ProviderFactory f = providerFactories.containsKey(e.getKey()) ? providerFactories.get(e.getKey())
              : ProviderFactories.find(e.getKey(), loader);
          providers.put(e.getKey(), Objects.requireNonNull(f.create(new ProviderContext(poolId, e.getKey(),
              e.getValue(), c)), () -> "provider factory " + f.getClass().getName() + " returned null"));
        }
        ConfigRules.checkWithProviders(providers, templates, placements);
      } catch (RuntimeException e) {
        closeCreated(providers, owned);
        throw e;
      }
      Executor events = eventExecutor;
      ExecutorService ownedEvents = null;
      if (events == null) {
        if (clock != null) {
          events = r -> c.schedule(Duration.ZERO, r);
        } else {
          ownedEvents = daemonExecutor(poolId);
          events = ownedEvents;
        }
      }
      List<Placement> ordered = new ArrayList<>(placements);
      ordered.sort(Comparator.comparingInt(Placement::preference).thenComparing(Placement::key));
      PoolConfig config = new PoolConfig(poolId, List.copyOf(templates), List.copyOf(ordered), Map.copyOf(providers),
          c, owned, events, ownedEvents, List.copyOf(listeners), limits, health, retries, forecast);
      if (store == null) {
        return new PoolEngine(config);
      }
      try {
        return new PoolEngine(config, store, node);
      } catch (RuntimeException e) {
        closeCreated(providers, owned);
        if (ownedEvents != null) {
          ownedEvents.shutdown();
        }
        throw e;
      }
    }

    /** Closes what a failed build created: the providers it made from settings, and its own clock. */
    private void closeCreated(Map<String, WorkerProvider> providers, SystemClock owned) {
      for (Map.Entry<String, WorkerProvider> p : providers.entrySet()) {
        if (!providerInstances.containsKey(p.getKey())) {
          p.getValue().close();
        }
      }
      if (owned != null) {
        owned.close();
      }
    }

    private static ExecutorService daemonExecutor(String poolId) {
      return Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warmpool-" + poolId + "-events");
        t.setDaemon(true);
        return t;
      });
    }

    /**
     * The range of every duration option, in one place (docs/bad-input.md lists them). The upper bounds are far
     * beyond any useful setting and keep every sum the engine makes with them (a deadline on the clock, a delay in
     * nanoseconds, a doubled cooldown, a grace period plus a delete timeout) far from overflow.
     */
    private void checkDurations() {
      Duration hour = Duration.ofHours(1);
      Duration day = Duration.ofDays(1);
      DurationRange.positiveUpTo(hour).check(controlInterval, "controlInterval");
      DurationRange.upTo(day).check(closeGracePeriod, "closeGracePeriod");
      DurationRange.positiveUpTo(day).check(deleteTimeout, "deleteTimeout");
      DurationRange.positiveUpTo(day).check(reconcileInterval, "reconcileInterval");
      DurationRange.upTo(Duration.ofDays(30)).check(orphanGracePeriod, "orphanGracePeriod");
      DurationRange.positiveUpTo(day).check(failureWindow, "placementHealth.window");
      DurationRange.positiveUpTo(day).check(openCooldown, "openCooldown.initial");
      DurationRange.between(openCooldown, day).minFrom("openCooldown.initial")
          .check(maxOpenCooldown, "openCooldown.max");
      DurationRange.positiveUpTo(day).check(probeAcceptance, "probes.acceptance");
      DurationRange.positiveUpTo(day).check(capacityCooldown, "capacityCooldown");
      DurationRange.positiveUpTo(day).check(throttleDefault, "throttlePause");
      DurationRange.positiveUpTo(hour).check(retryDelay, "retries.delay");
      DurationRange.between(retryDelay, hour).minFrom("retries.delay").check(maxRetryDelay, "retries.maxDelay");
      DurationRange.positiveUpTo(hour).check(maxRetryAfter, "maxRetryAfter");
      DurationRange.positiveUpTo(Duration.ofDays(30)).check(demandSmoothing, "demandSmoothing");
      for (Duration h : forecastHorizons) {
        DurationRange.positiveUpTo(Duration.ofDays(30)).check(h, "forecastHorizons");
      }
      DurationRange.between(Duration.ofSeconds(3), hour).check(leadershipTimeout, "leadershipTimeout");
      DurationRange.positiveUpTo(hour).check(storePollInterval, "storePollInterval");
    }
  }
}
