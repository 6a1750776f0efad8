package dev.warmpool.core;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A day on the fake cloud for scenario tests: three regions (westeurope preferred, northeurope, eastus), a job
 * demand as a seeded Poisson process of tenants' lease requests, each job holding its worker a few minutes, and
 * every event and outcome recorded.
 */
final class Scenario {
  static final Instant DAY = Instant.parse("2023-03-23T00:00:00Z");

  /**
   * A tenant: its name, its share of the demand (weight), the geographies it accepts (empty: any) and its requests'
   * priority.
   */
  record Tenant(String name, int weight, Set<String> geographies, int priority) {
    Tenant(String name, int weight, Set<String> geographies) {
      this(name, weight, geographies, 0);
    }
  }

  final VirtualClock clock = new VirtualClock(DAY);
  final FakeCloud cloud;
  /** The first node's pool (the only one, unless the scenario runs on several nodes). */
  final WorkerPool pool;
  /** Every node's pool. */
  final List<WorkerPool> pools;
  /** Every node's view of {@link #clock}, when there are several nodes (one can crash: {@link #kill}). */
  final List<NodeClock> nodeClocks = new ArrayList<>();
  private final Set<WorkerPool> killed = new java.util.HashSet<>();
  final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  final Map<String, int[]> byTenant = new LinkedHashMap<>(); // granted, failed
  final List<Throwable> failures = new ArrayList<>();
  final List<Lease> granted = new ArrayList<>();
  Instant firstFailureAt;
  /**
   * Grants of a worker never leased before to a tenant that held a worker, while the template was degraded and
   * another tenant that held none had a request waiting: what rationing forbids. Counted with this class's own
   * bookkeeping of requests and leases, not the pool's.
   */
  int freshToHoldersWhileOthersWait;
  private final Map<String, Integer> holding = new java.util.HashMap<>();
  private final Map<String, Integer> outstanding = new java.util.HashMap<>();
  private final Set<String> leasedWorkers = new java.util.HashSet<>();
  private final Random random;
  private final List<Tenant> tenants;
  private final int totalWeight;
  private final double perMinute;
  private final Duration maxWait;

  Scenario(PoolMode mode, long seed, List<Fault> faults, List<Tenant> tenants, double perMinute, Duration maxWait,
      UnaryOperator<WorkerTemplate.Builder> template, UnaryOperator<WorkerPools.Builder> options) {
    this(mode, 1, seed, faults, tenants, perMinute, maxWait, template, options);
  }

  /**
   * A scenario whose pool runs on {@code nodes} nodes of {@code mode}'s store (one node: the mode's only node); each
   * request arrives at a node drawn at random, and every node's events go to {@link #events}.
   */
  Scenario(PoolMode mode, int nodes, long seed, List<Fault> faults, List<Tenant> tenants, double perMinute,
      Duration maxWait, UnaryOperator<WorkerTemplate.Builder> template, UnaryOperator<WorkerPools.Builder> options) {
    this(mode, nodes, seed, Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)), faults, tenants, perMinute,
        maxWait, template, options);
  }

  /** A scenario whose regions' provisioning takes {@code latency} (3 to 20 minutes in the others). */
  Scenario(PoolMode mode, int nodes, long seed, Latency latency, List<Fault> faults, List<Tenant> tenants,
      double perMinute, Duration maxWait, UnaryOperator<WorkerTemplate.Builder> template,
      UnaryOperator<WorkerPools.Builder> options) {
    if (nodes > 1 && !mode.hasStore()) {
      throw new IllegalArgumentException("several nodes need a store; mode " + mode + " has none");
    }
    this.random = new Random(seed);
    this.tenants = tenants;
    this.totalWeight = tenants.stream().mapToInt(Tenant::weight).sum();
    this.perMinute = perMinute;
    this.maxWait = maxWait;
    FakeCloud.Builder cb = FakeCloud.builder().seed(seed).clock(clock)
        .region("westeurope", "eu", latency)
        .region("northeurope", "eu", latency)
        .region("eastus", "us", latency);
    faults.forEach(cb::fault);
    cloud = cb.build();
    List<WorkerPool> built = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      PoolClock nodeClock = clock;
      if (nodes > 1) {
        NodeClock view = new NodeClock(clock);
        nodeClocks.add(view);
        nodeClock = view;
      }
      WorkerPools.Builder b = WorkerPools.builder()
          .poolId("incident")
          .clock(nodeClock)
          .seed(seed)
          .template(template.apply(WorkerTemplate.builder("ubuntu-22").warmTarget(40).maxTotal(400).maxUses(1))
              .build())
          .placement(Placement.of("fake", "westeurope", "eu"))
          .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
          .placement(Placement.of("fake", "eastus", "us").withPreference(2))
          .provider("fake", cloud.provider())
          .listener(events::add);
      built.add(options.apply(nodes == 1 ? mode.apply(b) : mode.node(b, "node-" + i)).build());
    }
    pools = List.copyOf(built);
    pool = pools.get(0);
    tenants.forEach(t -> byTenant.put(t.name(), new int[2]));
  }

  /** Warms the pool up, then runs the demand from {@code from} to {@code until}, then lets the pool settle. */
  Scenario run(Instant from, Instant until) {
    clock.runUntil(from);
    scheduleArrival(until);
    clock.runUntil(until.plus(maxWait).plus(Duration.ofMinutes(30)));
    return this;
  }

  private void scheduleArrival(Instant until) {
    double minutes = -Math.log(1 - random.nextDouble()) / perMinute;
    Duration gap = Duration.ofMillis((long) (minutes * 60_000));
    if (clock.now().plus(gap).isAfter(until)) {
      return;
    }
    clock.schedule(gap, () -> {
      arrive();
      scheduleArrival(until);
    });
  }

  private void arrive() {
    Tenant tenant = pickTenant();
    LeaseRequest request = LeaseRequest.forTemplate("ubuntu-22").tenant(tenant.name())
        .geographies(tenant.geographies()).priority(tenant.priority()).maxWait(maxWait).build();
    Duration hold = Duration.ofMinutes(3 + random.nextInt(8));
    List<WorkerPool> live = pools.stream().filter(p -> !killed.contains(p)).toList();
    WorkerPool node = live.size() == 1 ? live.get(0) : live.get(random.nextInt(live.size()));
    outstanding.merge(tenant.name(), 1, Integer::sum);
    node.lease(request).whenComplete((lease, failure) -> {
      outstanding.merge(tenant.name(), -1, Integer::sum);
      if (lease != null) {
        boolean fresh = leasedWorkers.add(lease.worker().id());
        boolean othersWithNoneWait = outstanding.entrySet().stream().anyMatch(e -> e.getValue() > 0
            && !e.getKey().equals(tenant.name()) && holding.getOrDefault(e.getKey(), 0) == 0);
        if (fresh && holding.getOrDefault(tenant.name(), 0) > 0 && othersWithNoneWait
            && node.snapshot().template("ubuntu-22").orElseThrow().degraded()) {
          freshToHoldersWhileOthersWait++;
        }
        holding.merge(tenant.name(), 1, Integer::sum);
        clock.schedule(hold, () -> holding.merge(tenant.name(), -1, Integer::sum));
      }
      if (failure != null) {
        failures.add(failure);
        byTenant.get(tenant.name())[1]++;
        if (firstFailureAt == null) {
          firstFailureAt = clock.now();
        }
        return;
      }
      granted.add(lease);
      byTenant.get(tenant.name())[0]++;
      clock.schedule(hold, lease::close);
    });
  }

  private Tenant pickTenant() {
    int r = random.nextInt(totalWeight);
    for (Tenant t : tenants) {
      r -= t.weight();
      if (r < 0) {
        return t;
      }
    }
    throw new AssertionError("unreachable");
  }

  /**
   * Kills a node of a scenario on several nodes: its process stops (its clock runs nothing any more, so it renews no
   * leadership and closes nothing) and new requests go to the other nodes.
   */
  void kill(WorkerPool node) {
    nodeClocks.get(pools.indexOf(node)).crash();
    killed.add(node);
  }

  <E extends PoolEvent> List<E> events(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <E extends PoolEvent> Instant first(Class<E> type) {
    return events(type).stream().map(PoolEvent::at).findFirst().orElse(null);
  }

  static Instant at(String hhmm) {
    return Instant.parse("2023-03-23T" + hhmm + ":00Z");
  }

  static List<Tenant> euTenants(int n) {
    List<Tenant> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(new Tenant("tenant-" + i, 1, Set.of("eu")));
    }
    return list;
  }
}
