package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of lease, release, discard, renew, time passing, provisioning failures and close, with the
 * pool's invariants checked after every step, in every mode (a subclass per mode; each try has its own store).
 *
 * <p>"A worker is held by at most one live lease" is checked with the test's own bookkeeping, never with the pool's
 * answer about itself: the test records, per worker, the lease it was granted and holds, from the grant until the
 * test's {@code close()} or {@code discard()} returned or the deadline the test asked for passed; a grant of a worker
 * while the test's record says another lease holds it is a double grant.
 */
public abstract class PoolInvariantProperties implements PoolMode.Suite {

  sealed interface Op {}

  record LeaseOp(String tenant, int maxWaitMinutes, int leaseMinutes) implements Op {}

  record ReleaseOp(int index) implements Op {}

  record DiscardOp(int index) implements Op {}

  record RenewOp(int index, int minutes) implements Op {}

  record AdvanceOp(int seconds) implements Op {}

  record FailProvisioning(boolean fail) implements Op {}

  record CloseOp() implements Op {}

  /** The test's record of a lease it holds: until it closes it, or until {@code deadline} (null: none). */
  record Held(Lease lease, Instant deadline) {
    boolean heldAt(Instant now) {
      return deadline == null || now.isBefore(deadline);
    }
  }

  /** What the test holds, per worker, and the double grants it saw. */
  static final class Holdings {
    final Map<String, Held> byWorker = new HashMap<>();
    final List<String> violations = new ArrayList<>();

    void granted(Lease lease, Duration leaseDuration, Instant now) {
      String worker = lease.worker().id();
      Held before = byWorker.get(worker);
      if (before != null && before.heldAt(now)) {
        violations.add("worker " + worker + " granted as lease " + lease.id() + " at " + now + " while the test holds"
            + " it as lease " + before.lease().id() + " (until " + (before.deadline() == null ? "closed"
            : before.deadline()) + ")");
      }
      byWorker.put(worker, new Held(lease, leaseDuration == null ? null : now.plus(leaseDuration)));
    }

    void ended(Lease lease) {
      byWorker.computeIfPresent(lease.worker().id(), (w, h) -> h.lease() == lease ? null : h);
    }

    void renewed(Lease lease, Instant deadline) {
      byWorker.computeIfPresent(lease.worker().id(), (w, h) -> h.lease() == lease ? new Held(lease, deadline) : h);
    }

    long heldAt(Instant now) {
      return byWorker.values().stream().filter(h -> h.heldAt(now)).count();
    }
  }

  @Provide
  Arbitrary<Op> op() {
    Arbitrary<String> tenants = Arbitraries.of("acme", "globex", "initech");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Combinators.combine(tenants, Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(0, 40)).as(LeaseOp::new)),
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 20).map(ReleaseOp::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 20).map(DiscardOp::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.integers().between(0, 20),
            Arbitraries.integers().between(1, 30)).as(RenewOp::new)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 900).map(AdvanceOp::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(FailProvisioning::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new CloseOp())));
  }

  @Property(tries = 150)
  void invariantsHoldAfterEveryStep(@ForAll @Size(min = 1, max = 60) List<@net.jqwik.api.From("op") Op> ops,
      @ForAll boolean shared, @ForAll boolean reuse) {
    VirtualClock clock = new VirtualClock();
    Holdings holdings = new Holdings();
    TestProvider provider = new TestProvider(clock, Duration.ofMinutes(2));
    boolean[] failing = {false};
    provider.provisionFailure = r -> failing[0] ? ProviderException.transientFailure("ServiceUnavailable", "503")
        : null;
    WorkerPool pool = mode().fresh().apply(WorkerPools.builder()).poolId("prop").clock(clock)
        .template(WorkerTemplate.builder("t").warmTarget(1).maxTotal(3).maxUses(reuse ? 3 : 1)
            .shareAcrossTenants(shared).build())
        .placement(Placement.of("cloud", "westeurope", "eu"))
        .placement(Placement.of("cloud", "northeurope", "eu").withPreference(1))
        .provider("cloud", provider)
        .build();
    List<Lease> leases = new ArrayList<>();
    Map<CompletableFuture<Lease>, Instant> pending = new HashMap<>();
    Map<String, String> firstTenant = new HashMap<>();
    boolean closed = false;

    for (Op op : ops) {
      if (op instanceof LeaseOp l) {
        if (!closed) {
          LeaseRequest.Builder b = LeaseRequest.forTemplate("t").tenant(l.tenant())
              .maxWait(Duration.ofMinutes(l.maxWaitMinutes()));
          if (l.leaseMinutes() > 0) {
            b.leaseDuration(Duration.ofMinutes(l.leaseMinutes()));
          }
          LeaseRequest r = b.build();
          Duration leaseDuration = l.leaseMinutes() > 0 ? Duration.ofMinutes(l.leaseMinutes()) : null;
          CompletableFuture<Lease> f = pool.lease(r);
          f.thenAccept(lease -> holdings.granted(lease, leaseDuration, clock.now()));
          pending.put(f, clock.now().plus(r.maxWait()));
        }
      } else if (op instanceof ReleaseOp r) {
        pick(leases, r.index()).ifPresent(l -> {
          l.close();
          holdings.ended(l);
        });
      } else if (op instanceof DiscardOp d) {
        pick(leases, d.index()).ifPresent(l -> {
          l.discard();
          holdings.ended(l);
        });
      } else if (op instanceof RenewOp r) {
        pick(leases, r.index()).filter(Lease::isActive).ifPresent(l -> {
          try {
            l.renew(Duration.ofMinutes(r.minutes()));
            holdings.renewed(l, clock.now().plus(Duration.ofMinutes(r.minutes())));
          } catch (IllegalStateException expiredMeanwhile) {
            assertThat(l.isActive()).isFalse();
          }
        });
      } else if (op instanceof AdvanceOp a) {
        clock.advance(Duration.ofSeconds(a.seconds()));
      } else if (op instanceof FailProvisioning f) {
        failing[0] = f.fail();
      } else if (op instanceof CloseOp) {
        pool.closeAsync();
        closed = true;
      }
      clock.runDue();
      collect(pending, leases);
      checkInvariants(pool, provider, leases, pending, clock.now(), shared, firstTenant, holdings, closed);
    }

    failing[0] = false;
    CompletableFuture<Void> done = pool.closeAsync();
    leases.forEach(Lease::close);
    clock.advance(Duration.ofHours(2));
    assertThat(done).isCompleted();
    assertThat(pending.keySet()).allMatch(CompletableFuture::isDone);
    assertThat(provider.inventory).as("nothing left after close").isEmpty();
  }

  private static java.util.Optional<Lease> pick(List<Lease> leases, int index) {
    return leases.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(leases.get(index % leases.size()));
  }

  private static void collect(Map<CompletableFuture<Lease>, Instant> pending, List<Lease> leases) {
    pending.keySet().removeIf(f -> {
      if (!f.isDone()) {
        return false;
      }
      if (!f.isCompletedExceptionally()) {
        leases.add(f.join());
      }
      return true;
    });
  }

  private static void checkInvariants(WorkerPool pool, TestProvider provider, List<Lease> leases,
      Map<CompletableFuture<Lease>, Instant> pending, Instant now, boolean shared, Map<String, String> firstTenant,
      Holdings holdings, boolean closed) {
    // 1. no worker is held by two live leases: checked at each grant against the test's own record
    assertThat(holdings.violations).as("double grants").isEmpty();
    for (Lease l : leases) {
      // 4. a worker never serves two tenants unless the template shares
      String before = firstTenant.putIfAbsent(l.worker().id(), l.tenant());
      if (!shared && before != null) {
        assertThat(l.tenant()).as("worker %s served %s, then %s", l.worker().id(), before, l.tenant())
            .isEqualTo(before);
      }
    }
    // 2. what the provider holds is known to the pool, and every ready worker the pool counts exists
    WorkerCounts c = pool.snapshot().total();
    int ready = c.idle() + c.leased() + c.draining();
    assertThat(provider.inventory.size()).as("provider inventory vs pool %s", c)
        .isBetween(ready, c.total());
    if (!closed) { // a closing pool ends the leases still held after its grace period
      assertThat(c.leased() + c.draining()).as("leases the test holds vs pool %s", c)
          .isGreaterThanOrEqualTo((int) holdings.heldAt(now));
    }
    // 3. every request is done or still within its deadline
    pending.forEach((f, deadline) -> assertThat(now).as("request pending past its deadline").isBefore(deadline));
  }
}
