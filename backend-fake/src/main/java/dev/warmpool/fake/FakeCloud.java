package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory cloud for tests: regions grouped in geographies, each with a provisioning latency and a capacity per
 * size, an inventory of tagged resources, a script of {@link Fault}s, and a log of every call. It serves the SPI
 * through {@link #provider()} (hand it to a pool as an instance) and through the {@code "fake"}
 * {@link FakeProviderFactory} found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * FakeCloud cloud = FakeCloud.builder()
 *     .seed(42)
 *     .clock(clock)
 *     .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
 *     .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
 *     .capacity("northeurope", "Standard_D2s_v5", 100)
 *     .fault(Faults.outage("westeurope").from(clock.now().plus(Duration.ofHours(2))).failureRate(0.9))
 *     .build();
 * WorkerProvider provider = cloud.provider();
 * }</pre>
 *
 * <p>Behaviour, as a real cloud's:
 * <ul>
 *   <li>All work is scheduled on the clock: a call's future completes in a clock task, never on the caller's
 *       thread, after the operation's latency (immediately for a rejected call).</li>
 *   <li>{@code provision} is idempotent on (region, pool id, worker id): a second call for a resource that exists
 *       answers with it, or waits for its creation; it never makes a second one. The resource carries the
 *       request's tags, its id is {@code fake:<region>/<poolId>/<workerId>} and its creation time is recorded.</li>
 *   <li>A provision that would finish after the request's deadline fails at the deadline, TRANSIENT, code
 *       {@code OperationTimedOut}; the resource is still created when its latency has passed, for reconciliation
 *       to find.</li>
 *   <li>{@code deprovision} of a resource that does not exist succeeds (the log records {@link Outcome#NOT_FOUND});
 *       deleting a resource that is being created cancels the creation (its callers fail TRANSIENT,
 *       {@code OperationCanceled}).</li>
 *   <li>{@code list(poolId)} returns every resource tagged with the pool id in every region, whatever its state
 *       (attribute {@code state}: {@code creating}, {@code running} or {@code deleting}).</li>
 *   <li>A provision fails CAPACITY, {@code AllocationFailed}, when the region already holds its
 *       {@link Builder#capacity capacity} of the size (resources in any state count).</li>
 *   <li>An unknown region fails INVALID, code {@code LocationNotAvailableForResourceType}.</li>
 *   <li>Closing a provider marks the pools it served as closed: what they left is {@link #leakedResources()},
 *       except what a pool declared keep-warm ({@link #declareKeepWarm(String)}) kept on purpose.</li>
 * </ul>
 *
 * <p>Faults: see {@link Fault} for how overlapping faults combine (their shares add up) and the order a call meets
 * them; {@link Faults} makes them.
 *
 * <p>Determinism: one seeded random generator draws every latency and every fault's rate, in call order. On a
 * {@link VirtualClock} driven by one thread, the same seed, script and calls give the same {@link #calls()} log.
 *
 * <p>Design: this class is the cloud's public face and its builder. A {@code ControlPlane} answers the SPI's calls
 * on the clock, an {@code Inventory} holds the resources and what the cloud knows of their pools, a
 * {@code FaultEngine} applies the script, and a {@code CallLog} records every call.
 *
 * <p>Thread-safe: one lock guards the inventory, the log and the fault engine; futures are completed outside it.
 *
 * <p>Finding a cloud from settings: every cloud is registered under its {@link #id()} (weakly: a cloud nobody
 * references can be collected) so that the {@code "fake"} factory can hand a pool the provider of a cloud that a
 * test built, with the setting {@code cloud=<id>}. See {@link FakeProviderFactory}.
 *
 * @since 0.1
 */
public final class FakeCloud {
  /** The provider name of {@link #provider()} and of the {@link FakeProviderFactory}: {@value}. */
  public static final String DEFAULT_PROVIDER_NAME = "fake";
  /** The region the call log records for a {@code list}, which visits every region: {@value}. */
  public static final String ALL_REGIONS = "*";
  /** The provisioning latency of a region defined without one: 3 to 20 minutes, as VMs take. */
  public static final Latency DEFAULT_PROVISION_LATENCY = Latency.uniform(Duration.ofMinutes(3),
      Duration.ofMinutes(20));
  /** The default time a delete takes: one minute. */
  public static final Latency DEFAULT_DEPROVISION_LATENCY = Latency.fixed(Duration.ofMinutes(1));
  /** The default time a list takes: one second. */
  public static final Latency DEFAULT_LIST_LATENCY = Latency.fixed(Duration.ofSeconds(1));

  private static final Map<String, WeakReference<FakeCloud>> REGISTRY = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final PoolClock clock;
  private final long seed;
  private final Map<String, RegionSpec> regions;
  private final List<Fault> faults;
  private final ControlPlane plane;

  private FakeCloud(Builder b) {
    this.id = b.id != null ? b.id : "fake-cloud-" + IDS.incrementAndGet();
    this.clock = b.clock;
    this.seed = b.seed;
    this.regions = Collections.unmodifiableMap(new LinkedHashMap<>(b.regions));
    Map<String, Map<String, Integer>> cap = new LinkedHashMap<>();
    b.capacity.forEach((r, sizes) -> cap.put(r, Map.copyOf(sizes)));
    this.faults = List.copyOf(b.faults);
    this.plane = new ControlPlane(clock, seed, regions, Collections.unmodifiableMap(cap), b.deprovisionLatency,
        b.listLatency, faults);
  }

  /**
   * Starts a cloud.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The live cloud registered under an id.
   *
   * @param id a cloud's {@link #id()}
   * @return the cloud, if it was built and is still referenced
   * @throws NullPointerException if id is null
   */
  public static Optional<FakeCloud> registered(String id) {
    WeakReference<FakeCloud> ref = REGISTRY.get(Objects.requireNonNull(id, "id cannot be null"));
    return Optional.ofNullable(ref == null ? null : ref.get());
  }

  /** {@return the ids of the live registered clouds, sorted} */
  public static List<String> registeredIds() {
    REGISTRY.values().removeIf(r -> r.get() == null);
    return List.copyOf(new TreeSet<>(REGISTRY.keySet()));
  }

  // ---- configuration ----

  /** {@return the id this cloud is registered under, for the factory's {@code cloud} setting} */
  public String id() {
    return id;
  }

  /** {@return the clock the cloud schedules its work on} */
  public PoolClock clock() {
    return clock;
  }

  /** {@return the seed of its random generator} */
  public long seed() {
    return seed;
  }

  /** {@return the regions, in the order they were defined} */
  public List<String> regions() {
    return List.copyOf(regions.keySet());
  }

  /**
   * The geography of a region.
   *
   * @param region a region of this cloud
   * @return its geography
   * @throws IllegalArgumentException if the cloud has no such region
   */
  public String geography(String region) {
    RegionSpec spec = regions.get(region);
    if (spec == null) {
      throw new IllegalArgumentException("region must be one of " + regions.keySet() + ", was \"" + region + "\"");
    }
    return spec.geography();
  }

  /**
   * The placements of every region, for the provider name {@value #DEFAULT_PROVIDER_NAME}, preferred in the order
   * the regions were defined.
   *
   * @return one placement per region
   */
  public List<Placement> placements() {
    return placements(DEFAULT_PROVIDER_NAME);
  }

  /**
   * The placements of every region for a provider name, preferred in the order the regions were defined.
   *
   * @param providerName the name the provider is registered under in the pool
   * @return one placement per region
   */
  public List<Placement> placements(String providerName) {
    Objects.requireNonNull(providerName, "providerName cannot be null");
    List<Placement> out = new ArrayList<>();
    int preference = 0;
    for (RegionSpec r : regions.values()) {
      out.add(new Placement(providerName, r.name(), r.geography(), preference++));
    }
    return out;
  }

  /** {@return the fault script, in order} */
  public List<Fault> faults() {
    return faults;
  }

  // ---- the SPI ----

  /**
   * A provider for this cloud, named {@value #DEFAULT_PROVIDER_NAME}. When it is closed, the cloud remembers the
   * pools it served as closed ({@link #closedPools()}).
   *
   * @return a new provider; thread-safe
   */
  public WorkerProvider provider() {
    return provider(DEFAULT_PROVIDER_NAME);
  }

  /**
   * A provider for this cloud under another name (for a pool with several fake providers).
   *
   * @param providerName the name it is registered under in the pool
   * @return a new provider; thread-safe
   */
  public WorkerProvider provider(String providerName) {
    return new FakeProvider(Objects.requireNonNull(providerName, "providerName cannot be null"), id, plane, null);
  }

  WorkerProvider provider(String providerName, String poolId) {
    return new FakeProvider(providerName, id, plane, poolId);
  }

  // ---- inspection ----

  /** {@return every resource in the inventory, by id} */
  public List<FakeResource> resources() {
    synchronized (plane.lock) {
      return plane.inventory.all().stream().map(CloudResource::view).toList();
    }
  }

  /**
   * The resources tagged with a pool id.
   *
   * @param poolId the {@link WorkerTags#POOL} tag's value
   * @return the resources, by id
   */
  public List<FakeResource> resources(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    synchronized (plane.lock) {
      return plane.inventory.taggedWith(poolId).stream().map(CloudResource::view).toList();
    }
  }

  /**
   * One resource.
   *
   * @param resourceId its id
   * @return the resource, if it is in the inventory
   */
  public Optional<FakeResource> resource(String resourceId) {
    synchronized (plane.lock) {
      return Optional.ofNullable(plane.inventory.get(resourceId)).map(CloudResource::view);
    }
  }

  /** {@return how many resources the inventory holds, in any state} */
  public int inventorySize() {
    synchronized (plane.lock) {
      return plane.inventory.size();
    }
  }

  /** {@return every call made, in the order made} */
  public List<Call> calls() {
    synchronized (plane.lock) {
      return plane.calls.views();
    }
  }

  /**
   * Counts calls.
   *
   * @param operation which call
   * @param region the region, or {@link #ALL_REGIONS} for lists
   * @param outcome what the cloud answered
   * @return how many such calls were made
   */
  public long callCount(Operation operation, String region, Outcome outcome) {
    synchronized (plane.lock) {
      return plane.calls.count(e -> e.operation == operation && e.region.equals(region) && e.outcome == outcome);
    }
  }

  /**
   * Counts calls in every region.
   *
   * @param operation which call
   * @param outcome what the cloud answered
   * @return how many such calls were made
   */
  public long callCount(Operation operation, Outcome outcome) {
    synchronized (plane.lock) {
      return plane.calls.count(e -> e.operation == operation && e.outcome == outcome);
    }
  }

  /**
   * Counts calls to a region, whatever their outcome.
   *
   * @param operation which call
   * @param region the region, or {@link #ALL_REGIONS} for lists
   * @return how many such calls were made
   */
  public long callCount(Operation operation, String region) {
    synchronized (plane.lock) {
      return plane.calls.count(e -> e.operation == operation && e.region.equals(region));
    }
  }

  /** {@return the pool ids whose provider was closed, sorted} */
  public Set<String> closedPools() {
    synchronized (plane.lock) {
      return plane.inventory.closedPools();
    }
  }

  /**
   * Tells the cloud that a pool keeps its warm stock when it closes, as a pool built with
   * {@code keepWarmPool(true)} does: when a provider of that pool closes, the resources of the pool that are
   * running with no delete under way are kept on purpose ({@link #keptResources()}), not leaked. The pool does not
   * tell its provider about the option, so the test says it here (or with the factory setting
   * {@code keepWarmPool=true}). A later close of the pool decides again from what is running then.
   *
   * @param poolId the pool's id ({@link WorkerTags#POOL})
   * @throws NullPointerException if poolId is null
   */
  public void declareKeepWarm(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    synchronized (plane.lock) {
      plane.inventory.declareKeepWarm(poolId);
    }
  }

  /** {@return the pools declared with {@link #declareKeepWarm(String)}} */
  public Set<String> keepWarmPools() {
    synchronized (plane.lock) {
      return plane.inventory.keepWarmPools();
    }
  }

  /**
   * The resources that outlived their pool by mistake: tagged with the id of a pool whose provider was closed, and
   * not kept on purpose ({@link #keptResources()}). For a pool declared keep-warm, a resource still creating or
   * deleting when the pool closed, one whose delete was failing, and one made by a call after the close are leaks.
   *
   * @return the leaked resources, by id; empty when nothing leaked
   */
  public List<FakeResource> leakedResources() {
    synchronized (plane.lock) {
      return plane.inventory.leaked();
    }
  }

  /**
   * The resources a keep-warm pool ({@link #declareKeepWarm(String)}) left on purpose when it closed: those that
   * were running, with no delete under way, at the last close of one of the pool's providers, and are still in the
   * inventory. The next start of the pool adopts them.
   *
   * @return the kept resources, by id
   */
  public List<FakeResource> keptResources() {
    synchronized (plane.lock) {
      return plane.inventory.kept();
    }
  }

  /**
   * How many calls a token bucket admitted in one region: a token bucket keeps a bucket per region, so the count
   * is never above {@code burst + refillPerSecond * seconds} since the region's first call (see
   * {@link Fault#tokenBudget(Duration)}). Compare it, or the write count of {@link #callCount}, with that budget.
   *
   * @param bucket a {@link Faults#writeTokenBucket()} fault of this cloud's script (the same instance)
   * @param region a region, or {@link #ALL_REGIONS} for the lists a cloud-wide bucket that affects lists admitted
   * @return how many calls it admitted there
   * @throws IllegalArgumentException if bucket is not a token bucket of this cloud's script
   */
  public long admittedCalls(Fault bucket, String region) {
    Objects.requireNonNull(bucket, "bucket cannot be null");
    Objects.requireNonNull(region, "region cannot be null");
    synchronized (plane.lock) {
      return plane.faultEngine.admitted(bucket, region);
    }
  }

  /**
   * How many calls a token bucket admitted in every region together.
   *
   * @param bucket a {@link Faults#writeTokenBucket()} fault of this cloud's script (the same instance)
   * @return how many calls it admitted
   * @throws IllegalArgumentException if bucket is not a token bucket of this cloud's script
   */
  public long admittedCalls(Fault bucket) {
    Objects.requireNonNull(bucket, "bucket cannot be null");
    synchronized (plane.lock) {
      return plane.faultEngine.admitted(bucket);
    }
  }

  /**
   * How many calls a token bucket refused (429) in one region.
   *
   * @param bucket a {@link Faults#writeTokenBucket()} fault of this cloud's script (the same instance)
   * @param region a region, or {@link #ALL_REGIONS}
   * @return how many calls it refused there
   * @throws IllegalArgumentException if bucket is not a token bucket of this cloud's script
   */
  public long refusedCalls(Fault bucket, String region) {
    Objects.requireNonNull(bucket, "bucket cannot be null");
    Objects.requireNonNull(region, "region cannot be null");
    synchronized (plane.lock) {
      return plane.faultEngine.refused(bucket, region);
    }
  }

  /** {@return the ids of the resources that vanished by external deletion, in order} */
  public List<String> externallyDeleted() {
    synchronized (plane.lock) {
      return plane.inventory.externallyDeleted();
    }
  }

  /**
   * Deletes a resource behind the pool's back, as an operator or a policy might: it leaves the inventory at once.
   * A provision still waiting for it fails TRANSIENT ({@code OperationCanceled}); a delete waiting for it succeeds.
   *
   * @param resourceId the resource's id
   * @return true if it was in the inventory
   */
  public boolean deleteExternally(String resourceId) {
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    synchronized (plane.lock) {
      return plane.deleteExternally(resourceId);
    }
  }

  @Override
  public String toString() {
    return "FakeCloud[" + id + ", regions=" + regions.keySet() + ", " + inventorySize() + " resources]";
  }

  /** Registers the cloud and schedules its scripted external deletions; called once by the builder. */
  private void start() {
    REGISTRY.put(id, new WeakReference<>(this));
    plane.start();
  }

  /**
   * Builds a {@link FakeCloud}. Null arguments fail at the setter; every other rule is checked by {@link #build()},
   * whatever the call order, with an {@link InvalidConfigurationException} that names the option. Not thread-safe.
   */
  public static final class Builder {
    private String id;
    private long seed;
    private PoolClock clock;
    private final Map<String, RegionSpec> regions = new LinkedHashMap<>();
    private final List<String> duplicateRegions = new ArrayList<>();
    private final Map<String, Map<String, Integer>> capacity = new LinkedHashMap<>();
    private Latency deprovisionLatency = DEFAULT_DEPROVISION_LATENCY;
    private Latency listLatency = DEFAULT_LIST_LATENCY;
    private final List<Fault> faults = new ArrayList<>();

    private Builder() {}

    /**
     * The id the cloud is registered under, for the factory's {@code cloud} setting; {@code fake-cloud-<n>} when
     * not set. A later cloud with the same id replaces the earlier one in the registry.
     *
     * @param id letters, digits, '.', '_' or '-'
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id cannot be null");
      return this;
    }

    /**
     * The seed of the random generator that draws latencies and fault rates; 0 by default.
     *
     * @param seed any value
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The clock the cloud schedules its work on; required. Give it the pool's clock (usually a
     * {@link VirtualClock}).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(PoolClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
      return this;
    }

    /**
     * Adds a region with the default provisioning latency ({@link #DEFAULT_PROVISION_LATENCY}).
     *
     * @param name the region's id, e.g. {@code westeurope}
     * @param geography its geography, e.g. {@code eu}
     * @return this builder
     */
    public Builder region(String name, String geography) {
      return region(name, geography, DEFAULT_PROVISION_LATENCY);
    }

    /**
     * Adds a region.
     *
     * @param name the region's id, e.g. {@code westeurope}; unique
     * @param geography its geography, e.g. {@code eu}
     * @param provisionLatency how long a provision takes there
     * @return this builder
     */
    public Builder region(String name, String geography, Latency provisionLatency) {
      Objects.requireNonNull(name, "region name cannot be null");
      Objects.requireNonNull(geography, "geography cannot be null");
      Objects.requireNonNull(provisionLatency, "provisionLatency cannot be null");
      if (regions.put(name, new RegionSpec(name, geography, provisionLatency)) != null) {
        duplicateRegions.add(name);
      }
      return this;
    }

    /**
     * How many resources of a size a region can hold (in any state); unlimited when not set. A provision beyond it
     * fails CAPACITY, code {@code AllocationFailed}.
     *
     * @param region a region added with {@link #region}
     * @param size a template size ({@link dev.warmpool.api.WorkerTemplate#size()})
     * @param max zero or positive
     * @return this builder
     */
    public Builder capacity(String region, String size, int max) {
      Objects.requireNonNull(region, "region cannot be null");
      Objects.requireNonNull(size, "size cannot be null");
      capacity.computeIfAbsent(region, r -> new LinkedHashMap<>()).put(size, max);
      return this;
    }

    /**
     * How long a delete takes; {@link #DEFAULT_DEPROVISION_LATENCY} by default.
     *
     * @param latency the latency
     * @return this builder
     */
    public Builder deprovisionLatency(Latency latency) {
      this.deprovisionLatency = Objects.requireNonNull(latency, "deprovisionLatency cannot be null");
      return this;
    }

    /**
     * How long a list takes; {@link #DEFAULT_LIST_LATENCY} by default.
     *
     * @param latency the latency
     * @return this builder
     */
    public Builder listLatency(Latency latency) {
      this.listLatency = Objects.requireNonNull(latency, "listLatency cannot be null");
      return this;
    }

    /**
     * Adds a fault to the script.
     *
     * @param fault made with {@link Faults}
     * @return this builder
     */
    public Builder fault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault cannot be null"));
      return this;
    }

    /**
     * Adds faults to the script, in order.
     *
     * @param faults made with {@link Faults}
     * @return this builder
     */
    public Builder faults(Fault... faults) {
      for (Fault f : Objects.requireNonNull(faults, "faults cannot be null")) {
        fault(f);
      }
      return this;
    }

    /**
     * Checks the configuration and builds the cloud; the cloud registers itself under its id and schedules its
     * scripted external deletions on the clock.
     *
     * @return the cloud
     * @throws InvalidConfigurationException naming the option that breaks a rule: no clock, no region, a blank or
     *     duplicate region, a capacity for an unknown region or below zero, a fault with an unknown region, a window
     *     that ends before it starts, a rate outside 0.0 to 1.0
     */
    public FakeCloud build() {
      if (clock == null) {
        throw new InvalidConfigurationException("clock", "clock is required: pass the pool's clock, e.g. a "
            + "VirtualClock");
      }
      if (id != null && !id.matches("[A-Za-z0-9._-]+")) {
        throw new InvalidConfigurationException("id", "id must be letters, digits, '.', '_' or '-', was \""
            + id + "\"");
      }
      RegionSpec.check(regions, duplicateRegions, capacity);
      for (int i = 0; i < faults.size(); i++) {
        faults.get(i).validate("faults[" + i + "]", regions.keySet());
      }
      FakeCloud cloud = new FakeCloud(this);
      cloud.start();
      return cloud;
    }
  }
}
