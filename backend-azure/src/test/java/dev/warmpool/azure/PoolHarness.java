package dev.warmpool.azure;

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
import java.time.Duration;
import java.time.Instant;
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
 * A real pool (pool-core's {@link WorkerPools}) with the Azure provider against a {@link FakeArm}, on a
 * {@link VirtualClock}. The provider is made by {@link AzureProviderFactory} as in production (only its HTTP client
 * trusts the fake server's certificate) and wrapped to count the pool's calls.
 *
 * <p>Time moves as in {@link AzureTestSupport#await}: only while the provider has no step running, so every pending
 * piece of work is a wait on the clock and jumping to the next one is what a real clock would do, only faster.
 */
final class PoolHarness implements AutoCloseable {
  static final String POOL_ID = "pool-a";

  final FakeArm arm = new FakeArm();
  final AzureTestSupport support = new AzureTestSupport(arm);
  final VirtualClock clock = support.clock;
  final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  final AtomicInteger provisionCalls = new AtomicInteger();
  final AtomicInteger deprovisionCalls = new AtomicInteger();
  volatile AzureWorkerProvider provider;
  WorkerPool pool;

  PoolHarness() {
    arm.timeSource(clock::now);
  }

  /** Builds and starts a pool with one template in westeurope (preferred) and northeurope. */
  WorkerPool start(String kind, WorkerTemplate template, UnaryOperator<WorkerPools.Builder> options) {
    pool = options.apply(WorkerPools.builder()
        .poolId(POOL_ID)
        .clock(clock)
        .template(template)
        .placement(AzureTestSupport.WESTEUROPE)
        .placement(AzureTestSupport.NORTHEUROPE.withPreference(1))
        .provider(AzureProviderFactory.NAME, factory(), support.settings(kind))
        .listener(events::add))
        .build();
    return pool;
  }

  /** The production factory with a test HTTP client, wrapped so the test sees the provider and counts calls. */
  ProviderFactory factory() {
    AzureTokenSource tokens = scopes -> new AzureTokenSource.Token(AzureTestSupport.TOKEN,
        Instant.now().plusSeconds(3600));
    AzureProviderFactory real = new AzureProviderFactory(tokens, AzureTestSupport::trustingHttpClient,
        new ArmPipeline.ReadRetries(3, Duration.ofMillis(10), Duration.ofMillis(50)));
    return new ProviderFactory() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      public WorkerProvider create(ProviderContext context) {
        AzureWorkerProvider p = (AzureWorkerProvider) real.create(context);
        provider = p;
        return new Counting(p);
      }
    };
  }

  /** Counts the pool's calls; everything else goes to the Azure provider, health probes included. */
  private final class Counting implements WorkerProvider, WorkerHealthProbe {
    private final AzureWorkerProvider delegate;

    Counting(AzureWorkerProvider delegate) {
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
      AzureWorkerProvider p = provider;
      if (p == null || p.busySteps() == 0) {
        Instant next = clock.nextDue();
        if (next == null || next.isAfter(limit)) {
          throw new AssertionError(what + " not reached within " + maxVirtual + " of pool time; clock " + clock
              + ", pool " + (pool == null ? "-" : pool.snapshot()));
        }
        clock.runUntil(next);
        continue;
      }
      // an HTTP call is running on the provider's threads: give it a moment of wall time
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Lets pool time pass up to an instant, moving only while the provider is quiet. */
  void advanceTo(Instant target) {
    until(() -> !clock.now().isBefore(target) && quiet(), Duration.between(clock.now(), target).plusSeconds(1),
        "time " + target);
  }

  private boolean quiet() {
    AzureWorkerProvider p = provider;
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

  /** @return the worker ids of every resource in the fake cloud tagged with the pool's id */
  Set<String> taggedWorkers() {
    Set<String> ids = new HashSet<>();
    for (String rg : List.of(AzureTestSupport.RG_WEU, AzureTestSupport.RG_NEU)) {
      for (FakeArm.Resource r : arm.resourcesIn(rg)) {
        Map<String, String> tags = r.tags();
        if (POOL_ID.equals(tags.get(dev.warmpool.spi.WorkerTags.POOL))) {
          ids.add(tags.get(dev.warmpool.spi.WorkerTags.WORKER));
        }
      }
    }
    return ids;
  }

  /** @return every resource left in the fake cloud's two resource groups, workers and their parts alike */
  List<FakeArm.Resource> everythingLeft() {
    List<FakeArm.Resource> all = new java.util.ArrayList<>(arm.resourcesIn(AzureTestSupport.RG_WEU));
    all.addAll(arm.resourcesIn(AzureTestSupport.RG_NEU));
    return all;
  }

  @Override
  public void close() {
    try {
      if (pool != null) {
        pool.closeAsync();
        until(pool.closeAsync()::isDone, Duration.ofHours(2), "close");
      }
    } finally {
      arm.close();
    }
  }
}
