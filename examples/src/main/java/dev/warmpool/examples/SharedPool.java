package dev.warmpool.examples;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.InMemoryPoolStore;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.ResourceState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Three orchestrator nodes share one warm pool through one store: one pool's warm stock (not three), leases granted
 * on every node without a worker ever going to two, the leader crashing and another node taking over within the
 * leadership timeout, and a paused leader that wakes up and is refused by its epoch.
 *
 * <p>The nodes run in this JVM on a {@link VirtualClock} with the {@link InMemoryPoolStore}; in production each node
 * is its own process and the store is PostgreSQL ({@code JdbcPoolStore} from store-jdbc). Run it with
 * {@code ./mvnw -B -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=dev.warmpool.examples.SharedPool}.
 *
 * <p>Not thread-safe: it runs on the thread that calls {@link #run(PrintStream, PoolStore)}.
 */
public final class SharedPool {
  private static final String POOL = "shared-demo";
  private static final Duration LEADERSHIP_TIMEOUT = Duration.ofSeconds(15);

  private SharedPool() {}

  /**
   * Runs the demo on an in-memory store and prints what happens.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out, new InMemoryPoolStore());
  }

  /**
   * What the demo saw.
   *
   * @param warmWorkers workers running after the warm-up
   * @param grantedWorkers different workers the leases took
   * @param grants leases granted
   * @param takeover how long after the leader's crash another node led, or null if none did
   * @param staleLeaderFenced whether the paused leader's late write was refused by epoch
   * @param workersLeft workers running after every node closed
   */
  public record Outcome(int warmWorkers, int grantedWorkers, int grants, Duration takeover, boolean staleLeaderFenced,
      int workersLeft) {}

  /**
   * Runs the demo on a store.
   *
   * @param out where to print
   * @param store the store the three nodes share
   * @return what happened
   */
  public static Outcome run(PrintStream out, PoolStore store) {
    VirtualClock clock = new VirtualClock();
    FakeCloud cloud = FakeCloud.builder().seed(3).clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(2)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
        .build();
    WorkerTemplate template = WorkerTemplate.builder("ubuntu-22").warmTarget(6).maxTotal(20).maxUses(1).build();
    Map<String, NodeClock> clocks = new LinkedHashMap<>();
    Map<String, WorkerPool> nodes = new LinkedHashMap<>();
    List<String> fenced = new ArrayList<>();
    for (String name : List.of("orchestrator-1", "orchestrator-2", "orchestrator-3")) {
      NodeClock nodeClock = new NodeClock(clock);
      WorkerPools.Builder b = WorkerPools.builder().poolId(POOL).clock(nodeClock)
          .store(store).nodeId(name).leadershipTimeout(LEADERSHIP_TIMEOUT)
          .template(template)
          .provider("fake", cloud.provider())
          .eventExecutor(Runnable::run)
          .listener(e -> {
            if (e instanceof PoolEvent.LeadershipAcquired a) {
              out.printf("  %s  %s leads (epoch %d)%n", a.at(), a.node(), a.epoch());
            } else if (e instanceof PoolEvent.LeadershipLost l) {
              out.printf("  %s  %s stops leading (epoch %d): %s%n", l.at(), l.node(), l.epoch(), l.reason());
              if (l.reason().contains("refused")) {
                fenced.add(l.node());
              }
            }
          });
      cloud.placements().forEach(b::placement);
      clocks.put(name, nodeClock);
      nodes.put(name, b.build());
      clock.advance(Duration.ofSeconds(1));
    }

    out.println("three nodes started; warming up (provisioning takes 2 minutes)");
    clock.advance(Duration.ofMinutes(5));
    int warm = running(cloud);
    out.printf("the cloud runs %d workers for the pool: one warm target of %d, not one per node%n", warm,
        template.warmTarget());

    List<String> granted = new ArrayList<>();
    int grants = 0;
    for (int round = 0; round < 3; round++) {
      for (Map.Entry<String, WorkerPool> n : nodes.entrySet()) {
        Optional<Lease> l = n.getValue().tryLease(LeaseRequest.of("ubuntu-22"));
        if (l.isPresent()) {
          grants++;
          granted.add(l.get().worker().id());
          l.get().close();
        }
      }
      clock.advance(Duration.ofMinutes(3));
    }
    int distinct = (int) granted.stream().distinct().count();
    out.printf("%d leases on three nodes took %d different workers (maxUses 1: never one worker twice)%n", grants,
        distinct);

    String leader = leader(store, clock.now()).orElseThrow().node();
    Instant crashAt = clock.now();
    out.printf("%s (the leader) crashes at %s%n", leader, crashAt);
    clocks.get(leader).crash();
    Duration takeover = null;
    while (takeover == null && clock.now().isBefore(crashAt.plus(LEADERSHIP_TIMEOUT.multipliedBy(2)))) {
      clock.advance(Duration.ofMillis(500));
      Optional<Leadership> l = leader(store, clock.now());
      if (l.isPresent() && !l.get().node().equals(leader)) {
        takeover = Duration.between(crashAt, clock.now());
      }
    }
    out.printf("another node took over %s after the crash (leadership timeout %s)%n", takeover, LEADERSHIP_TIMEOUT);
    nodes.remove(leader);

    String paused = leader(store, clock.now()).orElseThrow().node();
    nodes.values().iterator().next().tryLease(LeaseRequest.of("ubuntu-22")).ifPresent(Lease::close);
    clock.advance(Duration.ofSeconds(10));
    out.printf("%s (the new leader) pauses for 3 minutes with a provision in flight%n", paused);
    clocks.get(paused).pause();
    clock.advance(Duration.ofMinutes(3));
    clocks.get(paused).resume();
    clock.advance(Duration.ofMinutes(1));
    boolean wasFenced = fenced.contains(paused);
    out.printf("%s woke up; its late write was %s%n", paused, wasFenced ? "refused by epoch, so it stepped down"
        : "not refused");

    clock.advance(Duration.ofMinutes(15));
    out.printf("the pool is whole again: %d workers running%n", running(cloud));
    for (WorkerPool p : nodes.values()) {
      p.closeAsync();
    }
    clock.runUntilIdle(Duration.ofHours(1));
    int left = running(cloud);
    out.printf("all nodes closed; the last one drained the pool: %d workers left in the cloud%n", left);
    return new Outcome(warm, distinct, grants, takeover, wasFenced, left);
  }

  private static Optional<Leadership> leader(PoolStore store, Instant now) {
    return store.leadership(POOL).filter(l -> l.expiresAt().isAfter(now));
  }

  private static int running(FakeCloud cloud) {
    return (int) cloud.resources(POOL).stream().filter(r -> r.state() == ResourceState.RUNNING).count();
  }
}
