package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.SafeText;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 * </ul>
 *
 * <p>Determinism: one seeded random generator draws every latency and every fault's rate, in call order. On a
 * {@link VirtualClock} driven by one thread, the same seed, script and calls give the same {@link #calls()} log.
 *
 * <p>Thread-safe: one lock guards the inventory and the log; futures are completed outside it.
 *
 * <p>Finding a cloud from settings: every cloud is registered under its {@link #id()} (weakly: a cloud nobody
 * references can be collected) so that the {@code "fake"} factory can hand a pool the provider of a cloud that a
 * test built, with the setting {@code cloud=<id>}. See {@link FakeProviderFactory}.
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
  private final Map<String, Map<String, Integer>> capacity;
  private final Latency deprovisionLatency;
  private final Latency listLatency;
  private final List<Fault> faults;

  private final Object lock = new Object();
  // everything below is guarded by lock
  private final Random random;
  private final TreeMap<String, Res> inventory = new TreeMap<>();
  private final List<Entry> calls = new ArrayList<>();
  private final Set<String> closedPools = new TreeSet<>();
  private final List<String> externallyDeleted = new ArrayList<>();
  private final double[] bucketTokens;
  private final Instant[] bucketRefilled;
  private long addresses;

  private FakeCloud(Builder b) {
    this.id = b.id != null ? b.id : "fake-cloud-" + IDS.incrementAndGet();
    this.clock = b.clock;
    this.seed = b.seed;
    this.regions = Collections.unmodifiableMap(new LinkedHashMap<>(b.regions));
    Map<String, Map<String, Integer>> cap = new LinkedHashMap<>();
    b.capacity.forEach((r, sizes) -> cap.put(r, Map.copyOf(sizes)));
    this.capacity = Collections.unmodifiableMap(cap);
    this.deprovisionLatency = b.deprovisionLatency;
    this.listLatency = b.listLatency;
    this.faults = List.copyOf(b.faults);
    this.random = new Random(b.seed);
    this.bucketTokens = new double[faults.size()];
    this.bucketRefilled = new Instant[faults.size()];
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

  /** @return the ids of the live registered clouds, sorted */
  public static List<String> registeredIds() {
    REGISTRY.values().removeIf(r -> r.get() == null);
    return List.copyOf(new TreeSet<>(REGISTRY.keySet()));
  }

  // ---- configuration ----

  /** @return the id this cloud is registered under, for the factory's {@code cloud} setting */
  public String id() {
    return id;
  }

  /** @return the clock the cloud schedules its work on */
  public PoolClock clock() {
    return clock;
  }

  /** @return the seed of its random generator */
  public long seed() {
    return seed;
  }

  /** @return the regions, in the order they were defined */
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

  /** @return the fault script, in order */
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
    return new FakeProvider(Objects.requireNonNull(providerName, "providerName cannot be null"), null);
  }

  WorkerProvider provider(String providerName, String poolId) {
    return new FakeProvider(providerName, poolId);
  }

  // ---- inspection ----

  /** @return every resource in the inventory, by id */
  public List<FakeResource> resources() {
    synchronized (lock) {
      return inventory.values().stream().map(Res::view).toList();
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
    synchronized (lock) {
      return inventory.values().stream().filter(r -> r.taggedWith(poolId)).map(Res::view).toList();
    }
  }

  /**
   * One resource.
   *
   * @param resourceId its id
   * @return the resource, if it is in the inventory
   */
  public Optional<FakeResource> resource(String resourceId) {
    synchronized (lock) {
      return Optional.ofNullable(inventory.get(resourceId)).map(Res::view);
    }
  }

  /** @return how many resources the inventory holds, in any state */
  public int inventorySize() {
    synchronized (lock) {
      return inventory.size();
    }
  }

  /** @return every call made, in the order made */
  public List<Call> calls() {
    synchronized (lock) {
      return calls.stream().map(Entry::view).toList();
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
    synchronized (lock) {
      return calls.stream().filter(e -> e.operation == operation && e.region.equals(region) && e.outcome == outcome)
          .count();
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
    synchronized (lock) {
      return calls.stream().filter(e -> e.operation == operation && e.outcome == outcome).count();
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
    synchronized (lock) {
      return calls.stream().filter(e -> e.operation == operation && e.region.equals(region)).count();
    }
  }

  /** @return the pool ids whose provider was closed, sorted */
  public Set<String> closedPools() {
    synchronized (lock) {
      return Set.copyOf(closedPools);
    }
  }

  /**
   * The resources that outlived their pool: tagged with the id of a pool whose provider was closed.
   *
   * @return the leaked resources, by id; empty when nothing leaked
   */
  public List<FakeResource> leakedResources() {
    synchronized (lock) {
      return inventory.values().stream().filter(r -> closedPools.contains(r.tags.get(WorkerTags.POOL)))
          .map(Res::view).toList();
    }
  }

  /** @return the ids of the resources that vanished by external deletion, in order */
  public List<String> externallyDeleted() {
    synchronized (lock) {
      return List.copyOf(externallyDeleted);
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
    synchronized (lock) {
      Res res = inventory.remove(resourceId);
      if (res == null) {
        return false;
      }
      cancel(res.creation);
      cancel(res.deletion);
      for (Waiter<ProvisionedWorker> w : res.createWaiters) {
        cancel(w.deadlineTask);
        fail(Duration.ZERO, w.future, w.entry, ProviderException.transientFailure("OperationCanceled",
            "resource " + res.id + " was deleted while it was being created"));
      }
      res.createWaiters.clear();
      for (Waiter<Void> w : res.deleteWaiters) {
        cancel(w.deadlineTask);
        answer(Duration.ZERO, w.future, w.entry, null, Outcome.SUCCESS, "");
      }
      res.deleteWaiters.clear();
      externallyDeleted.add(resourceId);
      return true;
    }
  }

  @Override
  public String toString() {
    return "FakeCloud[" + id + ", regions=" + regions.keySet() + ", " + inventorySize() + " resources]";
  }

  // ---- the cloud's behaviour ----

  private CompletableFuture<ProvisionedWorker> provision(ProvisionRequest req) {
    Objects.requireNonNull(req, "request cannot be null");
    CompletableFuture<ProvisionedWorker> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      String region = req.placement().region();
      Entry e = log(now, Operation.PROVISION, region, req.poolId(), req.workerId());
      RegionSpec spec = regions.get(region);
      if (spec == null) {
        fail(Duration.ZERO, f, e, unknownRegion(region));
        return f;
      }
      ProviderException rejected = reject(Operation.PROVISION, region, now);
      if (rejected == null) {
        Res existing = inventory.get(resourceId(region, req.poolId(), req.workerId()));
        if (existing != null) {
          join(existing, f, e, req.deadline(), now);
          return f;
        }
        rejected = capacityFailure(region, req.template().size(), now);
      }
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      Duration latency = spec.latency().sample(random);
      boolean hang = false;
      boolean lost = false;
      for (Fault fault : faults) {
        if (!fault.matches(Operation.PROVISION, region, now)) {
          continue;
        }
        switch (fault.kind()) {
          case SLOW -> {
            if (draw(fault)) {
              latency = latency.plus(fault.extraLatencyValue());
            }
          }
          case HANG -> hang |= draw(fault);
          case LOST_RESPONSE -> lost |= draw(fault);
          default -> {
            // rejecting kinds were applied above
          }
        }
      }
      Res res = new Res(resourceId(region, req.poolId(), req.workerId()), region, req, now, nextAddress());
      inventory.put(res.id, res);
      if (!hang) {
        res.readyAt = now.plus(latency);
        res.creation = clock.schedule(latency, () -> created(res));
      }
      if (lost) {
        fail(Duration.ZERO, f, e, ProviderException.transientFailure("LostResponse",
            "the response to the create of " + res.id + " was lost; the create goes on"));
      } else {
        awaitCreation(res, f, e, req.deadline(), now);
      }
    }
    return f;
  }

  private void join(Res res, CompletableFuture<ProvisionedWorker> f, Entry e, Instant deadline, Instant now) {
    switch (res.state) {
      case RUNNING -> answer(Duration.ZERO, f, e, res.worker(), Outcome.SUCCESS, "");
      case CREATING -> awaitCreation(res, f, e, deadline, now);
      case DELETING -> fail(Duration.ZERO, f, e, ProviderException.transientFailure("Conflict",
          "resource " + res.id + " is being deleted"));
    }
  }

  private void awaitCreation(Res res, CompletableFuture<ProvisionedWorker> f, Entry e, Instant deadline,
      Instant now) {
    Waiter<ProvisionedWorker> w = new Waiter<>(f, e);
    res.createWaiters.add(w);
    if (res.readyAt == null || res.readyAt.isAfter(deadline)) {
      w.deadlineTask = clock.schedule(until(now, deadline), () -> timedOut(res.createWaiters, w,
          "the create of " + res.id));
    }
  }

  private void created(Res res) {
    List<Waiter<ProvisionedWorker>> waiters;
    ProvisionedWorker worker;
    synchronized (lock) {
      if (inventory.get(res.id) != res || res.state != ResourceState.CREATING) {
        return;
      }
      res.state = ResourceState.RUNNING;
      res.creation = null;
      waiters = List.copyOf(res.createWaiters);
      res.createWaiters.clear();
      Instant now = clock.now();
      for (Waiter<ProvisionedWorker> w : waiters) {
        cancel(w.deadlineTask);
        w.entry.finish(now, Outcome.SUCCESS, "");
      }
      worker = res.worker();
    }
    for (Waiter<ProvisionedWorker> w : waiters) {
      w.future.complete(worker);
    }
  }

  private CompletableFuture<Void> deprovision(DeprovisionRequest req) {
    Objects.requireNonNull(req, "request cannot be null");
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      String region = req.placement().region();
      Entry e = log(now, Operation.DEPROVISION, region, req.poolId(), req.workerId());
      if (!regions.containsKey(region)) {
        fail(Duration.ZERO, f, e, unknownRegion(region));
        return f;
      }
      ProviderException rejected = reject(Operation.DEPROVISION, region, now);
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      Res res = req.resourceId().map(inventory::get)
          .orElseGet(() -> inventory.get(resourceId(region, req.poolId(), req.workerId())));
      if (res == null) {
        answer(Duration.ZERO, f, e, null, Outcome.NOT_FOUND, "NotFound");
        return f;
      }
      boolean failing = false;
      boolean lost = false;
      for (Fault fault : faults) {
        if (!fault.matches(Operation.DEPROVISION, region, now)) {
          continue;
        }
        switch (fault.kind()) {
          case FAILING_DELETE -> failing |= draw(fault);
          case LOST_RESPONSE -> lost |= draw(fault);
          default -> {
            // rejecting kinds were applied above
          }
        }
      }
      Duration latency = deprovisionLatency.sample(random);
      if (failing) {
        // as on ARM, a delete that will fail still shows the resource as deleting until it does
        res.failingDeletes++;
        clock.schedule(latency, () -> {
          synchronized (lock) {
            res.failingDeletes--;
          }
        });
        fail(latency, f, e, ProviderException.transientFailure("InternalServerError",
            "the delete of " + res.id + " failed"));
        return f;
      }
      if (res.state != ResourceState.DELETING) {
        startDeletion(res, latency, now);
      }
      if (lost) {
        fail(Duration.ZERO, f, e, ProviderException.transientFailure("LostResponse",
            "the response to the delete of " + res.id + " was lost; the delete goes on"));
      } else {
        Waiter<Void> w = new Waiter<>(f, e);
        res.deleteWaiters.add(w);
        if (res.goneAt.isAfter(req.deadline())) {
          w.deadlineTask = clock.schedule(until(now, req.deadline()), () -> timedOut(res.deleteWaiters, w,
              "the delete of " + res.id));
        }
      }
    }
    return f;
  }

  private void startDeletion(Res res, Duration latency, Instant now) {
    res.state = ResourceState.DELETING;
    cancel(res.creation);
    res.creation = null;
    for (Waiter<ProvisionedWorker> w : res.createWaiters) {
      cancel(w.deadlineTask);
      fail(Duration.ZERO, w.future, w.entry, ProviderException.transientFailure("OperationCanceled",
          "resource " + res.id + " was deleted while it was being created"));
    }
    res.createWaiters.clear();
    res.goneAt = now.plus(latency);
    res.deletion = clock.schedule(latency, () -> deleted(res));
  }

  private void deleted(Res res) {
    List<Waiter<Void>> waiters;
    synchronized (lock) {
      if (inventory.get(res.id) != res) {
        return;
      }
      inventory.remove(res.id);
      waiters = List.copyOf(res.deleteWaiters);
      res.deleteWaiters.clear();
      Instant now = clock.now();
      for (Waiter<Void> w : waiters) {
        cancel(w.deadlineTask);
        w.entry.finish(now, Outcome.SUCCESS, "");
      }
    }
    for (Waiter<Void> w : waiters) {
      w.future.complete(null);
    }
  }

  private CompletableFuture<List<ProviderResource>> list(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    CompletableFuture<List<ProviderResource>> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      Entry e = log(now, Operation.LIST, ALL_REGIONS, poolId, "");
      ProviderException rejected = reject(Operation.LIST, ALL_REGIONS, now);
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      clock.schedule(listLatency.sample(random), () -> {
        List<ProviderResource> found;
        synchronized (lock) {
          found = inventory.values().stream().filter(r -> r.taggedWith(poolId)).map(Res::listed).toList();
          e.finish(clock.now(), Outcome.SUCCESS, "");
        }
        f.complete(found);
      });
    }
    return f;
  }

  private CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    if (resource == null) {
      f.complete(false);
      return f;
    }
    clock.schedule(Duration.ZERO, () -> {
      boolean running;
      synchronized (lock) {
        Res res = inventory.get(resource.resourceId());
        running = res != null && res.state == ResourceState.RUNNING;
      }
      f.complete(running);
    });
    return f;
  }

  /** Runs the scripted external deletions; scheduled when the cloud is built. */
  private void start() {
    REGISTRY.put(id, new WeakReference<>(this));
    Instant now = clock.now();
    for (Fault fault : faults) {
      if (fault.kind() == Fault.Kind.EXTERNAL_DELETION) {
        clock.schedule(until(now, fault.start()), () -> externalDeletion(fault));
      }
    }
  }

  private void externalDeletion(Fault fault) {
    synchronized (lock) {
      List<String> running = new ArrayList<>();
      for (Res r : inventory.values()) {
        if (r.state == ResourceState.RUNNING && (fault.region() == null || fault.region().equals(r.region))) {
          running.add(r.id);
        }
      }
      for (int i = 0; i < fault.countValue() && !running.isEmpty(); i++) {
        deleteExternally(running.remove(random.nextInt(running.size())));
      }
    }
  }

  // ---- faults ----

  /** The first control-plane fault (outage, throttling, token bucket) that fires for a call, or null. */
  private ProviderException reject(Operation op, String region, Instant now) {
    String where = region.equals(ALL_REGIONS) ? "the cloud" : region;
    for (int i = 0; i < faults.size(); i++) {
      Fault fault = faults.get(i);
      if (!fault.matches(op, region, now)) {
        continue;
      }
      switch (fault.kind()) {
        case OUTAGE -> {
          if (draw(fault)) {
            return ProviderException.transientFailure("ServiceUnavailable",
                "503: the control plane of " + where + " is unavailable");
          }
        }
        case THROTTLING -> {
          if (draw(fault)) {
            return ProviderException.throttled("TooManyRequests", "429: too many requests to " + where,
                fault.retryAfterValue());
          }
        }
        case TOKEN_BUCKET -> {
          Duration wait = takeToken(i, fault, now);
          if (wait != null) {
            return ProviderException.throttled("TooManyRequests", "429: the write token bucket of " + where
                + " is empty", wait);
          }
        }
        default -> {
          // the other kinds do not reject a call before it reaches the resource
        }
      }
    }
    return null;
  }

  /** Takes a token from a bucket; returns null if there was one, or how long until the next one. */
  private Duration takeToken(int index, Fault fault, Instant now) {
    int burst = fault.burstValue();
    double perSecond = fault.refillPerSecondValue();
    if (bucketRefilled[index] == null) {
      bucketTokens[index] = burst;
    } else {
      double seconds = Duration.between(bucketRefilled[index], now).toNanos() / 1e9;
      bucketTokens[index] = Math.min(burst, bucketTokens[index] + seconds * perSecond);
    }
    bucketRefilled[index] = now;
    if (bucketTokens[index] >= 1.0) {
      bucketTokens[index] -= 1.0;
      return null;
    }
    return Duration.ofMillis((long) Math.ceil((1.0 - bucketTokens[index]) / perSecond * 1000.0));
  }

  /** Capacity per size, then capacity and quota faults, for a provision that would create a resource. */
  private ProviderException capacityFailure(String region, String size, Instant now) {
    Integer max = capacity.getOrDefault(region, Map.of()).get(size);
    if (max != null && count(region, size) >= max) {
      return ProviderException.capacity("AllocationFailed", "no capacity left for size " + size + " in "
          + region + " (" + max + " in use)");
    }
    for (Fault fault : faults) {
      if (!fault.matches(Operation.PROVISION, region, now)) {
        continue;
      }
      if (fault.kind() == Fault.Kind.CAPACITY && (fault.sizeValue() == null || fault.sizeValue().equals(size))
          && draw(fault)) {
        return ProviderException.capacity(fault.codeValue(), fault.codeValue() + ": size " + size
            + " cannot be allocated in " + region);
      }
      if (fault.kind() == Fault.Kind.QUOTA && count(fault.region(), null) >= fault.limitValue()) {
        return ProviderException.capacity("QuotaExceeded", "QuotaExceeded: the quota of " + fault.limitValue()
            + " resources in " + (fault.region() == null ? "the cloud" : fault.region()) + " is used up");
      }
    }
    return null;
  }

  private int count(String region, String size) {
    int n = 0;
    for (Res r : inventory.values()) {
      if ((region == null || r.region.equals(region)) && (size == null || r.size.equals(size))) {
        n++;
      }
    }
    return n;
  }

  private boolean draw(Fault fault) {
    double rate = fault.rate();
    if (rate >= 1.0) {
      return true;
    }
    return rate > 0.0 && random.nextDouble() < rate;
  }

  // ---- helpers ----

  private Entry log(Instant now, Operation op, String region, String poolId, String workerId) {
    Entry e = new Entry(now, op, region, poolId, workerId);
    calls.add(e);
    return e;
  }

  private <T> void answer(Duration delay, CompletableFuture<T> f, Entry e, T value, Outcome outcome, String code) {
    clock.schedule(delay, () -> {
      synchronized (lock) {
        e.finish(clock.now(), outcome, code);
      }
      f.complete(value);
    });
  }

  private void fail(Duration delay, CompletableFuture<?> f, Entry e, ProviderException ex) {
    clock.schedule(delay, () -> {
      synchronized (lock) {
        e.finish(clock.now(), Outcome.of(ex.kind()), ex.code());
      }
      f.completeExceptionally(ex);
    });
  }

  private <T> void timedOut(List<Waiter<T>> waiters, Waiter<T> w, String what) {
    ProviderException ex = ProviderException.transientFailure("OperationTimedOut",
        what + " did not finish by the request's deadline; it goes on in the cloud");
    synchronized (lock) {
      if (!waiters.remove(w)) {
        return;
      }
      w.entry.finish(clock.now(), Outcome.TRANSIENT, ex.code());
    }
    w.future.completeExceptionally(ex);
  }

  private static ProviderException unknownRegion(String region) {
    return ProviderException.invalid("LocationNotAvailableForResourceType",
        "region \"" + region + "\" is not a region of this fake cloud");
  }

  private static Duration until(Instant now, Instant deadline) {
    return deadline.isAfter(now) ? Duration.between(now, deadline) : Duration.ZERO;
  }

  private static void cancel(PoolClock.Scheduled task) {
    if (task != null) {
      task.cancel();
    }
  }

  private static String resourceId(String region, String poolId, String workerId) {
    return "fake:" + region + "/" + poolId + "/" + workerId;
  }

  private String nextAddress() {
    long n = ++addresses;
    return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  private record RegionSpec(String name, String geography, Latency latency) {}

  /** One resource; mutable, guarded by the cloud's lock. */
  private static final class Res {
    final String id;
    final String region;
    final String poolId;
    final String workerId;
    final String size;
    final Map<String, String> tags;
    final Instant createdAt;
    final String address;
    ResourceState state = ResourceState.CREATING;
    /** Deletes under way that will fail; the resource lists as deleting meanwhile. Guarded by the cloud's lock. */
    int failingDeletes;
    Instant readyAt;
    Instant goneAt;
    PoolClock.Scheduled creation;
    PoolClock.Scheduled deletion;
    final List<Waiter<ProvisionedWorker>> createWaiters = new ArrayList<>();
    final List<Waiter<Void>> deleteWaiters = new ArrayList<>();

    Res(String id, String region, ProvisionRequest req, Instant createdAt, String address) {
      this.id = id;
      this.region = region;
      this.poolId = req.poolId();
      this.workerId = req.workerId();
      this.size = req.template().size();
      this.tags = req.tags();
      this.createdAt = createdAt;
      this.address = address;
    }

    boolean taggedWith(String pool) {
      return pool.equals(tags.get(WorkerTags.POOL));
    }

    Map<String, String> attributes() {
      return Map.of("ip", address, "region", region, "name", workerId + "-" + region);
    }

    ProvisionedWorker worker() {
      return new ProvisionedWorker(id, attributes());
    }

    ProviderResource listed() {
      Map<String, String> attributes = new LinkedHashMap<>(attributes());
      attributes.put("state", failingDeletes > 0 ? ResourceState.DELETING.attribute() : state.attribute());
      return new ProviderResource(id, region, tags, Optional.of(createdAt), attributes);
    }

    FakeResource view() {
      return new FakeResource(id, region, poolId, workerId, size, tags, createdAt, state);
    }
  }

  /** A caller waiting for a resource's creation or deletion. */
  private static final class Waiter<T> {
    final CompletableFuture<T> future;
    final Entry entry;
    PoolClock.Scheduled deadlineTask;

    Waiter(CompletableFuture<T> future, Entry entry) {
      this.future = future;
      this.entry = entry;
    }
  }

  /** One call log entry; mutable until the call completes, guarded by the cloud's lock. */
  private static final class Entry {
    final Instant at;
    final Operation operation;
    final String region;
    final String poolId;
    final String workerId;
    Outcome outcome = Outcome.PENDING;
    String code = "";
    Instant completedAt;

    Entry(Instant at, Operation operation, String region, String poolId, String workerId) {
      this.at = at;
      this.operation = operation;
      this.region = region;
      this.poolId = poolId;
      this.workerId = workerId;
    }

    void finish(Instant when, Outcome result, String errorCode) {
      if (completedAt == null) {
        outcome = result;
        code = errorCode;
        completedAt = when;
      }
    }

    Call view() {
      return new Call(at, operation, region, poolId, workerId, outcome, code, Optional.ofNullable(completedAt));
    }
  }

  /** The SPI view of the cloud for one pool (or several). */
  private final class FakeProvider implements WorkerProvider, WorkerHealthProbe {
    private final String name;
    private final Set<String> pools = ConcurrentHashMap.newKeySet();

    FakeProvider(String name, String poolId) {
      this.name = name;
      if (poolId != null) {
        pools.add(poolId);
      }
    }

    /** A placement must be in one of the cloud's regions. */
    @Override
    public void validate(Placement placement) {
      RegionSpec spec = regions.get(Objects.requireNonNull(placement, "placement cannot be null").region());
      if (spec == null) {
        throw new InvalidConfigurationException("placements", "placement " + placement.key() + " is in region "
            + SafeText.quote(placement.region()) + ", which this fake cloud does not serve; its regions: "
            + regions.keySet());
      }
    }

    @Override
    public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
      pools.add(Objects.requireNonNull(request, "request cannot be null").poolId());
      return FakeCloud.this.provision(request);
    }

    @Override
    public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
      pools.add(Objects.requireNonNull(request, "request cannot be null").poolId());
      return FakeCloud.this.deprovision(request);
    }

    @Override
    public CompletableFuture<List<ProviderResource>> list(String poolId) {
      pools.add(Objects.requireNonNull(poolId, "poolId cannot be null"));
      return FakeCloud.this.list(poolId);
    }

    @Override
    public CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
      return FakeCloud.this.isHealthy(resource);
    }

    /** Marks every pool this provider served as closed; the cloud's leak check looks at their resources. */
    @Override
    public void close() {
      synchronized (lock) {
        closedPools.addAll(pools);
      }
    }

    @Override
    public String toString() {
      return "FakeProvider[" + name + " on " + id + "]";
    }
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
      if (regions.isEmpty()) {
        throw new InvalidConfigurationException("regions", "regions must hold at least one region: call "
            + "region(name, geography)");
      }
      if (!duplicateRegions.isEmpty()) {
        throw new InvalidConfigurationException("regions", "regions must be unique, were defined twice: "
            + duplicateRegions);
      }
      for (RegionSpec r : regions.values()) {
        if (r.name().isBlank() || r.geography().isBlank()) {
          throw new InvalidConfigurationException("regions", "region name and geography must not be blank, were \""
              + r.name() + "\" and \"" + r.geography() + "\"");
        }
      }
      capacity.forEach((region, sizes) -> {
        if (!regions.containsKey(region)) {
          throw new InvalidConfigurationException("capacity[" + region + "].region",
              "capacity region must be one of " + regions.keySet() + ", was \"" + region + "\"");
        }
        sizes.forEach((size, max) -> {
          if (max < 0) {
            throw new InvalidConfigurationException("capacity[" + region + "/" + size + "]",
                "capacity of " + size + " in " + region + " must be zero or positive, was " + max);
          }
        });
      });
      for (int i = 0; i < faults.size(); i++) {
        faults.get(i).validate("faults[" + i + "]", regions.keySet());
      }
      FakeCloud cloud = new FakeCloud(this);
      cloud.start();
      return cloud;
    }
  }
}
