package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random fault scripts (lost responses, failing deletes, external deletions) and random crashes and restarts under
 * random demand; after the faults end, a quiet while and one reconciliation, the cloud's tagged inventory equals the
 * pool's known set, and no worker was ever held by two live leases of one pool. In every mode (a subclass per mode);
 * each try has its own store, which the pool's later generations find again.
 */
public abstract class ReconciliationProperties implements PoolMode.Suite {
  static final Duration FAULT_SPAN = Duration.ofHours(1);

  /** One fault of the script, in minutes from the start. */
  record FaultSpec(int kind, int fromMinute, int minutes, int percent) {
    Fault fault(Instant t0) {
      Instant from = t0.plus(Duration.ofMinutes(fromMinute));
      Instant until = from.plus(Duration.ofMinutes(minutes));
      double rate = percent / 100.0;
      return switch (kind) {
        case 0 -> Faults.lostResponses().operations(Operation.PROVISION).during(from, until).failureRate(rate);
        case 1 -> Faults.lostResponses().operations(Operation.DEPROVISION).during(from, until).failureRate(rate);
        case 2 -> Faults.failingDeletes().during(from, until).failureRate(rate);
        default -> Faults.externalDeletion().at(from).count(1 + percent % 3);
      };
    }
  }

  sealed interface Op {}

  record LeaseOp(int maxWaitMinutes, int leaseMinutes) implements Op {}

  record ReleaseOp(int index, boolean discard) implements Op {}

  record AdvanceOp(int seconds) implements Op {}

  record DeleteLeasedOp(int index) implements Op {}

  record CrashOp(boolean keepWarm) implements Op {}

  @Provide
  Arbitrary<FaultSpec> fault() {
    return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 45),
        Arbitraries.integers().between(1, 15), Arbitraries.integers().between(10, 100)).as(FaultSpec::new);
  }

  @Provide
  Arbitrary<Op> op() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 30))
            .as(LeaseOp::new)),
        Tuple.of(3, Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(true, false))
            .as(ReleaseOp::new)),
        Tuple.of(6, Arbitraries.integers().between(1, 900).map(AdvanceOp::new)),
        Tuple.of(1, Arbitraries.integers().between(0, 20).map(DeleteLeasedOp::new)),
        Tuple.of(1, Arbitraries.of(true, false).map(CrashOp::new)));
  }

  /** One generation of the pool: its clock view, its events, its leases. */
  static final class Generation {
    final NodeClock clock;
    final boolean keepWarm;
    final KnownWorkers known = new KnownWorkers();
    final WorkerPool pool;
    final List<Lease> leases = new ArrayList<>();
    final List<CompletableFuture<Lease>> pending = new ArrayList<>();

    Generation(PoolMode mode, VirtualClock shared, FakeCloud cloud, boolean keepWarm) {
      clock = new NodeClock(shared);
      this.keepWarm = keepWarm;
      pool = ReconciliationScenarioTest.pool(mode, clock, cloud, known, keepWarm, 2);
    }

    void collect() {
      pending.removeIf(f -> {
        if (f.isDone() && !f.isCompletedExceptionally()) {
          leases.add(f.join());
        }
        return f.isDone();
      });
      // 1. a worker is held by at most one live lease of this pool
      Set<String> held = new HashSet<>();
      for (Lease l : leases) {
        if (l.isActive()) {
          assertThat(held.add(l.worker().id())).as("worker %s held by two live leases", l.worker().id()).isTrue();
        }
      }
    }
  }

  @Property(tries = 100)
  void afterRecoveryAndOneReconciliationTheInventoryEqualsTheKnownSet(
      @ForAll @Size(max = 4) List<@From("fault") FaultSpec> faults,
      @ForAll @Size(min = 1, max = 40) List<@From("op") Op> ops,
      @ForAll @IntRange(min = 0, max = 1000) int seed, @ForAll boolean keepWarm) throws Exception {
    VirtualClock clock = new VirtualClock();
    Instant t0 = clock.now();
    FakeCloud cloud = ReconciliationScenarioTest.cloud(clock, seed,
        faults.stream().map(f -> f.fault(t0)).toArray(Fault[]::new));
    PoolMode mode = mode().fresh();
    Generation current = new Generation(mode, clock, cloud, keepWarm);

    for (Op op : ops) {
      if (op instanceof LeaseOp l) {
        LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").maxWait(Duration.ofMinutes(l.maxWaitMinutes()));
        if (l.leaseMinutes() > 0) {
          b.leaseDuration(Duration.ofMinutes(l.leaseMinutes()));
        }
        current.pending.add(current.pool.lease(b.build()));
      } else if (op instanceof ReleaseOp r) {
        if (!current.leases.isEmpty()) {
          Lease l = current.leases.get(r.index() % current.leases.size());
          if (r.discard()) {
            l.discard();
          } else {
            l.close();
          }
        }
      } else if (op instanceof AdvanceOp a) {
        clock.advance(Duration.ofSeconds(a.seconds()));
      } else if (op instanceof DeleteLeasedOp d) {
        List<Lease> live = current.leases.stream().filter(Lease::isActive).toList();
        if (!live.isEmpty()) {
          cloud.deleteExternally(live.get(d.index() % live.size()).worker().resourceId());
        }
      } else if (op instanceof CrashOp c) {
        current.clock.crash();
        // the process comes back after a second (a new generation is a new millisecond)
        clock.advance(Duration.ofSeconds(1));
        current = new Generation(mode, clock, cloud, c.keepWarm());
      }
      clock.runDue();
      current.collect();
    }

    // recovery: the faults are over, the jobs end, quiet minutes pass, then one reconciliation
    clock.runUntil(later(clock.now(), t0.plus(FAULT_SPAN).plus(Duration.ofMinutes(1))));
    current.collect();
    current.leases.forEach(Lease::close);
    clock.advance(Duration.ofMinutes(40));
    clock.await(current.pool.reconcile(), Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(2)); // orphan deletes take a minute
    current.collect();

    ReconciliationScenarioTest.storeIsTheKnownSet(mode, current.pool, current.known);
    ReconciliationScenarioTest.inventoryEqualsKnownSet(cloud, current.pool, current.known);
    ReconciliationScenarioTest.noOldOrphan(cloud, current.known, clock.now());
    ReconciliationScenarioTest.oneDeleteInFlightPerWorker(cloud);
    assertThat(current.known.of(PoolEvent.LeaseGranted.class)).extracting(PoolEvent.LeaseGranted::leaseId)
        .doesNotHaveDuplicates();

    CompletableFuture<Void> closed = current.pool.closeAsync();
    clock.await(closed, Duration.ofHours(1));
    Set<String> known = Set.copyOf(current.known.ready);
    if (current.keepWarm) {
      assertThat(cloud.resources(ReconciliationScenarioTest.POOL)).as("only idle workers are kept after close")
          .allMatch(r -> known.contains(r.workerId()));
    } else {
      assertThat(cloud.resources(ReconciliationScenarioTest.POOL)).as("left after close").isEmpty();
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
