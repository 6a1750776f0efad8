package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.ResourceState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredWorker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated scripts over 2 to 4 nodes (and nodes that join later) sharing one store (a subclass says which: the
 * in-memory one here, PostgreSQL in store-jdbc under {@code -Psoak}), one fake cloud with generated faults and one
 * virtual clock: leases of several tenants and priorities, releases, discards, renewals,
 * crashes, pauses (a leader that sleeps past its leadership), store outages of one node or of all, joins, graceful
 * leaves and reconciliations. After every step: no worker is held by two live leases, fencing tokens only grow, a
 * worker never serves two tenants nor more than maxUses leases, the store accepts no write of a stale leader, at most
 * one settled node believes it leads, a leader that slept while another took over makes no provider call when it wakes,
 * a node cut off from the store makes none once a leadership would have lapsed, and a lease a node ended is ended in
 * the store. After the script: the cloud's inventory equals the store's workers, the warm target is back, and the last
 * node to close leaves nothing behind.
 */
public abstract class SharedPoolProperties {

  /** @return a new, empty store that the nodes of one run share */
  protected abstract PoolStore newStore();

  static final String POOL = "shared-props";
  static final String TEMPLATE = "linux";
  static final List<String> TENANTS = List.of("acme", "globex", "initech");
  static final List<String> NAMES = List.of("a", "b", "c", "d", "e");
  static final Duration FAULT_SPAN = Duration.ofMinutes(60);

  // ---------------------------------------------------------------- the generated script

  /** What goes wrong in the cloud. */
  enum CloudFault { TRANSIENT_FAILURES, LOST_RESPONSES, CAPACITY, THROTTLING, FAILING_DELETES, EXTERNAL_DELETION }

  /** One fault window, in minutes from the start; all end within {@link #FAULT_SPAN}. */
  record FaultSpec(CloudFault kind, int fromMinute, int minutes, int percent) {
    Fault fault(Instant t0) {
      Instant from = t0.plus(Duration.ofMinutes(fromMinute));
      Instant until = from.plus(Duration.ofMinutes(minutes));
      double rate = percent / 100.0;
      return switch (kind) {
        case TRANSIENT_FAILURES -> Faults.outage().during(from, until).failureRate(rate);
        case LOST_RESPONSES -> Faults.lostResponses().operations(Operation.PROVISION, Operation.DEPROVISION)
            .during(from, until).failureRate(rate);
        case CAPACITY -> (percent % 2 == 0 ? Faults.capacityError("westeurope") : Faults.capacityError())
            .during(from, until).failureRate(rate);
        case THROTTLING -> Faults.throttling().retryAfter(Duration.ofSeconds(percent)).during(from, until)
            .failureRate(rate);
        case FAILING_DELETES -> Faults.failingDeletes().during(from, until).failureRate(rate);
        case EXTERNAL_DELETION -> Faults.externalDeletion().at(from).count(1 + percent % 3);
      };
    }
  }

  /** The pool's one template; one that recycles has a max idle time and a max age, so the leader churns it. */
  record TemplateSpec(int warmTarget, int maxTotal, int maxUses, boolean recycles) {
    WorkerTemplate template() {
      WorkerTemplate.Builder b = WorkerTemplate.builder(TEMPLATE).warmTarget(warmTarget).maxTotal(maxTotal)
          .maxUses(maxUses);
      if (recycles) {
        b.maxIdleTime(Duration.ofMinutes(7)).maxAge(Duration.ofMinutes(25));
      }
      return b.build();
    }
  }

  /** One step of the script; a step that names a node that does not exist, died or sleeps does nothing. */
  sealed interface Action {}

  /** {@code lease()} on a node; leaseMinutes 0 means no duration. */
  record LeaseOn(String node, String tenant, int priority, int leaseMinutes, int maxWaitSeconds) implements Action {}

  /** Closes the open lease at {@code index} (modulo the open leases). */
  record Release(int index) implements Action {}

  /** Discards the open lease at {@code index}. */
  record Discard(int index) implements Action {}

  /** Renews the open lease at {@code index}. */
  record Renew(int index, int minutes) implements Action {}

  /** Time passes. */
  record Advance(int seconds) implements Action {}

  /** The node's process dies: nothing it scheduled runs again; its leases stay held until their deadline. */
  record Crash(String node) implements Action {}

  /** A stop-the-world pause of the node: the cloud and the other nodes go on. */
  record Pause(String node) implements Action {}

  /** The paused node wakes up. */
  record Resume(String node) implements Action {}

  /** The store becomes unreachable for one node, or for all ({@code "*"}). */
  record StoreDown(String node) implements Action {}

  /** The store answers again for one node, or for all ({@code "*"}: ends every outage). */
  record StoreUp(String node) implements Action {}

  /** A new node joins the pool. */
  record Join() implements Action {}

  /** The node closes: a graceful leave (its leases have the close grace period, then are discarded). */
  record Leave(String node) implements Action {}

  /** {@code reconcile()} on every awake node (only the leader's succeeds). */
  record Reconcile() implements Action {}

  @Provide
  public Arbitrary<FaultSpec> fault() {
    return Combinators.combine(Arbitraries.of(CloudFault.class), Arbitraries.integers().between(0, 45),
        Arbitraries.integers().between(1, 15), Arbitraries.integers().between(10, 100)).as(FaultSpec::new);
  }

  @Provide
  public Arbitrary<TemplateSpec> template() {
    return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(5, 10),
        Arbitraries.of(1, 3, 3, 5), Arbitraries.of(false, false, true)).as(TemplateSpec::new);
  }

  @Provide
  public Arbitrary<Action> action() {
    Arbitrary<String> node = Arbitraries.frequency(Tuple.of(4, "a"), Tuple.of(4, "b"), Tuple.of(2, "c"),
        Tuple.of(1, "d"), Tuple.of(1, "e"));
    Arbitrary<String> target = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("*")), Tuple.of(2, node));
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 9);
    return Arbitraries.frequencyOf(
        Tuple.of(16, Combinators.combine(node, Arbitraries.of(TENANTS), Arbitraries.integers().between(0, 2),
            Arbitraries.of(0, 0, 1, 5, 30), Arbitraries.of(0, 30, 120)).as(LeaseOn::new)),
        Tuple.of(12, index.map(Release::new)),
        Tuple.of(1, index.map(Discard::new)),
        Tuple.of(1, Combinators.combine(index, Arbitraries.integers().between(1, 30)).as(Renew::new)),
        Tuple.of(7, Arbitraries.frequency(Tuple.of(3, 5), Tuple.of(3, 20), Tuple.of(2, 60), Tuple.of(2, 300),
            Tuple.of(1, 900)).map(Advance::new)),
        Tuple.of(1, node.map(Crash::new)),
        Tuple.of(1, node.map(Pause::new)),
        Tuple.of(1, node.map(Resume::new)),
        Tuple.of(1, target.map(StoreDown::new)),
        Tuple.of(1, target.map(StoreUp::new)),
        Tuple.of(1, Arbitraries.just(new Join())),
        Tuple.of(1, node.map(Leave::new)),
        Tuple.of(1, Arbitraries.just(new Reconcile())));
  }

  // ---------------------------------------------------------------- the property

  @Provide
  public Arbitrary<List<Action>> script() {
    return action().list().ofMinSize(1).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 80, edgeCases = EdgeCasesMode.NONE)
  public void nodesSharingOnePoolKeepItsInvariantsWhateverTheScript(
      @ForAll @IntRange(min = 2, max = 4) int initialNodes,
      @ForAll("template") TemplateSpec template,
      @ForAll @Size(max = 3) List<@From("fault") FaultSpec> faults,
      @ForAll("script") List<Action> script,
      @ForAll boolean shortLeadership,
      @ForAll @IntRange(min = 0, max = 1000) int seed) throws Exception {
    World world = run(newStore(), initialNodes, template, faults, script, shortLeadership, seed);
    Statistics.label("stale leader woke").collect(world.staleWakes > 0);
    Statistics.label("stale writes refused").collect(world.staleRefusals() > 0);
    int grants = world.grantByLease.size();
    Statistics.label("grants").collect(grants < 5 ? "<5" : grants < 10 ? "<10" : grants < 20 ? "<20" : ">=20");
    Statistics.label("a worker served twice").collect(world.lastToken.values().stream().anyMatch(t -> t > 1));
    Statistics.label("a node crashed").collect(world.nodes.stream().anyMatch(n -> n.dead));
    Statistics.label("grants refused by an outage").collect(world.nodes.stream()
        .anyMatch(n -> n.store.callsWhileDown.get() > 0));
  }

  /** Runs a script and the recovery after it; every check fails the run at once. */
  static World run(PoolStore store, int initialNodes, TemplateSpec template, List<FaultSpec> faults,
      List<Action> script, boolean shortLeadership, int seed) throws Exception {
    World world = new World(store, template, faults, seed, Duration.ofSeconds(shortLeadership ? 6 : 15));
    for (int i = 0; i < initialNodes; i++) {
      world.join();
    }
    world.advance(Duration.ofMinutes(4)); // the first workers are ready: the script starts on a warm pool
    for (Action a : script) {
      world.perform(a);
      world.step();
    }
    world.recoverAndCheck();
    return world;
  }

  // the bugs these properties found in SharedPoolEngine, pinned as fixed scripts

  @Example
  public void reconcileOnANodeThatCannotReachTheStoreFailsInsteadOfHanging() throws Exception {
    run(newStore(), 2, new TemplateSpec(1, 5, 1, false), List.of(), List.of(new StoreDown("*"), new Reconcile()),
        false, 0);
  }

  @Example
  public void reconcileRequestedFromALeaderThatLosesItsLeadershipFailsInsteadOfHanging() throws Exception {
    // node a leads; cut off from the store, it queues the request, and node b takes over meanwhile
    run(newStore(), 2, new TemplateSpec(1, 5, 1, false), List.of(), List.of(new StoreDown("a"), new Reconcile(),
        new Advance(60), new StoreUp("a"), new Advance(20)), false, 0);
  }

  @Example
  public void reconcileRequestedFromALeaderThatClosesWhileListingFailsInsteadOfHanging() throws Exception {
    run(newStore(), 2, new TemplateSpec(1, 5, 1, false), List.of(), List.of(new Reconcile(), new Leave("a")), false, 0);
  }

  /** A focused script: the leader sleeps past its leadership while provisions and deletes are in flight. */
  @Property(tries = 20)
  public void aLeaderThatSleptPastItsLeadershipMakesNoProviderCallWhenItWakes(
      @ForAll @IntRange(min = 2, max = 3) int nodes,
      @ForAll("template") TemplateSpec template,
      @ForAll @Size(max = 2) List<@From("fault") FaultSpec> faults,
      @ForAll @IntRange(min = 3, max = 8) int leasesBefore,
      @ForAll @IntRange(min = 0, max = 90) int secondsBeforePause,
      @ForAll @IntRange(min = 7, max = 600) int pauseSeconds,
      @ForAll boolean whileListing,
      @ForAll @IntRange(min = 0, max = 1000) int seed) throws Exception {
    // one use per worker: every release starts a replacement, so the leader falls asleep with provisions in flight
    TemplateSpec oneUse = new TemplateSpec(template.warmTarget(), template.maxTotal(), 1, template.recycles());
    World world = new World(newStore(), oneUse, faults, seed, Duration.ofSeconds(6));
    for (int i = 0; i < nodes; i++) {
      world.join();
    }
    world.advance(Duration.ofMinutes(8));
    Node other = world.nodes.get(world.nodes.size() - 1);
    for (int i = 0; i < leasesBefore; i++) {
      world.perform(new LeaseOn(other.name, TENANTS.get(i % TENANTS.size()), 0, 0, 0));
      world.step();
      world.perform(new Release(0));
      world.step();
    }
    world.advance(Duration.ofSeconds(secondsBeforePause));
    Node leader = world.nodes.stream().filter(n -> n.leads()).findFirst().orElseThrow();
    if (whileListing) {
      world.perform(new Reconcile()); // it falls asleep with its listing in flight
      world.step();
    }
    world.perform(new Pause(leader.name));
    world.advance(Duration.ofSeconds(pauseSeconds));
    world.perform(new Resume(leader.name));
    world.step();
    world.advance(Duration.ofMinutes(2));
    world.recoverAndCheck();
    Statistics.label("stale leader woke").collect(world.staleWakes > 0);
    Statistics.label("stale writes refused").collect(world.staleRefusals() > 0);
  }

  // ---------------------------------------------------------------- the world the script runs in

  /** One orchestrator node: its clock view, its store connection, its provider, its pool. */
  static final class Node {
    final String name;
    final NodeClock clock;
    final OutageStore store;
    final CountingProvider provider;
    final WorkerPool pool;
    final List<PoolEvent> events = new ArrayList<>();
    boolean dead;
    boolean paused;
    CompletableFuture<Void> left;
    boolean cutOff;
    Instant downSince;
    Integer writesWhenLapsed;
    Instant settlingSince;
    // a leader that slept while another took over: its provider writes when it woke, until it leads again
    Integer writesAtWake;
    int acquiredAtWake;
    boolean ledWhenPaused;
    long epochWhenPaused;

    Node(String name, World w) {
      this.name = name;
      this.clock = new NodeClock(w.clock);
      this.store = new OutageStore(w.checkedStore);
      this.provider = new CountingProvider(w.cloud.provider());
      WorkerPools.Builder b = WorkerPools.builder().poolId(POOL).clock(clock).store(store).nodeId(name)
          .template(w.template.template())
          .provider("fake", provider)
          .listener(events::add)
          .eventExecutor(Runnable::run)
          .controlInterval(Duration.ofSeconds(5))
          .leadershipTimeout(w.leadershipTimeout)
          .reconcileInterval(Duration.ofMinutes(5))
          .orphanGracePeriod(Duration.ofMinutes(5))
          .closeGracePeriod(Duration.ofSeconds(30));
      w.cloud.placements().forEach(b::placement);
      this.pool = b.build();
      this.settlingSince = w.clock.now();
    }

    boolean awake() {
      return !dead && !paused && left == null;
    }

    boolean live() {
      return !dead && left == null;
    }

    /**
     * Whether the node believes it leads, as its own events say (they are delivered on the node's thread as they
     * happen): it acquired the leadership and has not lost it since.
     */
    boolean leads() {
      for (int i = events.size() - 1; i >= 0; i--) {
        PoolEvent e = events.get(i);
        if (e instanceof PoolEvent.LeadershipAcquired) {
          return true;
        }
        if (e instanceof PoolEvent.LeadershipLost) {
          return false;
        }
      }
      return false;
    }

    long acquired() {
      return events.stream().filter(e -> e instanceof PoolEvent.LeadershipAcquired).count();
    }

    long lastEpoch() {
      return events.stream().filter(e -> e instanceof PoolEvent.LeadershipAcquired)
          .mapToLong(e -> ((PoolEvent.LeadershipAcquired) e).epoch()).max().orElse(0);
    }

    @Override
    public String toString() {
      return "node " + name + (dead ? " (dead)" : paused ? " (paused)" : left != null ? " (left)" : "");
    }
  }

  /** A lease the script holds, with the node that granted it. */
  record Held(Node node, Lease lease) {}

  /** A lease request not answered yet. */
  record Pending(Node node, CompletableFuture<Lease> future, Instant deadline, LeaseRequest request) {}

  /** A lease the script ended, until its node wrote the end to the store. */
  record Ended(Node node, Lease lease, Instant at) {}

  /** The shared store, the cloud, the clock, the nodes, and what the checks remember. */
  static final class World {
    final VirtualClock clock = new VirtualClock();
    final Instant t0 = clock.now();
    final TemplateSpec template;
    final Duration leadershipTimeout;
    final Duration tick;
    final FakeCloud cloud;
    final PoolStore store;
    final PoolStore checkedStore;
    final List<Node> nodes = new ArrayList<>();
    final List<Held> open = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();
    final List<Ended> ended = new ArrayList<>();
    final List<Map.Entry<Node, CompletableFuture<Void>>> reconciles = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    // what the grants told: per worker, the lease that holds it (once delivered), its last token, its tenant
    final Map<String, Lease> holders = new HashMap<>();
    final Map<String, Long> lastToken = new HashMap<>();
    final Map<String, String> tenantOf = new HashMap<>();
    final Map<String, StoredWorker> grantByLease = new HashMap<>();
    boolean allCutOff;
    int staleWakes;

    World(PoolStore store, TemplateSpec template, List<FaultSpec> faults, int seed,
        Duration leadershipTimeout) {
      this.store = store;
      this.template = template;
      this.leadershipTimeout = leadershipTimeout;
      Duration third = leadershipTimeout.dividedBy(3);
      this.tick = third.compareTo(Duration.ofSeconds(5)) < 0 ? third : Duration.ofSeconds(5);
      this.cloud = FakeCloud.builder().seed(seed).clock(clock)
          .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(1), Duration.ofMinutes(3)))
          .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(2)))
          .faults(faults.stream().map(f -> f.fault(t0)).toArray(Fault[]::new))
          .build();
      this.checkedStore = checked(store);
    }

    /**
     * The shared store as every node reaches it, checking at the source what each call grants and which leader
     * writes it accepts.
     */
    private PoolStore checked(PoolStore raw) {
      return (PoolStore) Proxy.newProxyInstance(PoolStore.class.getClassLoader(), new Class<?>[] {PoolStore.class},
          (proxy, method, args) -> {
            Object result;
            try {
              result = method.invoke(raw, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
            switch (method.getName()) {
              case "grant" -> {
                if (result instanceof Optional<?> o && o.orElse(null) instanceof StoredWorker w) {
                  granted(w);
                }
              }
              case "insert", "replace", "delete" -> {
                if (Boolean.TRUE.equals(result)) {
                  leaderWrote(method.getName(), (Long) args[1]);
                }
              }
              case "putPlacementHealth" -> leaderWrote("putPlacementHealth", (Long) args[1]);
              default -> {
                // reads, leases' own writes and node bookkeeping carry no epoch
              }
            }
            return result;
          });
    }

    /** Checks a grant the store just made, before the node builds its lease. */
    private void granted(StoredWorker w) {
      Lease before = holders.get(w.id());
      if (before != null && before.isActive()) {
        violations.add("worker " + w.id() + " granted as lease " + w.leaseId() + " on node " + w.holder()
            + " while lease " + before.id() + " still holds it, at " + clock.now());
      }
      long last = lastToken.getOrDefault(w.id(), 0L);
      if (w.grants() <= last) {
        violations.add("worker " + w.id() + " granted with token " + w.grants() + " after token " + last);
      }
      lastToken.put(w.id(), w.grants());
      if (w.grants() > template.maxUses()) {
        violations.add("worker " + w.id() + " granted " + w.grants() + " times, maxUses " + template.maxUses());
      }
      String first = tenantOf.putIfAbsent(w.id(), w.tenant());
      if (first != null && !first.equals(w.tenant())) {
        violations.add("worker " + w.id() + " served tenant " + first + ", then was granted to " + w.tenant());
      }
      grantByLease.put(w.leaseId(), w);
    }

    private void leaderWrote(String what, long epoch) {
      long current = store.leadership(POOL).map(Leadership::epoch).orElse(0L);
      if (epoch != current) {
        violations.add("the store accepted " + what + " of epoch " + epoch + " while epoch " + current + " leads, at "
            + clock.now());
      }
    }

    /** A lease reached its holder (at once or from a waiting request). */
    private void delivered(Node n, LeaseRequest request, Lease l) {
      StoredWorker g = grantByLease.get(l.id());
      if (g == null || !g.id().equals(l.worker().id()) || g.grants() != l.fencingToken()) {
        violations.add("lease " + l + " (token " + l.fencingToken() + ") is not what the store granted: " + g);
      }
      if (!request.tenant().equals(l.tenant())) {
        violations.add("lease " + l + " for tenant " + request.tenant() + " carries tenant " + l.tenant());
      }
      holders.put(l.worker().id(), l);
      open.add(new Held(n, l));
    }

    Node join() {
      if (nodes.size() >= NAMES.size()) {
        return null;
      }
      Node n = new Node(NAMES.get(nodes.size()), this);
      nodes.add(n);
      applyOutages();
      return n;
    }

    private static Set<String> ids(List<FakeResource> resources, ResourceState state) {
      return resources.stream().filter(r -> r.state() == state).map(FakeResource::workerId)
          .collect(Collectors.toSet());
    }

    private static Set<String> ids(List<StoredWorker> workers, StoredWorker.State state) {
      return workers.stream().filter(w -> w.state() == state).map(StoredWorker::id).collect(Collectors.toSet());
    }

    private Optional<Node> node(String name) {
      return nodes.stream().filter(n -> n.name.equals(name)).findFirst();
    }

    private Optional<Node> awake(String name) {
      return node(name).filter(Node::awake);
    }

    private void applyOutages() {
      for (Node n : nodes) {
        boolean down = allCutOff || n.cutOff;
        n.store.down(down);
        if (!down) {
          n.downSince = null;
          n.writesWhenLapsed = null;
        } else if (n.downSince == null) {
          n.downSince = clock.now();
        }
      }
    }

    /** Leases the script can still act on: their node is awake. */
    private List<Held> actionable() {
      return open.stream().filter(h -> h.node().awake()).toList();
    }

    private Optional<Held> pick(int index) {
      List<Held> a = actionable();
      return a.isEmpty() ? Optional.empty() : Optional.of(a.get(index % a.size()));
    }

    void perform(Action action) {
      Instant now = clock.now();
      if (action instanceof LeaseOn l) {
        awake(l.node()).ifPresent(n -> {
          LeaseRequest.Builder b = LeaseRequest.forTemplate(TEMPLATE).tenant(l.tenant()).priority(l.priority())
              .maxWait(Duration.ofSeconds(l.maxWaitSeconds()));
          if (l.leaseMinutes() > 0) {
            b.leaseDuration(Duration.ofMinutes(l.leaseMinutes()));
          }
          LeaseRequest r = b.build();
          CompletableFuture<Lease> f = n.pool.lease(r);
          f.thenAccept(lease -> delivered(n, r, lease));
          pending.add(new Pending(n, f, now.plus(r.maxWait()), r));
        });
      } else if (action instanceof Release r) {
        pick(r.index()).ifPresent(h -> {
          open.remove(h);
          h.lease().close();
          ended.add(new Ended(h.node(), h.lease(), now));
        });
      } else if (action instanceof Discard d) {
        pick(d.index()).ifPresent(h -> {
          open.remove(h);
          h.lease().discard();
          ended.add(new Ended(h.node(), h.lease(), now));
        });
      } else if (action instanceof Renew r) {
        pick(r.index()).filter(h -> h.lease().isActive()).ifPresent(h -> {
          try {
            h.lease().renew(Duration.ofMinutes(r.minutes()));
          } catch (IllegalStateException reclaimed) {
            open.remove(h); // expired at the store meanwhile: the leader reclaims its worker
          } catch (StoreUnavailableException down) {
            // the deadline did not move
          }
        });
      } else if (action instanceof Advance a) {
        advance(Duration.ofSeconds(a.seconds()));
      } else if (action instanceof Crash c) {
        node(c.node()).filter(n -> !n.dead).ifPresent(n -> {
          n.clock.crash();
          n.dead = true;
          open.removeIf(h -> h.node() == n); // its holders died with it; their leases stay held until deadline
        });
      } else if (action instanceof Pause p) {
        awake(p.node()).ifPresent(n -> {
          n.clock.pause();
          n.paused = true;
          n.ledWhenPaused = n.leads();
          n.epochWhenPaused = n.lastEpoch();
        });
      } else if (action instanceof Resume r) {
        node(r.node()).filter(n -> n.paused && !n.dead).ifPresent(this::resume);
      } else if (action instanceof StoreDown d) {
        if (d.node().equals("*")) {
          allCutOff = true;
        } else {
          node(d.node()).ifPresent(n -> n.cutOff = true);
        }
        applyOutages();
      } else if (action instanceof StoreUp u) {
        if (u.node().equals("*")) {
          allCutOff = false;
          nodes.forEach(n -> n.cutOff = false);
        } else {
          node(u.node()).ifPresent(n -> n.cutOff = false);
        }
        nodes.forEach(n -> n.settlingSince = now);
        applyOutages();
      } else if (action instanceof Join) {
        join();
      } else if (action instanceof Leave l) {
        awake(l.node()).ifPresent(n -> n.left = n.pool.closeAsync());
      } else if (action instanceof Reconcile) {
        for (Node n : nodes) {
          if (n.awake()) {
            reconciles.add(Map.entry(n, n.pool.reconcile()));
          }
        }
      }
    }

    private void resume(Node n) {
      n.paused = false;
      n.settlingSince = clock.now();
      Optional<Leadership> l = store.leadership(POOL);
      if (n.ledWhenPaused && l.isPresent() && l.get().epoch() > n.epochWhenPaused) {
        // another node took over while it slept: from now on it must not touch the cloud until it leads again
        n.writesAtWake = n.provider.writes();
        n.acquiredAtWake = (int) n.acquired();
        staleWakes++;
      }
      n.clock.resume();
    }

    void advance(Duration d) {
      Instant end = clock.now().plus(d);
      // in steps of one second, so the checks see each instant a leader could be wrong at
      while (clock.now().isBefore(end)) {
        Instant next = clock.now().plus(Duration.ofSeconds(1));
        clock.runUntil(next.isAfter(end) ? end : next);
        check();
      }
    }

    /** Runs what is due and checks the invariants. */
    void step() {
      clock.runDue();
      check();
    }

    int staleRefusals() {
      return nodes.stream().mapToInt(n -> n.store.staleRefusals.get()).sum();
    }

    private void check() {
      Instant now = clock.now();
      assertThat(violations).as("violations at %s", now).isEmpty();
      // 3. at most one settled node (awake, reaching the store, for longer than a pass) believes it leads, and the
      // store agrees with it
      List<Node> believers = nodes.stream()
          .filter(n -> n.awake() && !allCutOff && !n.cutOff && !now.isBefore(n.settlingSince.plus(tick).plusSeconds(1)))
          .filter(n -> n.leads()).toList();
      assertThat(believers).as("settled nodes that believe they lead at %s", now).hasSizeLessThanOrEqualTo(1);
      for (Node n : believers) {
        Optional<Leadership> l = store.leadership(POOL);
        assertThat(l).as("%s believes it leads at %s", n, now)
            .hasValueSatisfying(x -> assertThat(x.node()).isEqualTo(n.name));
      }
      // a leader that slept while another took over makes no provider write when it wakes, until it leads again
      for (Node n : nodes) {
        if (n.writesAtWake != null) {
          if (n.acquired() > n.acquiredAtWake) {
            n.writesAtWake = null;
          } else {
            assertThat(n.provider.writes()).as("provider writes of %s after it woke as a stale leader", n)
                .isEqualTo(n.writesAtWake);
          }
        }
      }
      // a lease a node ended is ended in the store too, at once or within a pass of the store answering again
      if (!ended.isEmpty()) {
        Map<String, StoredWorker> byLease = new HashMap<>();
        store.workers(POOL).stream().filter(w -> w.leaseId() != null).forEach(w -> byLease.put(w.leaseId(), w));
        ended.removeIf(e -> {
          Instant since = e.at().isAfter(e.node().settlingSince) ? e.at() : e.node().settlingSince;
          if (!e.node().awake() || allCutOff || e.node().cutOff || now.isBefore(since.plus(tick).plusSeconds(1))) {
            return !e.node().live(); // not written yet; a node that died or left is not asked to write it
          }
          StoredWorker w = byLease.get(e.lease().id());
          assertThat(w == null || w.state() != StoredWorker.State.LEASED)
              .as("%s ended lease %s at %s; the store still holds it: %s", e.node(), e.lease().id(), e.at(), w)
              .isTrue();
          return true;
        });
      }
      // a node cut off from the store for longer than a leadership lasts makes no provider write
      for (Node n : nodes) {
        if (n.downSince != null && !now.isBefore(n.downSince.plus(leadershipTimeout.multipliedBy(2).dividedBy(3)))) {
          if (n.writesWhenLapsed == null) {
            n.writesWhenLapsed = n.provider.writes();
          } else {
            assertThat(n.provider.writes()).as("provider writes of %s, cut off from the store since %s", n,
                n.downSince).isEqualTo(n.writesWhenLapsed);
          }
        }
      }
      // a request never waits past its maximum wait on an awake node
      pending.removeIf(p -> p.future().isDone());
      for (Pending p : pending) {
        if (p.node().awake() && now.isAfter(p.deadline().plus(tick))) {
          assertThat(p.future()).as("%s's request %s, due at %s", p.node(), p.request(), p.deadline()).isDone();
        }
      }
    }

    /**
     * Ends every fault, releases every lease the script holds, lets time pass well beyond deadlines, orphan grace
     * and cooldowns, reconciles, and checks the pool is whole; then closes the nodes one by one and checks that
     * the last one left nothing behind.
     */
    void recoverAndCheck() throws Exception {
      nodes.stream().filter(n -> n.paused && !n.dead).forEach(this::resume);
      perform(new StoreUp("*"));
      step();
      if (nodes.stream().noneMatch(Node::live)) {
        if (join() == null) {
          // every name is taken by a dead node: one more joins under a spare name
          Node n = new Node("z", this);
          nodes.add(n);
        }
        step();
      }
      for (Held h : List.copyOf(actionable())) {
        open.remove(h);
        h.lease().close();
      }
      advance(Duration.ofMinutes(3)); // waiting requests are answered or time out
      for (Held h : List.copyOf(actionable())) {
        open.remove(h);
        h.lease().close();
      }
      Instant quiet = clock.now().isAfter(t0.plus(FAULT_SPAN)) ? clock.now() : t0.plus(FAULT_SPAN);
      advance(Duration.between(clock.now(), quiet.plus(Duration.ofMinutes(40))));
      for (Node n : nodes) {
        if (n.left != null && !n.dead) {
          assertThat(n.left).as("close of %s (it left during the script)", n).isDone();
        }
      }

      Node leader = nodes.stream().filter(n -> n.live() && n.leads()).findFirst()
          .orElseThrow(() -> new AssertionError("no live node leads after the quiet period: " + nodes));
      clock.await(leader.pool.reconcile(), Duration.ofMinutes(5));
      advance(Duration.ofMinutes(10));

      for (Map.Entry<Node, CompletableFuture<Void>> r : reconciles) {
        if (!r.getKey().dead) {
          assertThat(r.getValue()).as("reconcile() on %s", r.getKey()).isDone();
        }
      }
      // 4. nothing lost, nothing leaked, the warm target is back
      List<StoredWorker> stored = store.workers(POOL);
      List<FakeResource> inCloud = cloud.resources(POOL);
      assertThat(ids(inCloud, ResourceState.RUNNING)).as("running in the cloud vs idle in the store: %s", stored)
          .isEqualTo(ids(stored, StoredWorker.State.IDLE));
      assertThat(ids(inCloud, ResourceState.CREATING)).as("creating in the cloud vs provisioning in the store: %s",
          stored).isEqualTo(ids(stored, StoredWorker.State.PROVISIONING));
      if (template.recycles()) {
        // the leader keeps replacing idle workers; one it just started deleting still counts until its next pass
        assertThat(stored).as("no lease left").noneMatch(w -> w.state() == StoredWorker.State.LEASED);
        assertThat(stored.stream().filter(w -> w.state() != StoredWorker.State.RETIRED)).as("warm target")
            .hasSizeGreaterThanOrEqualTo(template.warmTarget());
      } else {
        assertThat(stored).as("every worker idle once all leases ended").allSatisfy(w ->
            assertThat(w.state()).as("%s", w).isEqualTo(StoredWorker.State.IDLE));
        assertThat(stored).as("warm target").hasSizeGreaterThanOrEqualTo(template.warmTarget())
            .hasSizeLessThanOrEqualTo(template.maxTotal());
        assertThat(inCloud).as("the cloud's inventory settled").allSatisfy(r ->
            assertThat(r.state()).as("%s", r).isEqualTo(ResourceState.RUNNING));
      }

      // the nodes leave one by one; the last one drains the pool
      Map<String, CompletableFuture<Void>> closing = new LinkedHashMap<>();
      for (Node n : nodes) {
        if (n.live()) {
          CompletableFuture<Void> f = n.pool.closeAsync();
          closing.put(n.name, f);
          clock.await(f, Duration.ofHours(1));
        }
      }
      assertThat(closing.values()).allMatch(CompletableFuture::isDone);
      assertThat(cloud.resources(POOL)).as("left in the cloud after the last node closed").isEmpty();
      assertThat(cloud.leakedResources()).isEmpty();
      assertThat(violations).isEmpty();
    }
  }
}
