package dev.warmpool.core;

import static dev.warmpool.core.Scenario.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.Call;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Supply that keeps up with a slow placement, and rationing while degraded: on the fake cloud, through the public API,
 * in every mode (a subclass per mode).
 */
public abstract class SupplyScenarioTest implements PoolMode.Suite {
  private static final Instant SLOW_FROM = at("02:00");
  private static final Instant SLOW_UNTIL = at("05:00");

  /**
   * westeurope's creates take {@code factor} times as long from 02:00 to 05:00 (2 to 6 minutes otherwise, so even
   * the slow ones finish within the provisioning timeout: the placement never fails, it only gets slow); two leases a
   * minute from six eu tenants, 20 workers kept warm, each request waits at most 5 minutes.
   */
  private Scenario slowdown(double factor, long seed, UnaryOperator<WorkerPools.Builder> options) {
    List<Fault> faults = factor == 1 ? List.of()
        : List.of(Faults.slowdown("westeurope", factor).from(SLOW_FROM).until(SLOW_UNTIL));
    return new Scenario(mode().fresh(), 1, seed, Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(6)), faults,
        Scenario.euTenants(6), 2.0, Duration.ofMinutes(5), t -> t.warmTarget(20), options)
        .run(at("00:30"), at("06:00"));
  }

  @Test
  void aSlowPlacementSpillsToTheNextHealthyOneBeforeAnyLeaseFails() {
    for (long seed : new long[] {21, 22}) {
      Scenario s = slowdown(4, seed, o -> o);
      assertThat(s.failures).as("failed leases, seed %d", seed).isEmpty();
      PoolEvent.SupplySpilledOver spill = s.events(PoolEvent.SupplySpilledOver.class).get(0);
      assertThat(spill.from().region()).isEqualTo("westeurope");
      assertThat(spill.to().region()).isEqualTo("northeurope");
      assertThat(spill.at()).as("spill, seed %d", seed).isAfter(SLOW_FROM).isBefore(SLOW_FROM.plus(Duration.ofMinutes(30)));
      assertThat(spill.reason()).contains("westeurope refills in", "lasts");
      assertThat(s.events(PoolEvent.AlertRaised.class)).filteredOn(a -> a.alert().key().equals("supply:ubuntu-22"))
          .first().satisfies(a -> assertThat(a.at()).isEqualTo(spill.at()))
          .satisfies(a -> assertThat(a.alert().message()).contains("new workers also go to fake/northeurope"));
      assertThat(s.events(PoolEvent.WorkerProvisioned.class)).as("northeurope refills the stock meanwhile")
          .anyMatch(e -> e.placement().region().equals("northeurope") && e.at().isBefore(SLOW_UNTIL));
      // Little's law: two leases a minute, creates four times slower than usual: more than the old default cap of 10
      assertThat(maxInFlight(s, "westeurope")).as("most creates in flight in westeurope").isBetween(11, 100);
    }
  }

  @Test
  void withoutSlowdownNothingSpillsAndNoSupplyAlertIsRaised() {
    Scenario s = slowdown(1, 21, o -> o);
    assertThat(s.failures).isEmpty();
    assertThat(s.events(PoolEvent.SupplySpilledOver.class)).isEmpty();
    assertThat(s.events(PoolEvent.AlertRaised.class)).noneMatch(a -> a.alert().key().startsWith("supply:"));
    assertThat(s.events(PoolEvent.WorkerProvisioned.class)).allMatch(e -> e.placement().region().equals("westeurope"));
    assertThat(maxInFlight(s, "westeurope")).as("the deficit only: at most the warm target").isLessThanOrEqualTo(20);
  }

  @Test
  void aLowerCapBoundsTheCreatesInFlightAndTheSpillMakesUpForIt() {
    Scenario s = slowdown(4, 21, o -> o.maxConcurrentProvisions(10));
    assertThat(s.failures).isEmpty();
    assertThat(s.events(PoolEvent.SupplySpilledOver.class)).isNotEmpty();
    assertThat(maxInFlight(s, "westeurope")).isLessThanOrEqualTo(10);
  }

  @Test
  void withNowhereToSpillTheSupplyAlertComesBeforeTheFirstFailedLease() {
    Scenario s = slowdown(4, 21, o -> o.failover(false));
    assertThat(s.failures).as("a capped slow placement alone cannot keep up").isNotEmpty();
    assertThat(s.events(PoolEvent.SupplySpilledOver.class)).isEmpty();
    assertThat(s.events(PoolEvent.AlertRaised.class)).filteredOn(a -> a.alert().key().equals("supply:ubuntu-22"))
        .first().satisfies(a -> assertThat(a.at()).isBefore(s.firstFailureAt))
        .satisfies(a -> assertThat(a.alert().message()).contains("no other healthy placement in eu"));
  }

  @Test
  void aPlacementThatThrottlesMostCreatesSpillsBeforeAnyLeaseFails() {
    // 95% of westeurope's calls answered 429 with a Retry-After of 20 s for four hours: the placement stays healthy
    // (a throttle is not a failure) and its creates take as long as ever when they go through, but it delivers a
    // fraction of the demand, and sending more does not help
    Instant from = at("02:41");
    Instant until = at("06:51");
    Scenario s = new Scenario(mode().fresh(), 1, 23, List.of(Faults.throttling("westeurope").from(from).until(until)
        .failureRate(0.95).retryAfter(Duration.ofSeconds(20))), Scenario.euTenants(6), 0.3, Duration.ofMinutes(5),
        t -> t, o -> o).run(at("00:30"), at("08:00"));
    assertThat(s.events(PoolEvent.PlacementOpened.class)).as("a throttle opens nothing").isEmpty();
    assertThat(s.events(PoolEvent.SupplySpilledOver.class)).as("spills from a placement that throttles").isNotEmpty();
    PoolEvent.SupplySpilledOver spill = s.events(PoolEvent.SupplySpilledOver.class).get(0);
    assertThat(spill.from().region()).isEqualTo("westeurope");
    assertThat(spill.to().region()).isEqualTo("northeurope");
    assertThat(spill.at()).isAfter(from).isBefore(until);
    assertThat(spill.reason()).contains("(throttled)");
    assertThat(s.failures).as("failed leases while northeurope is healthy").isEmpty();
  }

  private static int maxInFlight(Scenario s, String region) {
    TreeMap<Instant, Integer> delta = new TreeMap<>();
    for (Call c : s.cloud.calls()) {
      if (c.region().equals(region) && c.operation() == Operation.PROVISION) {
        delta.merge(c.at(), 1, Integer::sum);
        c.completedAt().ifPresent(at -> delta.merge(at, -1, Integer::sum));
      }
    }
    int now = 0;
    int max = 0;
    for (int d : delta.values()) {
      now += d;
      max = Math.max(max, now);
    }
    return max;
  }

  @Test
  void whileDegradedATenantThatHoldsWorkersTakesNoFreshOneWhileATenantWithNoneWaits() {
    List<Scenario.Tenant> tenants = new ArrayList<>();
    // the whale asks ten times as often and with a higher priority: rationing still serves the others first
    tenants.add(new Scenario.Tenant("whale", 10, Set.of("eu"), 5));
    for (int i = 0; i < 5; i++) {
      tenants.add(new Scenario.Tenant("small-" + i, 1, Set.of("eu")));
    }
    Scenario s = new Scenario(mode().fresh(), 1, 13, List.of(
        // most calls fail in both eu regions: the stock runs out and the few workers that come must be rationed
        Faults.outage("westeurope").from(at("02:41")).until(at("05:30")).failureRate(0.8),
        Faults.outage("northeurope").from(at("02:41")).until(at("05:30")).failureRate(0.8)),
        tenants, 1.5, Duration.ofMinutes(10), t -> t.warmTarget(10), o -> o)
        .run(at("00:30"), at("06:30"));
    assertThat(s.events(PoolEvent.PoolDegraded.class)).isNotEmpty();
    assertThat(s.failures).as("the stock ran out: rationing had something to ration").isNotEmpty();
    assertThat(s.freshToHoldersWhileOthersWait).as("fresh workers granted to a tenant holding one while a tenant"
        + " holding none waited").isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(s.byTenant.get("small-" + i)[0]).as("small-%d got workers", i).isPositive();
    }
  }

  @Test
  void aLeaseTimeoutSaysWhenIdleWorkersAreBoundToOtherTenants() throws Exception {
    VirtualClock clock = new VirtualClock(Scenario.DAY);
    FakeCloud cloud = FakeCloud.builder().clock(clock).seed(3)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(2)))
        .build();
    WorkerPool pool = mode().fresh().apply(WorkerPools.builder()).poolId("bound").clock(clock)
        .template(WorkerTemplate.builder("t").warmTarget(3).maxTotal(3).maxUses(5).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .provider("fake", cloud.provider())
        .build();
    clock.advance(Duration.ofMinutes(3));
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      leases.add(clock.await(pool.lease(LeaseRequest.forTemplate("t").tenant("acme").build()), Duration.ofMinutes(1)));
    }
    leases.forEach(Lease::close); // three used workers, idle, each bound to acme
    clock.advance(Duration.ofSeconds(10));
    CompletableFuture<Lease> other = pool.lease(LeaseRequest.forTemplate("t").tenant("globex")
        .maxWait(Duration.ofMinutes(1)).build());
    clock.advance(Duration.ofMinutes(2));
    assertThat(other).isCompletedExceptionally();
    Throwable failure = catchCause(other);
    assertThat(failure).isInstanceOf(LeaseTimeoutException.class)
        .hasMessageContaining("3 idle workers are bound to 1 other tenant (a used worker serves only the tenant it"
            + " served first)")
        .hasMessageNotContaining("acme");
    pool.closeAsync();
    clock.advance(Duration.ofHours(1));
  }

  private static Throwable catchCause(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
