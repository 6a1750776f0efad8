package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.NoEligiblePlacementException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leasing through the public API, in every mode (a subclass per mode): grants, waiting, priorities, tenants, reuse,
 * recycling, expiry, bounds, residency and close.
 */
public abstract class LeasingTest implements PoolMode.Suite {
  private final VirtualClock clock = new VirtualClock();
  private final TestProvider provider = new TestProvider(clock, Duration.ofMinutes(3));
  private final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  private WorkerPool pool;

  private WorkerPool pool(UnaryOperator<WorkerTemplate.Builder> template) {
    pool = mode().apply(WorkerPools.builder())
        .poolId("test")
        .clock(clock)
        .template(template.apply(WorkerTemplate.builder("linux")).build())
        .placement(Placement.of("cloud", "westeurope", "eu"))
        .placement(Placement.of("cloud", "eastus", "us").withPreference(1))
        .provider("cloud", provider)
        .listener(events::add)
        .build();
    return pool;
  }

  @AfterEach
  void closeAndCheckNothingLeaks() throws Exception {
    if (pool != null) {
      clock.await(pool.closeAsync(), Duration.ofHours(2));
      assertThat(provider.inventory).as("resources left after close").isEmpty();
      assertThat(provider.closed).isTrue();
    }
  }

  @Test
  void aPoolFillsToItsWarmTargetAndGrantsWithoutCallingTheProvider() {
    pool(t -> t.warmTarget(5).maxTotal(20));
    clock.advance(Duration.ofMinutes(4));
    assertThat(pool.snapshot().total().idle()).isEqualTo(5);
    int callsBefore = provider.provisionCalls.get();

    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      leases.add(pool.tryLease(LeaseRequest.of("linux")).orElseThrow());
    }
    assertThat(provider.provisionCalls.get()).as("no provider call on the grant path").isEqualTo(callsBefore);
    assertThat(leases).extracting(l -> l.worker().id()).doesNotHaveDuplicates();
    assertThat(pool.snapshot().total().leased()).isEqualTo(5);

    clock.advance(Duration.ofMinutes(4));
    assertThat(pool.snapshot().total().idle()).as("refilled").isEqualTo(5);
    leases.forEach(Lease::close);
  }

  @Test
  void aWorkerIsPlacedInThePreferredPlacement() {
    pool(t -> t.warmTarget(3));
    clock.advance(Duration.ofMinutes(4));
    Lease l = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    assertThat(l.worker().placement().region()).isEqualTo("westeurope");
    assertThat(l.worker().resourceId()).contains(l.worker().id());
    assertThat(l.worker().attributes()).containsKey("ip");
    l.close();
  }

  @Test
  void aRequestWaitsForAProvisionWhenNothingIsIdle() throws Exception {
    pool(t -> t.warmTarget(0).maxTotal(5));
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.of("linux"));
    assertThat(f).isNotDone();
    Lease l = clock.await(f, Duration.ofMinutes(10));
    assertThat(clock.now()).isEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofMinutes(3)));
    clock.runDue(); // listeners run on the clock, after the grant
    assertThat(events).filteredOn(e -> e instanceof PoolEvent.LeaseGranted).singleElement()
        .satisfies(e -> assertThat(((PoolEvent.LeaseGranted) e).waited()).isEqualTo(Duration.ofMinutes(3)));
    l.close();
  }

  @Test
  void aRequestFailsAtExactlyItsMaxWait() {
    pool(t -> t.warmTarget(0).maxTotal(5));
    provider.latency = Duration.ofHours(1);
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").tenant("acme")
        .maxWait(Duration.ofSeconds(90)).build());
    clock.advance(Duration.ofSeconds(89));
    assertThat(f).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::get).cause().isInstanceOf(LeaseTimeoutException.class)
        .hasMessageContaining("pool test").hasMessageContaining("template linux").hasMessageContaining("tenant acme")
        .hasMessageContaining("waited 1m30s").hasMessageContaining("provisioning=1");
    assertThat(events).anyMatch(e -> e instanceof PoolEvent.LeaseTimedOut);
  }

  @Test
  void aTimedOutRequestSaysWhyProvisioningFailed() {
    pool(t -> t.warmTarget(0).maxTotal(5));
    provider.provisionFailure = r -> ProviderException.transientFailure("ServiceUnavailable", "ARM answered 503");
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofMinutes(5)).build());
    clock.advance(Duration.ofMinutes(5));
    assertThatThrownBy(f::get).cause().isInstanceOf(LeaseTimeoutException.class)
        .hasMessageContaining("last provisioning failure: ARM answered 503")
        .cause().isInstanceOf(ProviderException.class);
  }

  @Test
  void waitersAreServedByPriorityThenInArrivalOrder() {
    pool(t -> t.warmTarget(0).maxTotal(1).maxUses(10).shareAcrossTenants(true));
    Lease first = join(pool.lease(LeaseRequest.of("linux")));
    List<String> order = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Lease>> futures = new ArrayList<>();
    String[][] requests = {{"low-1", "0"}, {"high-1", "5"}, {"low-2", "0"}, {"high-2", "5"}, {"mid", "2"}};
    for (String[] r : requests) {
      CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").priority(Integer.parseInt(r[1]))
          .maxWait(Duration.ofHours(1)).build());
      f.thenAccept(l -> {
        order.add(r[0]);
        clock.schedule(Duration.ofSeconds(1), l::close);
      });
      futures.add(f);
    }
    first.close();
    clock.advance(Duration.ofMinutes(1));
    assertThat(order).containsExactly("high-1", "high-2", "mid", "low-1", "low-2");
  }

  @Test
  void cancellingARequestWithdrawsIt() {
    pool(t -> t.warmTarget(0).maxTotal(1).maxUses(10));
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofHours(1)).build());
    assertThat(pool.snapshot().waiting()).isEqualTo(1);
    clock.runDue();
    assertThat(pool.snapshot().total().provisioning()).isEqualTo(1);
    f.cancel(false);
    assertThat(pool.snapshot().waiting()).isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(pool.snapshot().total().idle()).as("the worker provisioned for it went to the shelf").isEqualTo(1);
  }

  @Test
  void maxUsesOneGivesEveryLeaseAFreshWorker() {
    pool(t -> t.warmTarget(2).maxTotal(10).maxUses(1));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Lease l = join(pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofHours(1)).build()));
      assertThat(seen.add(l.worker().id())).as("worker %s granted twice", l.worker().id()).isTrue();
      l.close();
    }
    clock.advance(Duration.ofMinutes(5));
    assertThat(events).filteredOn(e -> e instanceof PoolEvent.WorkerDeprovisioned).hasSize(6);
  }

  @Test
  void aReusableWorkerServesTheSameTenantAgain() {
    pool(t -> t.warmTarget(1).maxTotal(1).maxUses(3));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).orElseThrow();
    String worker = a.worker().id();
    a.close();
    Lease b = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).orElseThrow();
    assertThat(b.worker().id()).isEqualTo(worker);
    assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
    b.close();
    Lease c = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).orElseThrow();
    c.close();
    clock.advance(Duration.ofMinutes(4));
    assertThat(provider.inventory).as("third use was the last: destroyed").doesNotContainKey(worker);
  }

  @Test
  void aWorkerThatServedOneTenantIsNeverGrantedToAnother() {
    pool(t -> t.warmTarget(1).maxTotal(1).maxUses(5));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).orElseThrow();
    a.close();
    assertThat(pool.tryLease(LeaseRequest.forTemplate("linux").tenant("globex").build())).isEmpty();
  }

  @Test
  void aTemplateThatSharesWorkersServesAnyTenant() {
    pool(t -> t.warmTarget(1).maxTotal(1).maxUses(5).shareAcrossTenants(true));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).orElseThrow();
    a.close();
    Lease b = pool.tryLease(LeaseRequest.forTemplate("linux").tenant("globex").build()).orElseThrow();
    assertThat(b.worker().id()).isEqualTo(a.worker().id());
    b.close();
  }

  @Test
  void discardDestroysTheWorker() {
    pool(t -> t.warmTarget(1).maxTotal(1).maxUses(5));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    a.discard();
    assertThat(a.isActive()).isFalse();
    assertThat(pool.tryLease(LeaseRequest.of("linux"))).isEmpty();
    clock.advance(Duration.ofMinutes(4));
    assertThat(provider.inventory).doesNotContainKey(a.worker().id());
    assertThat(events).anyMatch(e -> e instanceof PoolEvent.WorkerDeprovisioned d && d.reason().equals("discarded"));
  }

  @Test
  void maxIdleTimeRecyclesIdleWorkers() {
    pool(t -> t.warmTarget(2).maxIdleTime(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(4));
    Set<String> first = idleWorkerIds();
    clock.advance(Duration.ofMinutes(34));
    assertThat(events).filteredOn(e -> e instanceof PoolEvent.WorkerDeprovisioned d
        && d.reason().equals("max-idle-time")).hasSize(2);
    assertThat(pool.snapshot().total().idle()).isEqualTo(2);
    assertThat(provider.inventory.keySet()).hasSize(2).doesNotContainAnyElementsOf(first);
  }

  @Test
  void maxAgeRecyclesWorkersWhenTheyComeBack() {
    pool(t -> t.warmTarget(1).maxTotal(2).maxUses(100).maxAge(Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    clock.advance(Duration.ofMinutes(90));
    a.close();
    clock.advance(Duration.ofMinutes(4));
    assertThat(provider.inventory).doesNotContainKey(a.worker().id());
    assertThat(events).anyMatch(e -> e instanceof PoolEvent.WorkerDeprovisioned d && d.reason().equals("released"));
  }

  @Test
  void anExpiredLeaseIsReclaimedAndItsWorkerNeverGrantedAgain() {
    pool(t -> t.warmTarget(1).maxTotal(3).maxUses(100).shareAcrossTenants(true));
    clock.advance(Duration.ofMinutes(4));
    Lease a = pool.tryLease(LeaseRequest.forTemplate("linux").leaseDuration(Duration.ofMinutes(10)).build())
        .orElseThrow();
    clock.advance(Duration.ofMinutes(9));
    a.renew(Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(9));
    assertThat(a.isActive()).as("renewed").isTrue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(a.isActive()).as("expired").isFalse();
    assertThatThrownBy(() -> a.renew(Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer active");
    a.close(); // the old holder's release does nothing
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(4));
      pool.tryLease(LeaseRequest.of("linux")).ifPresent(l -> {
        assertThat(l.worker().id()).isNotEqualTo(a.worker().id());
        l.close();
      });
    }
    assertThat(provider.inventory).doesNotContainKey(a.worker().id());
    assertThat(events).anyMatch(e -> e instanceof PoolEvent.LeaseExpired);
  }

  @Test
  void maxTotalBoundsProvisioning() {
    pool(t -> t.warmTarget(2).maxTotal(3));
    for (int i = 0; i < 10; i++) {
      pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofHours(1)).build());
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(pool.snapshot().total().total()).isEqualTo(3);
    assertThat(provider.provisionCalls.get()).isEqualTo(3);
  }

  @Test
  void aRequestOutsideEveryPlacementFailsAtOnce() {
    pool(t -> t.geographies(Set.of("eu")));
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").geographies(Set.of("us")).build());
    assertThatThrownBy(f::get).cause().isInstanceOf(NoEligiblePlacementException.class)
        .hasMessageContaining("geographies [us]");
  }

  @Test
  void dataResidencyDecidesWhereAWaitersWorkerIsProvisioned() throws Exception {
    pool(t -> t.warmTarget(0));
    Lease l = clock.await(pool.lease(LeaseRequest.forTemplate("linux").geographies(Set.of("us")).build()),
        Duration.ofMinutes(10));
    assertThat(l.worker().placement().region()).isEqualTo("eastus");
    l.close();
  }

  @Test
  void closeFailsWaitersAndDestroysEverything() throws Exception {
    pool(t -> t.warmTarget(3).maxTotal(5));
    clock.advance(Duration.ofMinutes(4));
    Lease held = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    CompletableFuture<Lease> waiting = pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofHours(1))
        .build());
    CompletableFuture<Void> closed = pool.closeAsync();
    clock.advance(Duration.ZERO);
    assertThatThrownBy(waiting::get).cause().isInstanceOf(PoolClosedException.class);
    assertThatThrownBy(() -> pool.tryLease(LeaseRequest.of("linux"))).isInstanceOf(PoolClosedException.class);
    held.close();
    clock.await(closed, Duration.ofHours(1));
    assertThat(provider.inventory).isEmpty();
    assertThat(held.isActive()).isFalse();
  }

  @Test
  void closeDestroysWorkersOfLeasesHeldPastTheGracePeriod() throws Exception {
    pool(t -> t.warmTarget(1));
    clock.advance(Duration.ofMinutes(4));
    Lease held = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    CompletableFuture<Void> closed = pool.closeAsync();
    clock.advance(Duration.ofSeconds(29));
    assertThat(held.isActive()).isTrue();
    clock.await(closed, Duration.ofHours(1));
    assertThat(held.isActive()).isFalse();
    assertThat(provider.inventory).isEmpty();
  }

  private Set<String> idleWorkerIds() {
    assertThat(pool.snapshot().total().idle()).isEqualTo(provider.inventory.size());
    return new HashSet<>(provider.inventory.keySet());
  }

  private <T> T join(CompletableFuture<T> f) {
    try {
      return clock.await(f, Duration.ofHours(1));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
