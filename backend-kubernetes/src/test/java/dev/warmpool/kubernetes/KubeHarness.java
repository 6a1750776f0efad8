package dev.warmpool.kubernetes;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A real pool (pool-core's public {@link WorkerPools} builder) with the "kubernetes" provider against two
 * {@link FakeCluster}s, east (preferred) and west, on a {@link VirtualClock}. The provider is made by the production
 * {@link KubernetesProviderFactory}, wrapped only to count the pool's calls and to see the provider.
 *
 * <p>Time moves only while the provider has no API call running, so every pending piece of work is a wait on the
 * clock and jumping to the next one is what a real clock would do, only faster. The only wall time spent is that of
 * the HTTP calls to the mock servers.
 */
final class KubeHarness implements AutoCloseable {
  static final String POOL_ID = "ci-pool";
  static final String TOKEN = "sekrit-token-5b1e9f";
  static final Placement EAST = new Placement(KubernetesProviderFactory.NAME, "east", "eu", 0);
  static final Placement WEST = new Placement(KubernetesProviderFactory.NAME, "west", "eu", 1);

  final FakeCluster east;
  final FakeCluster west;
  final VirtualClock clock;
  final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  final AtomicInteger provisionCalls = new AtomicInteger();
  final AtomicInteger deprovisionCalls = new AtomicInteger();
  volatile KubernetesWorkerProvider provider;
  WorkerPool pool;

  KubeHarness() {
    this(new FakeCluster(), new FakeCluster(), VirtualClock.DEFAULT_START);
  }

  /**
   * A harness on clusters that outlive it (a restart: the next pool sees what the last one left), its clock starting
   * at {@code start} (a restart happens later than the last start: the pool's generation comes from its clock).
   */
  KubeHarness(FakeCluster east, FakeCluster west, Instant start) {
    this.east = east;
    this.west = west;
    this.clock = new VirtualClock(start);
  }

  static WorkerTemplate template(int warm, int max) {
    return WorkerTemplate.builder("runner")
        .providerProperty("image", "ghcr.io/actions/actions-runner:2.321.0")
        .providerProperty("command", "/home/runner/run.sh --once")
        .providerProperty("cpu", "500m")
        .providerProperty("memory", "1Gi")
        .providerProperty("secretEnv.RUNNER_TOKEN", "runner-token/token")
        .providerProperty("env.RUNNER_LABELS", "linux,x64")
        .providerProperty("nodeSelector.kubernetes.io/os", "linux")
        .providerProperty("toleration.0", "dedicated=ci:NoSchedule")
        .providerProperty("label.team", "build")
        .warmTarget(warm).maxTotal(max).build();
  }

  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("cluster.east.url", east.url());
    s.put("cluster.east.namespace", FakeCluster.NAMESPACE);
    s.put("cluster.east.token", TOKEN);
    s.put("cluster.west.url", west.url());
    s.put("cluster.west.namespace", FakeCluster.NAMESPACE);
    s.put("cluster.west.token", TOKEN);
    s.put("pollInterval", "PT2S");
    s.put("unschedulableTimeout", "PT1M");
    s.put("deleteGracePeriod", "PT10S");
    s.put("requestTimeout", "PT10S");
    s.put("listPageSize", "2");
    return s;
  }

  /** Builds and starts a pool with one template on east (preferred) and west. */
  WorkerPool start(WorkerTemplate template, UnaryOperator<WorkerPools.Builder> options) {
    pool = options.apply(WorkerPools.builder()
        .poolId(POOL_ID)
        .clock(clock)
        .template(template)
        .placement(EAST)
        .placement(WEST)
        .provider(KubernetesProviderFactory.NAME, factory(), settings())
        .listener(events::add))
        .build();
    return pool;
  }

  /** The production factory, wrapped so the test sees the provider and counts calls. */
  ProviderFactory factory() {
    KubernetesProviderFactory real = new KubernetesProviderFactory();
    return new ProviderFactory() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      public WorkerProvider create(ProviderContext context) {
        KubernetesWorkerProvider p = (KubernetesWorkerProvider) real.create(context);
        provider = p;
        return new Counting(p);
      }
    };
  }

  /** Counts the pool's calls; everything else goes to the provider, health probes included. */
  private final class Counting implements WorkerProvider, WorkerHealthProbe {
    private final KubernetesWorkerProvider delegate;

    Counting(KubernetesWorkerProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
      provisionCalls.incrementAndGet();
      return delegate.provision(request);
    }

    @Override
    public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
      deprovisionCalls.incrementAndGet();
      return delegate.deprovision(request);
    }

    @Override
    public CompletableFuture<List<ProviderResource>> list(String poolId) {
      return delegate.list(poolId);
    }

    @Override
    public void validate(WorkerTemplate template) {
      delegate.validate(template);
    }

    @Override
    public CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
      return delegate.isHealthy(resource);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Drives the clock until the future completes, letting at most {@code maxVirtual} of pool time pass. */
  <T> T await(CompletableFuture<T> future, Duration maxVirtual) throws ExecutionException {
    until(future::isDone, maxVirtual, "future");
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Drives the clock until a condition holds, letting at most {@code maxVirtual} of pool time pass. */
  void until(BooleanSupplier condition, Duration maxVirtual, String what) {
    Instant limit = clock.now().plus(maxVirtual);
    long wallLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > wallLimit) {
        throw new AssertionError(what + " not reached after 30 s of wall time; clock " + clock + ", pool "
            + (pool == null ? "-" : pool.snapshot()));
      }
      KubernetesWorkerProvider p = provider;
      if (p == null || p.busySteps() == 0) {
        Instant next = clock.nextDue();
        if (next == null || next.isAfter(limit)) {
          throw new AssertionError(what + " not reached within " + maxVirtual + " of pool time; clock " + clock
              + ", pool " + (pool == null ? "-" : pool.snapshot()));
        }
        clock.runUntil(next);
        continue;
      }
      // an API call is running on the provider's threads: give it a moment of wall time
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Lets pool time pass up to an instant, moving only while the provider is quiet. */
  void advanceTo(Instant target) {
    until(() -> !clock.now().isBefore(target) && quiet(), Duration.between(clock.now(), target).plusSeconds(1),
        "time " + target);
  }

  private boolean quiet() {
    KubernetesWorkerProvider p = provider;
    if (p != null && p.busySteps() > 0) {
      return false;
    }
    Instant next = clock.nextDue();
    return next == null || next.isAfter(clock.now());
  }

  /** @return the ids of the workers the pool knows (provisioned or adopted, and not yet deprovisioned or lost) */
  Set<String> knownWorkers() {
    Set<String> known = new HashSet<>();
    for (PoolEvent e : events) {
      if (e instanceof PoolEvent.WorkerProvisioned p) {
        known.add(p.workerId());
      } else if (e instanceof PoolEvent.OrphanAdopted a) {
        known.add(a.workerId());
      } else if (e instanceof PoolEvent.WorkerDeprovisioned d) {
        known.remove(d.workerId());
      } else if (e instanceof PoolEvent.WorkerLost l) {
        known.remove(l.workerId());
      }
    }
    return known;
  }

  /** @return the worker ids of the pods on both clusters annotated with the pool's id */
  Set<String> taggedWorkers() {
    Set<String> ids = new HashSet<>();
    for (FakeCluster c : List.of(east, west)) {
      for (Pod p : c.pods()) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        if (a != null && POOL_ID.equals(a.get(PodNames.TAG_ANNOTATION_PREFIX + WorkerTags.POOL))) {
          ids.add(a.get(PodNames.TAG_ANNOTATION_PREFIX + WorkerTags.WORKER));
        }
      }
    }
    return ids;
  }

  /** @return every pod left on both clusters, the pool's or not */
  List<Pod> everythingLeft() {
    List<Pod> all = new java.util.ArrayList<>(east.pods());
    all.addAll(west.pods());
    return all;
  }

  /** @return the failures the pool reported, in order */
  List<PoolEvent.ProvisioningFailed> failures() {
    return events.stream().filter(e -> e instanceof PoolEvent.ProvisioningFailed)
        .map(e -> (PoolEvent.ProvisioningFailed) e).toList();
  }

  /** Closes the pool (driving the clock) but not the clusters. */
  void closePool() {
    if (pool != null) {
      until(pool.closeAsync()::isDone, Duration.ofHours(2), "close");
    }
  }

  @Override
  public void close() {
    try {
      closePool();
    } finally {
      east.close();
      west.close();
    }
  }
}
