package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.StoreUnavailableLeaseException;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.ResourceState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoredWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11's acceptance, through the public API: several nodes share one pool through one store, on one fake cloud
 * and one virtual clock. Each node has its own clock view (that can pause or crash), its own connection to the store
 * (that can go down) and its own provider (that counts its writes). Subclasses choose the store: in memory here, a
 * real PostgreSQL in store-jdbc.
 */
public abstract class SharedPoolScenarios implements PoolMode.Suite {
  protected static final String POOL = "shared";
  protected static final String TEMPLATE = "linux";

  protected final VirtualClock clock = new VirtualClock();
  /** The cloud every node's provider serves; a test may replace it (with faults) before it starts any node. */
  protected FakeCloud cloud = cloud();

  protected final List<Node> nodes = new ArrayList<>();

  protected FakeCloud cloud(Fault... faults) {
    return FakeCloud.builder().seed(11).clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(2)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
        .faults(faults)
        .build();
  }

  /** @return the store all nodes share; the same instance on every call within a test */
  protected abstract PoolStore sharedStore();

  /** @return the mode of these scenarios: nodes of {@link #sharedStore()} */
  @Override
  public PoolMode mode() {
    return PoolMode.store("shared " + sharedStore().getClass().getSimpleName(), this::sharedStore);
  }

  /** Makes the store unreachable for every node (a database that stopped). */
  protected void storeDown() {
    nodes.forEach(n -> n.store.down(true));
  }

  /** Makes the store reachable again. */
  protected void storeUp() {
    nodes.forEach(n -> n.store.down(false));
  }

  /** @return how long the lease/release/crash storm runs */
  protected Duration stormLength() {
    return Duration.ofHours(2);
  }

  /** One orchestrator node. */
  protected final class Node {
    final String name;
    final NodeClock nodeClock = new NodeClock(clock);
    final OutageStore store = new OutageStore(sharedStore());
    final CountingProvider provider = new CountingProvider(cloud.provider());
    final List<PoolEvent> events = new CopyOnWriteArrayList<>();
    final Set<Lease> leases = ConcurrentHashMap.newKeySet();
    final WorkerPool pool;

    Node(String name, WorkerTemplate template, Duration leadershipTimeout) {
      this.name = name;
      WorkerPools.Builder b = WorkerPools.builder().poolId(POOL).clock(nodeClock).store(store).nodeId(name)
          .template(template)
          .provider("fake", provider)
          .listener(events::add)
          .eventExecutor(Runnable::run)
          .controlInterval(Duration.ofSeconds(5))
          .leadershipTimeout(leadershipTimeout)
          .reconcileInterval(Duration.ofMinutes(5))
          .orphanGracePeriod(Duration.ofMinutes(5))
          .closeGracePeriod(Duration.ofSeconds(30));
      cloud.placements().forEach(b::placement);
      this.pool = b.build();
    }

    boolean leads() {
      return leader().filter(name::equals).isPresent();
    }

    Optional<String> leader() {
      return sharedStore().leadership(POOL).filter(l -> l.expiresAt().isAfter(clock.now())).map(l -> l.node());
    }
  }

  protected Node node(String name, WorkerTemplate template) {
    return node(name, template, Duration.ofSeconds(15));
  }

  protected Node node(String name, WorkerTemplate template, Duration leadershipTimeout) {
    Node n = new Node(name, template, leadershipTimeout);
    nodes.add(n);
    return n;
  }

  protected static WorkerTemplate template(int warm, int max, int maxUses) {
    return WorkerTemplate.builder(TEMPLATE).warmTarget(warm).maxTotal(max).maxUses(maxUses).build();
  }

  @AfterEach
  void closeNodes() {
    storeUp();
    for (Node n : nodes) {
      n.nodeClock.resume();
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Node n : nodes) {
      closing.add(n.pool.closeAsync());
    }
    clock.runUntilIdle(Duration.ofHours(2));
  }

  /** The workers the store holds that are not on their way out, by id. */
  protected Set<String> storedWorkers() {
    return sharedStore().workers(POOL).stream()
        .filter(w -> w.state() != StoredWorker.State.DELETING && w.state() != StoredWorker.State.RETIRED)
        .map(StoredWorker::id).collect(Collectors.toSet());
  }

  /** The workers the cloud runs for the pool, by id. */
  protected Set<String> cloudWorkers() {
    return cloud.resources(POOL).stream().filter(r -> r.state() == ResourceState.RUNNING)
        .map(FakeResource::workerId).collect(Collectors.toSet());
  }

  protected Node leaderNode() {
    String leader = nodes.get(0).leader().orElseThrow(() -> new AssertionError("no node leads"));
    return nodes.stream().filter(n -> n.name.equals(leader)).findFirst().orElseThrow();
  }

  @Test
  public void threeNodesKeepOneWarmPoolNotThree() {
    for (String n : List.of("a", "b", "c")) {
      node(n, template(4, 20, 1));
    }
    clock.advance(Duration.ofMinutes(10));

    assertThat(cloudWorkers()).as("one pool's warm target, not one per node").hasSize(4);
    assertThat(storedWorkers()).isEqualTo(cloudWorkers());
    assertThat(nodes.stream().filter(Node::leads)).as("exactly one leader").hasSize(1);

    // every node grants from the same stock; no worker twice
    List<Lease> leases = new ArrayList<>();
    for (Node n : nodes) {
      leases.add(n.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow());
    }
    assertThat(leases.stream().map(l -> l.worker().id()).distinct()).hasSize(3);
    assertThat(nodes.get(2).pool.snapshot().total().leased()).isEqualTo(3);
    leases.forEach(Lease::close);

    // the leader replaces the used workers (maxUses 1) for the whole pool
    clock.advance(Duration.ofMinutes(10));
    assertThat(cloudWorkers()).hasSize(4).isEqualTo(storedWorkers());
  }

  @ParameterizedTest(name = "leadership timeout {0} s")
  @ValueSource(ints = {6, 15})
  public void killingTheLeaderMovesLeadershipWithinTheTimeout(int seconds) {
    Duration timeout = Duration.ofSeconds(seconds);
    for (String n : List.of("a", "b", "c")) {
      node(n, template(3, 10, 1), timeout);
    }
    clock.advance(Duration.ofMinutes(5));
    Node old = leaderNode();
    Instant killedAt = clock.now();
    old.nodeClock.crash();

    Instant takenAt = null;
    while (takenAt == null && clock.now().isBefore(killedAt.plus(timeout.multipliedBy(3)))) {
      clock.advance(Duration.ofMillis(250));
      Optional<String> leader = old.leader();
      if (leader.isPresent() && !leader.get().equals(old.name)) {
        takenAt = clock.now();
      }
    }
    assertThat(takenAt).as("another node took over").isNotNull();
    assertThat(Duration.between(killedAt, takenAt)).as("leader loss detected within the timeout")
        .isLessThanOrEqualTo(timeout);

    // the new leader serves the pool: it replaces what the dead node's leases and provisions left behind
    Node now = leaderNode();
    assertThat(now).isNotSameAs(old);
    Lease l = now.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow();
    l.close();
    clock.advance(Duration.ofMinutes(10));
    assertThat(cloudWorkers()).hasSize(3).isEqualTo(storedWorkers());
  }

  @Test
  public void aPausedLeaderIsFencedAfterATakeOver() {
    Node a = node("a", template(4, 20, 1));
    clock.advance(Duration.ofSeconds(1));
    node("b", template(4, 20, 1));
    node("c", template(4, 20, 1));
    clock.advance(Duration.ofMinutes(5));
    Node old = leaderNode();
    assertThat(old).isSameAs(a);
    // give the leader work in flight: three leases used up, three provisions started (2 minutes in this cloud)
    for (int i = 0; i < 3; i++) {
      nodes.get(1).pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow().close();
    }
    clock.advance(Duration.ofSeconds(10));
    old.nodeClock.pause(); // a stop-the-world pause: its provisions complete while it sleeps

    clock.advance(Duration.ofMinutes(3));
    Node next = leaderNode();
    assertThat(next).isNotSameAs(old);
    int writesBefore = old.provider.writes();
    old.nodeClock.resume();
    clock.advance(Duration.ofMinutes(1));

    assertThat(old.provider.writes()).as("a stale leader makes no provider call after it wakes").isEqualTo(
        writesBefore);
    assertThat(old.store.staleRefusals.get()).as("its late writes were refused by epoch").isPositive();
    assertThat(old.events).anySatisfy(e -> assertThat(e).isInstanceOf(PoolEvent.LeadershipLost.class));
    assertThat(old.leader()).contains(next.name);

    // whatever the stale leader's calls created is found and cleared; the pool is whole again
    clock.advance(Duration.ofMinutes(20));
    assertThat(cloudWorkers()).hasSize(4).isEqualTo(storedWorkers());
  }

  @Test
  public void leasesKeepWorkingWhileTheStoreIsDownNewGrantsFailFastAndThePoolRecovers() {
    Node a = node("a", template(4, 20, 3));
    node("b", template(4, 20, 3));
    clock.advance(Duration.ofMinutes(10));
    Lease kept = a.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow();
    Lease released = a.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow();
    int provisionsBefore = nodes.stream().mapToInt(n -> n.provider.provisions.get()).sum();

    storeDown();
    CompletableFuture<Lease> refused = nodes.get(1).pool.lease(LeaseRequest.of(TEMPLATE));
    assertThat(refused).as("fails at once, without waiting").isCompletedExceptionally();
    assertThatThrownBy(refused::join).hasCauseInstanceOf(StoreUnavailableLeaseException.class)
        .cause().hasMessageContaining("store is unavailable");
    assertThat(kept.isActive()).isTrue();
    released.close(); // kept in memory until the store answers
    assertThat(released.isActive()).isFalse();
    clock.advance(Duration.ofSeconds(30)); // longer than the leadership: the leader's lease runs out meanwhile
    assertThat(nodes.stream().mapToInt(n -> n.provider.provisions.get()).sum())
        .as("nobody provisions without the store").isEqualTo(provisionsBefore);
    assertThat(a.pool.snapshot().alerts()).as("every node alerts")
        .anySatisfy(al -> assertThat(al.key()).isEqualTo("store-unavailable"));

    storeUp();
    clock.advance(Duration.ofSeconds(20));
    // the release written late: the worker is idle again; grants resume on every node
    assertThat(sharedStore().workers(POOL)).filteredOn(w -> w.id().equals(released.worker().id()))
        .singleElement().satisfies(w -> assertThat(w.state()).isEqualTo(StoredWorker.State.IDLE));
    for (Node n : nodes) {
      n.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow().close();
      assertThat(n.pool.snapshot().alerts()).noneSatisfy(al -> assertThat(al.key()).isEqualTo("store-unavailable"));
    }
    kept.close();
    clock.advance(Duration.ofMinutes(10));
    assertThat(cloudWorkers()).isEqualTo(storedWorkers());
    assertThat(storedWorkers()).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  public void aLeaseReleaseCrashStormNeverGrantsAWorkerTwiceAndLosesNone() {
    WorkerTemplate t = WorkerTemplate.builder(TEMPLATE).warmTarget(6).maxTotal(16).maxUses(3).build();
    for (String n : List.of("a", "b", "c")) {
      node(n, t);
    }
    Random random = new Random(42);
    Map<String, Lease> holder = new HashMap<>(); // worker id -> the lease that holds it, until it ends
    Map<String, Long> lastToken = new HashMap<>();
    List<Lease> open = new ArrayList<>();
    Instant start = clock.now();
    Instant end = start.plus(stormLength());
    Instant crashAt = start.plus(stormLength().dividedBy(3));
    Instant joinAt = start.plus(stormLength().dividedBy(2));
    Node crashed = null;
    int grants = 0;
    while (clock.now().isBefore(end)) {
      if (crashed == null && !clock.now().isBefore(crashAt)) {
        crashed = leaderNode(); // the worst node to lose: it leads and holds leases
        crashed.nodeClock.crash();
        Node dead = crashed;
        open.removeIf(l -> leaseOf(dead, l)); // its holders are gone with it; their leases keep their deadlines
      }
      if (nodes.size() == 3 && !clock.now().isBefore(joinAt)) {
        node("d", t);
      }
      for (Node n : nodes) {
        if (n == crashed) {
          continue;
        }
        int action = random.nextInt(10);
        if (action < 5) {
          LeaseRequest.Builder r = LeaseRequest.forTemplate(TEMPLATE).tenant("t" + random.nextInt(3));
          if (random.nextBoolean()) {
            r.leaseDuration(Duration.ofMinutes(1 + random.nextInt(10)));
          }
          Optional<Lease> l = n.pool.tryLease(r.build());
          if (l.isPresent()) {
            Lease lease = l.get();
            String w = lease.worker().id();
            Lease before = holder.get(w);
            assertThat(before == null || !held(before)).as("worker %s granted while %s holds it", w, before)
                .isTrue();
            assertThat(lease.fencingToken()).as("tokens of %s grow", w).isGreaterThan(lastToken.getOrDefault(w, 0L));
            lastToken.put(w, lease.fencingToken());
            holder.put(w, lease);
            open.add(lease);
            n.leases.add(lease);
            grants++;
          }
        } else if (!open.isEmpty()) {
          Lease l = open.remove(random.nextInt(open.size()));
          if (action < 8) {
            l.close();
          } else if (action < 9) {
            l.discard();
          } else if (l.isActive()) {
            try {
              l.renew(Duration.ofMinutes(5));
              open.add(l);
            } catch (IllegalStateException e) {
              // expired at the store meanwhile: the leader reclaims it
            }
          }
        }
      }
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(grants).as("the storm granted leases").isGreaterThan(100);
    open.forEach(Lease::close);
    // past every deadline, the orphan grace and a reconciliation: nothing lost, nothing leaked
    clock.advance(Duration.ofMinutes(30));
    assertThat(storedWorkers()).isEqualTo(cloudWorkers()).hasSizeGreaterThanOrEqualTo(6);
    Node dead = crashed;
    assertThat(sharedStore().workers(POOL)).as("the crashed node holds nothing any more")
        .noneMatch(w -> dead.name.equals(w.holder()));
  }

  @Test
  public void concurrentGrantsOnEveryNodeNeverShareAWorker() throws Exception {
    WorkerTemplate t = WorkerTemplate.builder(TEMPLATE).warmTarget(8).maxTotal(8).maxUses(Integer.MAX_VALUE).build();
    for (String n : List.of("a", "b", "c")) {
      node(n, t);
    }
    clock.advance(Duration.ofMinutes(5));
    assertThat(storedWorkers()).hasSize(8);
    Map<String, AtomicBoolean> inUse = new ConcurrentHashMap<>();
    AtomicInteger grants = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Random random = new Random(i);
      threads.add(new Thread(() -> {
        try {
          for (int op = 0; op < concurrentOperations(); op++) {
            Node n = nodes.get(random.nextInt(nodes.size()));
            Optional<Lease> l = n.pool.tryLease(LeaseRequest.of(TEMPLATE));
            if (l.isPresent()) {
              AtomicBoolean flag = inUse.computeIfAbsent(l.get().worker().id(), k -> new AtomicBoolean());
              if (!flag.compareAndSet(false, true)) {
                throw new AssertionError("worker " + l.get().worker().id() + " granted twice at once");
              }
              grants.incrementAndGet();
              flag.set(false);
              l.get().close();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join(Duration.ofSeconds(50).toMillis());
    }
    assertThat(failures).isEmpty();
    assertThat(grants.get()).as("grants made").isGreaterThan(concurrentOperations());
    assertThat(sharedStore().workers(POOL)).hasSize(8)
        .allSatisfy(w -> assertThat(w.state()).isEqualTo(StoredWorker.State.IDLE));
    assertThat(sharedStore().workers(POOL).stream().mapToLong(StoredWorker::grants).sum())
        .as("every grant counted once").isEqualTo(grants.get());
  }

  @Test
  public void aNodeThatComesBackUnderItsIdEndsTheLeasesItsEarlierRunHeld() {
    Node first = node("a", template(3, 10, 1));
    node("b", template(3, 10, 1));
    clock.advance(Duration.ofMinutes(5));
    Lease orphaned = first.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow(); // no deadline
    String worker = orphaned.worker().id();
    first.nodeClock.crash();
    nodes.remove(first);
    node("a", template(3, 10, 1)); // the same node id, a new process: its heartbeat keeps the node alive
    clock.advance(Duration.ofMinutes(3));
    assertThat(sharedStore().workers(POOL)).as("held until the orphan grace period ends")
        .anySatisfy(w -> assertThat(w.id()).isEqualTo(worker));

    clock.advance(Duration.ofMinutes(5));
    assertThat(sharedStore().workers(POOL)).as("retired and deleted, never granted again")
        .noneSatisfy(w -> assertThat(w.id()).isEqualTo(worker));
    assertThat(cloudWorkers()).hasSize(3).isEqualTo(storedWorkers());
  }

  @Test
  public void failingDeletesAreRetriedWithBackoffNotEveryPass() {
    Instant t0 = clock.now();
    cloud = cloud(Faults.failingDeletes().from(t0.plus(Duration.ofMinutes(5))).until(t0.plus(Duration.ofMinutes(35))));
    node("a", template(3, 10, 1));
    node("b", template(3, 10, 1));
    clock.advance(Duration.ofMinutes(6));
    for (int i = 0; i < 3; i++) {
      nodes.get(1).pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow().close(); // maxUses 1: each is deleted
    }
    int before = nodes.stream().mapToInt(n -> n.provider.deprovisions.get()).sum();
    clock.advance(Duration.ofMinutes(29));
    int attempts = nodes.stream().mapToInt(n -> n.provider.deprovisions.get()).sum() - before;
    // every 5 s would be about 350 attempts per worker; 10 s doubling to 5 min is about 10
    assertThat(attempts).as("delete attempts for 3 workers in 29 minutes of failing deletes").isBetween(3, 45);

    clock.advance(Duration.ofMinutes(10)); // the backoff has reached 5 minutes: the next attempt succeeds
    assertThat(sharedStore().workers(POOL)).as("deleted once the fault cleared").hasSize(3);
    assertThat(cloudWorkers()).hasSize(3).isEqualTo(storedWorkers());
  }

  @Test
  public void closingEveryNodeAtOnceStillDrainsThePool() {
    for (String n : List.of("a", "b", "c")) {
      node(n, template(4, 10, 1));
    }
    clock.advance(Duration.ofMinutes(5));
    Lease held = nodes.get(2).pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow();
    assertThat(cloudWorkers()).hasSize(4);

    List<CompletableFuture<Void>> closing = new ArrayList<>();
    nodes.forEach(n -> closing.add(n.pool.closeAsync()));
    clock.advance(Duration.ofSeconds(10));
    held.close(); // within the close grace period
    clock.runUntilIdle(Duration.ofHours(1));

    assertThat(closing).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(cloud.resources(POOL)).as("the last nodes to close drained the pool").isEmpty();
    assertThat(sharedStore().workers(POOL)).isEmpty();
    nodes.clear();
  }

  @Test
  public void closeOnAClockTheCallerDrivesReturnsAtOnceAndFinishesAsTheClockMoves() {
    Node a = node("a", template(2, 5, 1));
    clock.advance(Duration.ofMinutes(5));
    a.pool.close(); // would never return if it waited: nobody else moves this clock
    clock.runUntilIdle(Duration.ofHours(1));
    assertThat(a.pool.closeAsync()).isCompleted();
    assertThat(cloud.resources(POOL)).as("the only node drained the pool").isEmpty();
    nodes.clear();
  }

  @Test
  public void aWorkerReleasedOnAClosingNodeStaysForTheNodesThatServeOn() {
    WorkerTemplate t = WorkerTemplate.builder(TEMPLATE).warmTarget(2).maxTotal(5).maxUses(10).build();
    Node a = node("a", t);
    Node b = node("b", t);
    clock.advance(Duration.ofMinutes(5));
    Lease l = b.pool.tryLease(LeaseRequest.of(TEMPLATE)).orElseThrow();
    b.pool.closeAsync();
    l.close(); // within b's close grace period
    clock.advance(Duration.ofMinutes(2));
    assertThat(sharedStore().workers(POOL)).as("kept idle, not retired")
        .anySatisfy(w -> assertThat(w.id()).isEqualTo(l.worker().id()));
    assertThat(a.pool.tryLease(LeaseRequest.of(TEMPLATE)).map(x -> x.worker().id())).isPresent();
  }

  @Test
  public void aFailingRegionOpensTheLeaderFailsOverEveryNodeAlertsAndItFailsBack() {
    Instant t0 = clock.now();
    cloud = cloud(Faults.outage("westeurope").from(t0.plus(Duration.ofMinutes(5)))
        .until(t0.plus(Duration.ofMinutes(40))));
    for (String n : List.of("a", "b", "c")) {
      node(n, template(4, 20, 1));
    }
    Random random = new Random(7);
    for (int minute = 0; minute < 30; minute++) {
      nodes.get(random.nextInt(3)).pool.tryLease(LeaseRequest.of(TEMPLATE)).ifPresent(Lease::close);
      clock.advance(Duration.ofMinutes(1));
    }
    for (Node n : nodes) {
      assertThat(n.pool.snapshot().alerts()).as("node %s", n.name)
          .anySatisfy(al -> assertThat(al.key()).isEqualTo("placement-open:fake/westeurope"));
      assertThat(n.pool.snapshot().placements()).filteredOn(p -> p.placement().region().equals("westeurope"))
          .singleElement().satisfies(p -> assertThat(p.state()).isEqualTo(dev.warmpool.api.PlacementState.OPEN));
    }
    dev.warmpool.api.WorkerCounts north = nodes.get(0).pool.snapshot().templates().get(0).byPlacement()
        .get("fake/northeurope");
    assertThat(north.idle() + north.provisioning()).as("the warm stock moved to northeurope: %s", north)
        .isEqualTo(4);
    assertThat(nodes.get(0).pool.snapshot().templates().get(0).byPlacement().get("fake/westeurope").idle())
        .isZero();

    clock.advance(Duration.ofMinutes(40)); // the outage ended at 40 min; the open cooldown ends; calls succeed again
    for (Node n : nodes) {
      assertThat(n.pool.snapshot().alerts()).noneSatisfy(al -> assertThat(al.key()).startsWith("placement-open:"));
    }
    nodes.get(0).pool.tryLease(LeaseRequest.of(TEMPLATE)).ifPresent(Lease::close);
    clock.advance(Duration.ofMinutes(5));
    assertThat(sharedStore().workers(POOL)).as("failed back: the replacement is in the preferred region")
        .anySatisfy(w -> assertThat(w.placement()).isEqualTo("fake/westeurope"));
    assertThat(cloudWorkers()).isEqualTo(storedWorkers());
  }

  @Test
  public void aPlacementWhoseCooldownEndedIsProbedWithNoMoreProvisionsAtATimeThanItTakesToClose() {
    Instant t0 = clock.now();
    Instant opened = t0.plus(Duration.ofMinutes(5));
    cloud = cloud(Faults.outage("westeurope").from(t0.plus(Duration.ofMinutes(3)))
        .until(t0.plus(Duration.ofMinutes(60))));
    for (String n : List.of("a", "b")) {
      node(n, template(6, 30, 1));
    }
    for (int minute = 0; minute < 50; minute++) {
      for (int i = 0; i < 3; i++) { // jobs every minute: the leader always has a deficit to place
        nodes.get(i % 2).pool.tryLease(LeaseRequest.of(TEMPLATE)).ifPresent(Lease::close);
      }
      clock.advance(Duration.ofMinutes(1));
    }
    Map<Instant, Long> callsAtOnce = cloud.calls().stream()
        .filter(c -> c.operation() == dev.warmpool.fake.Operation.PROVISION && c.region().equals("westeurope")
            && c.at().isAfter(opened))
        .collect(Collectors.groupingBy(dev.warmpool.fake.Call::at, Collectors.counting()));
    assertThat(callsAtOnce).as("probes of the failing placement after it opened").isNotEmpty();
    // the one engine probes a half-open placement as one node does: as many probes as it takes to close (2 by default)
    assertThat(callsAtOnce.values()).as("provisions sent to it at one instant").allMatch(n -> n <= 2);
  }

  @Test
  public void aRequestWaitingOnAnyNodeIsProvisionedForByTheLeader() {
    node("a", template(0, 5, 1)); // no warm stock at all: only demand makes the leader provision
    Node b = node("b", template(0, 5, 1));
    clock.advance(Duration.ofMinutes(1));
    assertThat(b.leads()).isFalse();
    assertThat(cloud.resources(POOL)).isEmpty();

    CompletableFuture<Lease> waiting = b.pool.lease(LeaseRequest.forTemplate(TEMPLATE)
        .maxWait(Duration.ofMinutes(10)).build());
    clock.advance(Duration.ofMinutes(3)); // provisioning takes 2 minutes in westeurope
    assertThat(waiting).as("served by a worker the leader provisioned for node b's request").isCompleted();
    Lease l = waiting.join();
    assertThat(l.worker().placement().region()).isEqualTo("westeurope");
    l.close();
  }

  @Test
  public void threeNodesFailOverAndBackWithTheirEventsAsOneNodeDoes() {
    IncidentScenarioTest.failsOverWithinMinutesAndBackAfterwardsAndNoLeaseFails(
        IncidentScenarioTest.incident(mode(), 3, true));
  }

  @Test
  public void threeNodesDegradeShareTheStockFairlyAndForecastAsOneNodeDoes() {
    ResilienceScenarioTest.degradesSharesFairlyAndForecasts(ResilienceScenarioTest.bothEuRegionsFail(mode(), 3));
  }

  /** @return lease-release operations per thread in the concurrent test */
  protected int concurrentOperations() {
    return 2_000;
  }

  private static boolean leaseOf(Node n, Lease l) {
    return n.leases.contains(l);
  }

  /**
   * Whether a lease may still be in use by its holder: not ended by it and not past its deadline (a crashed node's
   * leases stay held until then: the node cannot say it is done).
   */
  private static boolean held(Lease l) {
    return l.isActive();
  }
}
