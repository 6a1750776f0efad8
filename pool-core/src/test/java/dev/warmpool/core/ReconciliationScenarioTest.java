package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.Call;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import dev.warmpool.fake.ResourceState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's acceptance, through the public API on the fake cloud and a virtual clock: lost responses, crashes and
 * restarts, external deletions and failing deletes leave the cloud's tagged inventory equal to the pool's known set.
 * In every mode (a subclass per mode); in a store mode a restarted pool finds the same store, as a restarted node
 * finds its database.
 */
public abstract class ReconciliationScenarioTest implements PoolMode.Suite {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReconciliationScenarioTest.class);
  static final String POOL = "recon";
  static final Duration INTERVAL = Duration.ofMinutes(5);
  static final Duration GRACE = Duration.ofMinutes(5);

  final VirtualClock clock = new VirtualClock();
  final Instant t0 = clock.now();

  static FakeCloud cloud(VirtualClock clock, long seed, Fault... faults) {
    return cloud(clock, seed, Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(10)), faults);
  }

  static FakeCloud cloud(VirtualClock clock, long seed, Latency westeurope, Fault... faults) {
    return FakeCloud.builder().seed(seed).clock(clock)
        .region("westeurope", "eu", westeurope)
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(4)))
        .faults(faults)
        .build();
  }

  static WorkerPool pool(PoolMode mode, PoolClock clock, FakeCloud cloud, KnownWorkers known, boolean keepWarm,
      int warm) {
    return pool(mode, clock, cloud, known, keepWarm, WorkerTemplate.builder("linux").warmTarget(warm).maxTotal(20)
        .build());
  }

  static WorkerPool pool(PoolMode mode, PoolClock clock, FakeCloud cloud, KnownWorkers known, boolean keepWarm,
      WorkerTemplate template) {
    WorkerPools.Builder b = mode.apply(WorkerPools.builder()).poolId(POOL).clock(clock)
        .template(template)
        .provider("fake", cloud.provider())
        .listener(known)
        .controlInterval(Duration.ofSeconds(30))
        .reconcileInterval(INTERVAL)
        .orphanGracePeriod(GRACE)
        .keepWarmPool(keepWarm);
    cloud.placements().forEach(b::placement);
    return b.build();
  }

  /** Inventory equals the known set: every tagged resource is a worker the pool holds, and the other way round. */
  static void inventoryEqualsKnownSet(FakeCloud cloud, WorkerPool pool, KnownWorkers known) {
    WorkerCounts c = pool.snapshot().total();
    // a resource being created belongs to a provisioning worker, which has announced nothing yet
    Set<String> inCloud = cloud.resources(POOL).stream().filter(r -> r.state() != ResourceState.CREATING)
        .map(FakeResource::workerId).collect(Collectors.toSet());
    assertThat(inCloud).as("tagged inventory vs the workers the pool's events announced (%s)", c)
        .isEqualTo(Set.copyOf(known.ready));
    assertThat(cloud.resources(POOL)).as("inventory vs snapshot %s", c).hasSize(c.total());
  }

  /**
   * Over a store, the pool's known set is what the store holds: a node restarted over the same store continues the
   * crashed run's workers without announcing them again (see {@code continuedOrAdopted}). Without a store, the events
   * are the known set.
   */
  static void storeIsTheKnownSet(PoolMode mode, WorkerPool pool, KnownWorkers known) {
    if (mode.hasStore()) {
      known.ready.clear();
      mode.store().workers(pool.id()).stream()
          .filter(w -> w.state() == StoredWorker.State.IDLE || w.state() == StoredWorker.State.LEASED)
          .forEach(w -> known.ready.add(w.id()));
    }
  }

  /** Nothing in the inventory is older than the grace period without an owner. */
  static void noOldOrphan(FakeCloud cloud, KnownWorkers known, Instant now) {
    assertThat(cloud.resources(POOL)).filteredOn(r -> !known.ready.contains(r.workerId()))
        .filteredOn(r -> r.createdAt().plus(GRACE).isBefore(now))
        .as("resources older than the grace period that the pool does not own").isEmpty();
  }

  /** No two deprovision calls for one worker overlap in time. */
  static void oneDeleteInFlightPerWorker(FakeCloud cloud) {
    Map<String, List<Call>> byWorker = new HashMap<>();
    for (Call c : cloud.calls()) {
      if (c.operation() == Operation.DEPROVISION) {
        byWorker.computeIfAbsent(c.poolId() + "/" + c.workerId(), k -> new ArrayList<>()).add(c);
      }
    }
    byWorker.forEach((worker, calls) -> {
      for (int i = 1; i < calls.size(); i++) {
        Call before = calls.get(i - 1);
        Instant end = before.completedAt().orElse(Instant.MAX);
        assertThat(calls.get(i).at()).as("deprovision of %s started while %s was in flight", worker, before)
            .isAfterOrEqualTo(end);
      }
    });
  }

  static Set<String> generations(FakeCloud cloud) {
    return cloud.resources(POOL).stream().map(r -> r.tags().get(WorkerTags.GENERATION)).collect(Collectors.toSet());
  }

  @Test
  void anHourOfDemandWithLostResponsesLeavesNoUnknownResourceAfterTheNextReconciliation() throws Exception {
    FakeCloud cloud = cloud(clock, 7, Faults.lostResponses().operations(Operation.PROVISION).failureRate(0.2)
        .until(t0.plus(Duration.ofHours(1))));
    KnownWorkers known = new KnownWorkers();
    WorkerPool pool = pool(mode(), clock, cloud, known, false, 4);
    List<CompletableFuture<Lease>> pending = new ArrayList<>();
    Map<Lease, Instant> held = new HashMap<>();
    for (int minute = 0; minute < 60; minute++) {
      for (int i = 0; i < 2; i++) {
        pending.add(pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofMinutes(20)).build()));
      }
      clock.advance(Duration.ofMinutes(1));
      pending.removeIf(f -> {
        if (f.isDone() && !f.isCompletedExceptionally()) {
          held.put(f.join(), clock.now());
        }
        return f.isDone();
      });
      held.entrySet().removeIf(e -> {
        if (!clock.now().isBefore(e.getValue().plus(Duration.ofMinutes(3)))) {
          e.getKey().close();
          return true;
        }
        return false;
      });
    }
    assertThat(cloud.callCount(Operation.PROVISION, Outcome.TRANSIENT)).as("lost responses happened").isPositive();
    clock.advance(Duration.ofMinutes(25)); // the last waiters time out, provisions and deletes finish
    held.keySet().forEach(Lease::close);
    clock.advance(Duration.ofMinutes(15));

    clock.await(pool.reconcile(), Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(2)); // orphan deletes take a minute

    inventoryEqualsKnownSet(cloud, pool, known);
    noOldOrphan(cloud, known, clock.now());
    assertThat(pool.snapshot().total().idle()).isEqualTo(4);
    oneDeleteInFlightPerWorker(cloud);
    clock.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).as("left after close").isEmpty();
  }

  @Test
  void aRestartWithoutKeepWarmDeletesTheCrashedGenerationWithinOneInterval() throws Exception {
    FakeCloud cloud = cloud(clock, 3);
    NodeClock first = new NodeClock(clock);
    KnownWorkers knownBefore = new KnownWorkers();
    WorkerPool crashed = pool(mode(), first, cloud, knownBefore, false, 4);
    clock.advance(Duration.ofMinutes(12));
    Lease held = crashed.tryLease(LeaseRequest.of("linux")).orElseThrow();
    clock.advance(Duration.ofMinutes(2)); // a replacement is being created when the process dies
    first.crash();
    Set<String> before = generations(cloud);
    assertThat(before).hasSize(1);
    assertThat(held.isActive()).isTrue();

    clock.advance(Duration.ofMinutes(1));
    KnownWorkers known = new KnownWorkers();
    WorkerPool restarted = pool(mode(), clock, cloud, known, false, 4);
    clock.advance(INTERVAL.plus(Duration.ofMinutes(2))); // one interval, and a delete's latency

    if (mode().hasStore()) {
      // over the same store a restarted node continues the store's workers: the crashed run's idle ones serve on,
      // its lease that no holder knows any more is retired after the grace period, its provision is deleted by name
      assertThat(generations(cloud)).as("the crashed run's idle workers continue").containsAll(before);
      assertThat(known.of(PoolEvent.OrphanRemoved.class)).as("nothing the store knows is an orphan").isEmpty();
      clock.advance(Duration.ofMinutes(10));
      assertThat(cloud.resources(POOL)).as("the lease no holder knows ended with its worker")
          .noneMatch(r -> r.workerId().equals(held.worker().id()))
          .hasSize(restarted.snapshot().total().total());
    } else {
      assertThat(generations(cloud)).as("only the new generation is left").doesNotContainAnyElementsOf(before);
      assertThat(known.of(PoolEvent.OrphanRemoved.class)).hasSize(5);
      clock.advance(Duration.ofMinutes(10));
      inventoryEqualsKnownSet(cloud, restarted, known);
    }
    clock.await(restarted.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).isEmpty();
  }

  @Test
  void aWarmRestartAdoptsTheCrashedGenerationAndGrantsWithoutProvisioning() throws Exception {
    FakeCloud cloud = cloud(clock, 3);
    NodeClock first = new NodeClock(clock);
    WorkerPool crashed = pool(mode(), first, cloud, new KnownWorkers(), true, 4);
    clock.advance(Duration.ofMinutes(12));
    assertThat(crashed.snapshot().total().idle()).isEqualTo(4);
    first.crash();
    Set<String> workers = cloud.resources(POOL).stream().map(FakeResource::workerId).collect(Collectors.toSet());

    clock.advance(Duration.ofMinutes(1));
    long provisions = cloud.callCount(Operation.PROVISION, Outcome.SUCCESS)
        + cloud.callCount(Operation.PROVISION, Outcome.PENDING);
    KnownWorkers known = new KnownWorkers();
    WorkerPool restarted = pool(mode(), clock, cloud, known, true, 4);
    clock.advance(Duration.ofMinutes(1));

    continuedOrAdopted(known, workers);
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(restarted.tryLease(LeaseRequest.of("linux")).orElseThrow());
    }
    assertThat(leases).extracting(l -> l.worker().id()).containsExactlyInAnyOrderElementsOf(workers);
    assertThat(cloud.calls()).filteredOn(c -> c.operation() == Operation.PROVISION)
        .as("no provision call before the grants").hasSize((int) provisions);
    leases.forEach(Lease::close);
    clock.advance(INTERVAL);
    clock.advance(Duration.ofMinutes(15));
    inventoryEqualsKnownSet(cloud, restarted, known);
    clock.await(restarted.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).as("idle workers are kept for the next start")
        .hasSize(4).allMatch(r -> known.ready.contains(r.workerId()));
  }

  @Test
  void aWarmRestartRightAfterReplenishingAdoptsYoungWorkersToo() throws Exception {
    FakeCloud cloud = cloud(clock, 3, Latency.fixed(Duration.ofMinutes(3)));
    NodeClock first = new NodeClock(clock);
    WorkerPool crashed = pool(mode(), first, cloud, new KnownWorkers(), true, 4);
    clock.advance(Duration.ofMinutes(12));
    crashed.tryLease(LeaseRequest.of("linux")).orElseThrow().close(); // maxUses 1: deleted and replaced
    clock.advance(Duration.ofMinutes(4)); // the replacement is ready, and younger than the grace period
    assertThat(crashed.snapshot().total().idle()).isEqualTo(4);
    first.crash();
    Set<String> workers = cloud.resources(POOL).stream().map(FakeResource::workerId).collect(Collectors.toSet());
    assertThat(cloud.resources(POOL)).anyMatch(r -> r.createdAt().plus(GRACE).isAfter(clock.now()));

    clock.advance(Duration.ofSeconds(30));
    long provisions = cloud.calls().stream().filter(c -> c.operation() == Operation.PROVISION).count();
    KnownWorkers known = new KnownWorkers();
    WorkerPool restarted = pool(mode(), clock, cloud, known, true, 4);
    clock.advance(Duration.ofMinutes(1));

    continuedOrAdopted(known, workers);
    assertThat(cloud.calls().stream().filter(c -> c.operation() == Operation.PROVISION).count())
        .as("a warm restart costs no provisioning").isEqualTo(provisions);
    clock.advance(INTERVAL);
    inventoryEqualsKnownSet(cloud, restarted, known);
    assertThat(restarted.snapshot().total().idle()).isEqualTo(4);
    restarted.closeAsync();
    clock.advance(Duration.ofMinutes(5));
  }

  @Test
  void aRestartAfterACrashMidCreateCountsTheCreationAtTheFirstReconcileAndAdoptsItWhenItEnds() throws Exception {
    FakeCloud cloud = cloud(clock, 3, Latency.fixed(Duration.ofMinutes(6)));
    NodeClock first = new NodeClock(clock);
    WorkerPool crashed = pool(mode(), first, cloud, new KnownWorkers(), true, 4);
    clock.advance(Duration.ofMinutes(12));
    crashed.tryLease(LeaseRequest.of("linux")).orElseThrow().close(); // maxUses 1: deleted and replaced
    clock.advance(Duration.ofMinutes(2)); // the delete is done; the replacement is being created (until 18:00)
    first.crash();
    List<FakeResource> creating = cloud.resources(POOL).stream().filter(r -> r.state() == ResourceState.CREATING)
        .toList();
    assertThat(creating).as("a creation under way at the crash").hasSize(1);
    String midCreate = creating.get(0).workerId();

    clock.advance(Duration.ofMinutes(1));
    KnownWorkers known = new KnownWorkers();
    WorkerPool restarted = pool(mode(), clock, cloud, known, true, 4);
    clock.advance(Duration.ofSeconds(30)); // the first reconciliation runs at the start
    long provisioning = restarted.snapshot().total().provisioning();
    long total = restarted.snapshot().total().total();
    log.info("measured, {}: after the first reconcile after a crash mid-create: {} resources, {} known to the pool"
        + " ({} provisioning)", mode(), cloud.resources(POOL).size(), total, provisioning);
    assertThat(cloud.resources(POOL)).as("inventory vs the pool's count after one reconcile").hasSize((int) total);
    assertThat(provisioning).as("the creation under way counts as provisioning").isEqualTo(1);

    clock.advance(Duration.ofMinutes(4)); // the creation ends at 18:00
    if (!mode().hasStore()) {
      assertThat(known.of(PoolEvent.OrphanAdopted.class)).as("adopted when its creation ended")
          .anyMatch(e -> e.workerId().equals(midCreate));
    }
    assertThat(restarted.snapshot().total().idle()).isEqualTo(4);
    storeIsTheKnownSet(mode(), restarted, known);
    Set<String> all = cloud.resources(POOL).stream().map(FakeResource::workerId).collect(Collectors.toSet());
    continuedOrAdopted(known, all);
    inventoryEqualsKnownSet(cloud, restarted, known);
    assertThat(cloud.calls()).filteredOn(c -> c.operation() == Operation.DEPROVISION && c.workerId().equals(midCreate))
        .as("the creation under way is not deleted").isEmpty();
    restarted.closeAsync();
    clock.advance(Duration.ofMinutes(5));
  }

  /**
   * The one behaviour of a restart in both modes: a node restarted over the same store continues the store's workers
   * (they are the pool's, not orphans: no {@code OrphanAdopted}); without a store, or over a store that lost them,
   * the restarted pool adopts them by their tags.
   */
  private void continuedOrAdopted(KnownWorkers known, Set<String> workers) {
    if (mode().hasStore()) {
      assertThat(known.of(PoolEvent.OrphanAdopted.class)).as("continued from the store, not adopted").isEmpty();
      known.ready.addAll(workers); // known to the restarted node through the store
    } else {
      assertThat(known.ready).as("adopted").isEqualTo(workers);
    }
  }

  @Test
  void aWarmRestartKeepsTheFencingTokensOfTheWorkersItAdoptsGrowing() throws Exception {
    FakeCloud cloud = cloud(clock, 3, Latency.fixed(Duration.ofMinutes(3)));
    WorkerTemplate reused = WorkerTemplate.builder("linux").warmTarget(2).maxTotal(20).maxUses(50)
        .shareAcrossTenants(true).build();
    NodeClock first = new NodeClock(clock);
    WorkerPool crashed = pool(mode(), first, cloud, new KnownWorkers(), true, reused);
    clock.advance(Duration.ofMinutes(12));
    Map<String, Long> seen = leaseBothWorkersThreeTimes(crashed, Math::max); // the largest token a holder saw
    assertThat(seen).as("tokens the first run handed out").hasSize(2);
    first.crash();

    clock.advance(Duration.ofMinutes(1));
    WorkerPool restarted = pool(mode(), clock, cloud, new KnownWorkers(), true, reused);
    clock.advance(Duration.ofMinutes(2));

    Map<String, Long> later = leaseBothWorkersThreeTimes(restarted, Math::min); // the first token after the restart
    assertThat(later.keySet()).as("the first run's workers, granted again").isEqualTo(seen.keySet());
    later.forEach((worker, token) -> assertThat(token)
        .as("first token of %s after the restart vs the largest an earlier holder saw", worker)
        .isGreaterThan(seen.get(worker)));
    clock.await(restarted.closeAsync(), Duration.ofHours(1));
  }

  /** Leases both idle workers at once, three times over; per worker, the tokens merged with {@code merge}. */
  private static Map<String, Long> leaseBothWorkersThreeTimes(WorkerPool pool,
      java.util.function.BinaryOperator<Long> merge) {
    Map<String, Long> tokens = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      List<Lease> both = List.of(pool.tryLease(LeaseRequest.of("linux")).orElseThrow(),
          pool.tryLease(LeaseRequest.of("linux")).orElseThrow());
      both.forEach(l -> tokens.merge(l.worker().id(), l.fencingToken(), merge));
      both.forEach(Lease::close);
    }
    return tokens;
  }

  @Test
  void aRestartLeavesTheCrashedGenerationsDeleteInFlightAlone() throws Exception {
    FakeCloud cloud = FakeCloud.builder().seed(17).clock(clock).region("westeurope", "eu")
        .deprovisionLatency(Latency.fixed(Duration.ofMinutes(4))).build();
    NodeClock first = new NodeClock(clock);
    WorkerPool crashed = pool(mode(), first, cloud, new KnownWorkers(), false, 2);
    clock.advance(Duration.ofMinutes(25));
    Lease discarded = crashed.tryLease(LeaseRequest.of("linux")).orElseThrow();
    discarded.discard();
    clock.advance(Duration.ofSeconds(5)); // its delete is under way when the process dies
    first.crash();
    assertThat(cloud.resource(discarded.worker().resourceId())).map(FakeResource::state)
        .contains(ResourceState.DELETING);

    KnownWorkers known = new KnownWorkers();
    WorkerPool restarted = pool(mode(), clock, cloud, known, false, 2);
    clock.advance(Duration.ofMinutes(30));

    oneDeleteInFlightPerWorker(cloud);
    assertThat(cloud.resource(discarded.worker().resourceId())).isEmpty();
    if (!mode().hasStore()) {
      assertThat(generations(cloud)).as("the crashed generation is gone").hasSize(1);
    }
    storeIsTheKnownSet(mode(), restarted, known);
    inventoryEqualsKnownSet(cloud, restarted, known);
    clock.await(restarted.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).isEmpty();
  }

  @Test
  void anExternallyDeletedLeasedWorkerEndsItsLeaseAndIsReplaced() throws Exception {
    FakeCloud cloud = cloud(clock, 5);
    KnownWorkers known = new KnownWorkers();
    WorkerPool pool = pool(mode(), clock, cloud, known, false, 3);
    clock.advance(Duration.ofMinutes(12));
    Lease lease = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    clock.advance(Duration.ofMinutes(11)); // the replacement for the stock is ready
    assertThat(pool.snapshot().total().idle()).isEqualTo(3);

    assertThat(cloud.deleteExternally(lease.worker().resourceId())).isTrue();
    clock.advance(INTERVAL.plus(Duration.ofSeconds(10)));

    assertThat(lease.isActive()).as("the lease ended").isFalse();
    assertThat(known.lostLeases).containsEntry(lease.id(), lease.worker().id());
    clock.advance(Duration.ofMinutes(12));
    WorkerCounts c = pool.snapshot().total();
    assertThat(c.idle()).isEqualTo(3);
    inventoryEqualsKnownSet(cloud, pool, known);
    lease.close(); // a late release of a lost lease changes nothing
    assertThat(pool.snapshot().total()).isEqualTo(c);
    clock.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).isEmpty();
  }

  @Test
  void failingDeletesAreRetriedOneAtATimeUntilTheFaultClears() throws Exception {
    Instant clears = t0.plus(Duration.ofMinutes(50));
    FakeCloud cloud = cloud(clock, 11, Faults.failingDeletes().until(clears));
    KnownWorkers known = new KnownWorkers();
    WorkerPool pool = pool(mode(), clock, cloud, known, false, 3);
    clock.advance(Duration.ofMinutes(12));
    Lease a = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    Lease b = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    a.discard();
    b.close();
    clock.advance(Duration.ofMinutes(30));
    assertThat(pool.snapshot().total().deleting()).isEqualTo(2);
    assertThat(known.of(PoolEvent.DeprovisioningFailed.class)).hasSizeGreaterThan(4);
    assertThat(pool.snapshot().alerts()).anyMatch(al -> al.key().startsWith("deletes-failing"));

    clock.runUntil(clears.plus(Duration.ofMinutes(8))); // the backoff is at most five minutes, a delete one
    assertThat(cloud.resources(POOL)).noneMatch(r -> r.workerId().equals(a.worker().id())
        || r.workerId().equals(b.worker().id()));
    assertThat(known.of(PoolEvent.WorkerDeprovisioned.class)).extracting(PoolEvent.WorkerDeprovisioned::workerId)
        .contains(a.worker().id(), b.worker().id());
    assertThat(pool.snapshot().total().deleting()).isZero();
    inventoryEqualsKnownSet(cloud, pool, known);
    oneDeleteInFlightPerWorker(cloud);
    clock.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).isEmpty();
  }

  @Test
  void closeRetriesFailingDeletesUntilNothingIsLeft() throws Exception {
    FakeCloud cloud = cloud(clock, 13, Faults.failingDeletes().from(t0.plus(Duration.ofMinutes(13)))
        .until(t0.plus(Duration.ofMinutes(40))));
    KnownWorkers known = new KnownWorkers();
    WorkerPool pool = pool(mode(), clock, cloud, known, false, 3);
    clock.advance(Duration.ofMinutes(14));
    CompletableFuture<Void> closed = pool.closeAsync();
    clock.advance(Duration.ofMinutes(20));
    assertThat(closed).isNotDone();
    assertThat(cloud.resources(POOL)).isNotEmpty();
    clock.await(closed, Duration.ofHours(1));
    assertThat(cloud.resources(POOL)).isEmpty();
    oneDeleteInFlightPerWorker(cloud);
  }
}
