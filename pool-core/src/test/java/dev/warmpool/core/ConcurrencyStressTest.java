package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Real threads on the system clock: many holders leasing and releasing at once find no double grant, lose nothing; in
 * every mode (a subclass per mode).
 *
 * <p>The test keeps its own record of the workers in use: a worker is in use from its grant until its holder's
 * {@code close()} or {@code discard()} returned. A grant of a worker in use is a double grant, unless its holder had
 * already begun to give it back (the release inside {@code close()} may hand it to another thread before
 * {@code close()} returns).
 */
public abstract class ConcurrencyStressTest implements PoolMode.Suite {
  private static final int THREADS = 8;

  /** @return lease-release rounds per thread; a mode whose every grant is a database round trip runs fewer */
  protected int rounds() {
    return 3_000;
  }

  /** Answers at once; counts live resources. */
  static final class InstantProvider implements WorkerProvider {
    final Map<String, ProvisionRequest> live = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest r) {
      live.put(r.workerId(), r);
      return CompletableFuture.completedFuture(new ProvisionedWorker("res/" + r.workerId(), Map.of()));
    }

    @Override
    public CompletableFuture<Void> deprovision(DeprovisionRequest r) {
      live.remove(r.workerId());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<ProviderResource>> list(String poolId) {
      return CompletableFuture.completedFuture(live.values().stream()
          .map(r -> new ProviderResource("res/" + r.workerId(), r.placement().region(), r.tags(),
              java.util.Optional.empty(), Map.of()))
          .toList());
    }
  }

  @Test
  void leasingFromManyThreadsNeverGrantsAWorkerTwice() throws Exception {
    InstantProvider provider = new InstantProvider();
    WorkerPool pool = mode().apply(WorkerPools.builder()).poolId("stress")
        .template(WorkerTemplate.builder("t").warmTarget(16).maxTotal(24).maxUses(50).shareAcrossTenants(true)
            .build())
        .template(WorkerTemplate.builder("fresh").warmTarget(4).maxTotal(8).maxUses(1).build())
        .placement(Placement.of("mem", "r1", "eu"))
        .placement(Placement.of("mem", "r2", "eu").withPreference(1))
        .provider("mem", provider)
        .controlInterval(Duration.ofMillis(50))
        .build();
    Map<String, Lease> inUse = new ConcurrentHashMap<>(); // worker id -> the lease that holds it
    Set<Lease> givingBack = ConcurrentHashMap.newKeySet(); // leases whose close() or discard() began, for good
    AtomicInteger doubleGrants = new AtomicInteger();
    AtomicInteger grants = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int n = i;
      done.add(threads.submit(() -> {
        start.await();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int r = 0; r < rounds(); r++) {
          String template = random.nextInt(10) == 0 ? "fresh" : "t";
          Lease lease;
          try {
            lease = random.nextBoolean()
                ? pool.tryLease(LeaseRequest.of(template)).orElse(null)
                : pool.acquire(LeaseRequest.forTemplate(template).tenant("tenant-" + n % 3).build(),
                    Duration.ofSeconds(5));
          } catch (LeaseTimeoutException e) {
            timeouts.incrementAndGet();
            continue;
          }
          if (lease == null) {
            continue;
          }
          grants.incrementAndGet();
          String worker = lease.worker().id();
          Lease before = inUse.put(worker, lease);
          if (before != null && !givingBack.contains(before)) {
            doubleGrants.incrementAndGet();
          }
          givingBack.add(lease);
          if (random.nextInt(20) == 0) {
            lease.discard();
          } else {
            lease.close();
          }
          inUse.remove(worker, lease); // only now is it no longer in use; another holder may have it already
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    threads.shutdown();
    pool.close();

    assertThat(doubleGrants.get()).isZero();
    assertThat(grants.get()).isGreaterThan(THREADS * rounds() / 4);
    assertThat(timeouts.get()).as("requests that waited 5 s").isZero();
    assertThat(provider.live.keySet()).as("workers left after close").isEmpty();
  }
}
