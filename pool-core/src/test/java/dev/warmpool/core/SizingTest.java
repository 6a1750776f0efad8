package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.SizingStatus;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A warm target computed from a lease-wait objective, through the public API on the fake cloud and a virtual clock:
 * it follows the demand up and down, reports the term that set it and what the stock costs, tells listeners when it
 * moves, honours floor, ceiling and schedule windows, and leaves a fixed target as it was.
 */
public abstract class SizingTest implements PoolMode.Suite {
  private static final SizingPolicy P99_5S = SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(1)
      .ceiling(60).build();
  private Scenario scenario;

  @AfterEach
  void close() {
    if (scenario != null) {
      scenario.pools.forEach(p -> p.closeAsync());
      scenario.clock.runUntil(scenario.clock.now().plus(Duration.ofHours(2)));
    }
  }

  private Scenario scenario(double perMinute, SizingPolicy policy) {
    return scenario(perMinute, policy, List.of());
  }

  private Scenario scenario(double perMinute, SizingPolicy policy, List<Fault> faults) {
    // a store mode polls less often than by default, so that hours of virtual time take seconds on any store
    scenario = new Scenario(mode(), 7, faults, Scenario.euTenants(4), perMinute, Duration.ofMinutes(30),
        t -> policy == null ? t.warmTarget(10) : t.warmTarget(0).sizing(policy), b -> mode().hasStore()
            ? b.maxConcurrentProvisions(100).controlInterval(Duration.ofSeconds(30))
                .storePollInterval(Duration.ofSeconds(10)).leadershipTimeout(Duration.ofMinutes(2))
            : b.maxConcurrentProvisions(100));
    return scenario;
  }

  private static SizingStatus sizing(Scenario s) {
    return s.pool.snapshot().template("ubuntu-22").flatMap(TemplateStatus::sizing).orElseThrow();
  }

  private static WorkerCounts counts(Scenario s) {
    return s.pool.snapshot().template("ubuntu-22").map(TemplateStatus::total).orElseThrow();
  }

  @Test
  void theTargetFollowsTheDemandUpAndBackDownToTheFloor() {
    Scenario s = scenario(2, P99_5S);
    s.clock.runUntil(s.clock.now().plus(Duration.ofMinutes(5)));
    assertThat(sizing(s).target()).isEqualTo(1);
    s.run(Scenario.at("01:00"), Scenario.at("04:00"));
    // the demand ran at 2 a minute for three hours; it stopped 40 minutes ago (run() settles for 35 minutes)
    List<PoolEvent.TargetChanged> changes = s.events(PoolEvent.TargetChanged.class);
    int peak = changes.stream().mapToInt(PoolEvent.TargetChanged::to).max().orElse(0);
    // 2 a minute over a lead time of up to 20 minutes: tens of workers, not a handful
    assertThat(peak).isBetween(20, 60);
    assertThat(changes).allSatisfy(c -> assertThat(c.reason()).isNotBlank());
    for (int i = 1; i < changes.size(); i++) {
      assertThat(Duration.between(changes.get(i - 1).at(), changes.get(i).at())).isGreaterThanOrEqualTo(
          Duration.ofMinutes(1));
    }
    assertThat(s.failures).isEmpty();
    s.clock.runUntil(s.clock.now().plus(Duration.ofHours(3)));
    SizingStatus quiet = sizing(s);
    assertThat(quiet.target()).isEqualTo(1);
    assertThat(quiet.term()).isEqualTo("floor");
    assertThat(counts(s).idle()).isEqualTo(1); // the stock above the target was retired
    assertThat(quiet.idleWorkerHours()).isPositive();
    assertThat(quiet.waitP99()).isPresent();
  }

  @Test
  void aSingleUsePoolProvisionsAboutOneWorkerPerJob() {
    Scenario s = scenario(2, P99_5S);
    s.run(Scenario.at("01:00"), Scenario.at("05:00"));
    s.clock.runUntil(s.clock.now().plus(Duration.ofHours(2)));
    long provisioned = s.events(PoolEvent.WorkerProvisioned.class).size();
    int jobs = s.granted.size() + s.failures.size();
    assertThat(jobs).isGreaterThan(400);
    int peak = s.events(PoolEvent.TargetChanged.class).stream().mapToInt(PoolEvent.TargetChanged::to).max()
        .orElse(0);
    // every job's worker is replaced once; beyond that only the peak stock, retired once the demand stopped, and a
    // few retired during the day
    assertThat(provisioned).isLessThanOrEqualTo(jobs + peak + jobs / 20);
  }

  @Test
  void theCeilingBoundsTheTarget() {
    // 2 a minute over a lead time of about 18 minutes asks for about 50 workers
    Scenario s = scenario(2, SizingPolicy.objective(0.99, Duration.ofSeconds(5)).ceiling(8).build());
    s.run(Scenario.at("01:00"), Scenario.at("01:30"));
    assertThat(s.events(PoolEvent.TargetChanged.class)).allSatisfy(c -> assertThat(c.to()).isLessThanOrEqualTo(8))
        .anySatisfy(c -> assertThat(c.term()).isEqualTo("ceiling"));
  }

  @Test
  void aScheduleWindowRaisesTheTargetAheadOfItsStart() {
    // 2023-03-23 is a Thursday; the window opens at 06:00 UTC
    SizingPolicy policy = SizingPolicy.objective(0.99, Duration.ofSeconds(5))
        .window(new SizingPolicy.Window(DayOfWeek.MONDAY, DayOfWeek.FRIDAY, LocalTime.of(6, 0),
            LocalTime.of(8, 0), 15)).build();
    Scenario s = scenario(0.01, policy);
    s.clock.runUntil(Scenario.at("05:00"));
    assertThat(sizing(s).target()).isLessThan(15);
    s.clock.runUntil(Scenario.at("06:00"));
    // the lead time is unknown before the first provision: the provisioning timeout (30m) is used
    SizingStatus open = sizing(s);
    assertThat(open.target()).isEqualTo(15);
    assertThat(open.term()).isEqualTo("schedule");
    assertThat(counts(s).idle()).isEqualTo(15); // pre-warmed: ready when the window opened
    s.clock.runUntil(Scenario.at("09:00"));
    assertThat(sizing(s).target()).isLessThan(15);
  }

  @Test
  void anOpenPlacementsShareIsCarriedWhereSupplyStillFlowsWithThatPlacementsOwnLeadTime() {
    // westeurope's control plane fails from 02:00 to 05:00; northeurope, the other EU placement, provisions 8 minutes
    // slower (11 to 28 minutes); eastus is healthy but outside the EU, which every tenant requires. Jobs come from
    // 01:00 to 03:30.
    Scenario s = scenario(1, SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(1).ceiling(150).build(),
        List.of(Faults.outage("westeurope").during(Scenario.at("02:00"), Scenario.at("05:00")),
            Faults.slowProvisions("northeurope", Duration.ofMinutes(8))));
    List<Integer> idleDuringTheOutage = new ArrayList<>();
    SizingStatus[] beforeAndDuring = new SizingStatus[2];
    s.clock.schedule(Duration.between(s.clock.now(), Scenario.at("01:55")), () -> beforeAndDuring[0] = sizing(s));
    s.clock.schedule(Duration.between(s.clock.now(), Scenario.at("03:20")), () -> beforeAndDuring[1] = sizing(s));
    for (int minute = 120; minute < 300; minute++) {
      s.clock.schedule(Duration.ofMinutes(minute), () -> idleDuringTheOutage.add(counts(s).idle()));
    }
    s.run(Scenario.at("01:00"), Scenario.at("03:30"));
    s.clock.runUntil(Scenario.at("07:00"));

    assertThat(s.events(PoolEvent.TargetChanged.class)).filteredOn(c -> c.term().equals("outage-runway"))
        .isNotEmpty().anySatisfy(c -> assertThat(c.reason()).contains("outage runway: fake/westeurope open")
            .contains("raised at fake/northeurope"));
    SizingStatus before = beforeAndDuring[0];
    SizingStatus during = beforeAndDuring[1];
    assertThat(during.term()).isEqualTo("outage-runway");
    // northeurope's own lead time (its creates take up to 28 minutes), not westeurope's (up to 20)
    assertThat(during.leadTime().orElseThrow()).isGreaterThan(before.leadTime().orElseThrow().plusMinutes(4));
    assertThat(during.target()).as("before: %s, during: %s", before, during).isGreaterThan(before.target());
    assertThat(s.events(PoolEvent.WorkerProvisioned.class)).noneMatch(p -> p.placement().region().equals("eastus"))
        .anyMatch(p -> p.placement().region().equals("northeurope"));
    assertThat(s.failures).isEmpty();
    // the stock raised in northeurope came before the stock left in westeurope ran out
    assertThat(idleDuringTheOutage).hasSize(180).allSatisfy(idle -> assertThat(idle).isPositive());
    // the demand stopped at 03:30, but nothing is retired while the outage lasts: only after westeurope is back
    Instant back = s.events(PoolEvent.PlacementClosed.class).stream().map(PoolEvent::at)
        .filter(at -> at.isAfter(Scenario.at("05:00"))).findFirst().orElseThrow();
    List<Instant> retired = s.events(PoolEvent.WorkerDeprovisioned.class).stream()
        .filter(d -> d.reason().equals("above-target")).map(PoolEvent::at).toList();
    assertThat(retired).isNotEmpty().allSatisfy(at -> assertThat(at).isAfter(back));
  }

  @Test
  void aFailingPlacementThatIsStillClosedHandsItsShareToAHealthyOneBeforeItOpens() {
    // from 02:00 westeurope fails three creates in ten: a burst of failures, while it is still closed at first
    Scenario s = scenario(2, SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(1).ceiling(150).build(),
        List.of(Faults.outage("westeurope").failureRate(0.3)
        .during(Scenario.at("02:00"), Scenario.at("04:00"))));
    s.run(Scenario.at("01:00"), Scenario.at("04:00"));

    Instant opened = s.first(PoolEvent.PlacementOpened.class);
    List<PoolEvent.WorkerProvisioned> north = s.events(PoolEvent.WorkerProvisioned.class).stream()
        .filter(p -> p.placement().region().equals("northeurope")).toList();
    assertThat(north).isNotEmpty();
    Instant firstStarted = north.stream().map(p -> p.at().minus(p.took())).min(Instant::compareTo).orElseThrow();
    assertThat(firstStarted).isAfter(Scenario.at("02:00"));
    if (opened != null) {
      assertThat(firstStarted).isBefore(opened);
    }
    assertThat(s.events(PoolEvent.TargetChanged.class))
        .anySatisfy(c -> assertThat(c.reason()).contains("outage runway: fake/westeurope"));
    assertThat(s.events(PoolEvent.WorkerProvisioned.class)).noneMatch(p -> p.placement().region().equals("eastus"));
    assertThat(s.failures).isEmpty();
  }

  @Test
  void aRunTimeChangeFromAnObjectiveToAFixedTargetTakesTheFixedTarget() {
    Scenario s = scenario(0.01, P99_5S);
    s.clock.runUntil(s.clock.now().plus(Duration.ofMinutes(30)));
    assertThat(sizing(s).term()).isNotEqualTo("fixed");
    dev.warmpool.api.PoolConfiguration now = s.pool.configuration();
    dev.warmpool.api.WorkerTemplate current = now.templates().stream().filter(t -> t.name().equals("ubuntu-22"))
        .findFirst().orElseThrow();
    dev.warmpool.api.WorkerTemplate fixed = current.toBuilder().withoutSizing().warmTarget(6).build();

    s.pool.reconfigure(now.toBuilder().template(fixed).build());
    s.clock.runUntil(s.clock.now().plus(Duration.ofMinutes(40)));

    SizingStatus status = sizing(s);
    assertThat(status.term()).isEqualTo("fixed");
    assertThat(status.target()).isEqualTo(6);
    assertThat(counts(s).idle()).isEqualTo(6);
  }

  /** A cloud whose creates take 2 to 6 minutes, and one in twenty three times as long. */
  private static final Latency SLOW_TAIL = Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(6))
      .withSlowTail(0.05, 3.0);

  private Scenario slowTail(double perMinute, UnaryOperator<WorkerTemplate.Builder> template) {
    scenario = new Scenario(mode(), 1, 7, SLOW_TAIL, List.of(), Scenario.euTenants(4), perMinute,
        Duration.ofMinutes(30), template, b -> b.maxConcurrentProvisions(100));
    return scenario;
  }

  /** Samples every minute from {@code from} to {@code until} (the scenario's clock runs them). */
  private static <T> List<T> everyMinute(Scenario s, Instant from, Instant until, Supplier<T> sample) {
    List<T> samples = new ArrayList<>();
    for (Instant t = from; !t.isAfter(until); t = t.plus(Duration.ofMinutes(1))) {
      s.clock.schedule(Duration.between(s.clock.now(), t), () -> samples.add(sample.get()));
    }
    return samples;
  }

  @Test
  void aSlowLatencyTailDoesNotMoveTheLeadTimeIntoTheTail() {
    Scenario s = slowTail(3, t -> t.warmTarget(0).sizing(P99_5S));
    List<Duration> leads = everyMinute(s, Scenario.at("02:00"), Scenario.at("05:00"),
        () -> sizing(s).leadTime().orElseThrow());
    s.run(Scenario.at("01:00"), Scenario.at("05:00"));
    // the 90th percentile of the mixture is 5m48s; a few stragglers of a busy spell do not make it the tail's
    assertThat(leads).hasSize(181);
    long inTheTail = leads.stream().filter(l -> l.compareTo(Duration.ofMinutes(6)) > 0).count();
    assertThat(inTheTail).as("minutes with a lead time past the body's 6 minutes").isLessThanOrEqualTo(9);
    assertThat(s.failures).isEmpty();
  }

  @Test
  void aFixedTargetKeepsItsStockUnderASlowLatencyTail() {
    // 20 workers for 2 leases a minute over 2 to 6 minutes: the stock never runs dry, nothing to spill
    Scenario s = slowTail(2, t -> t.warmTarget(20));
    List<Integer> idle = everyMinute(s, Scenario.at("02:00"), Scenario.at("05:00"), () -> counts(s).idle());
    s.run(Scenario.at("01:00"), Scenario.at("05:00"));
    // a straggler is overtaken by the creates started after it: not a slowdown to provision extra workers for
    long above = idle.stream().filter(i -> i > 20).count();
    assertThat(above).as("minutes with more idle workers than the warm target of 20").isLessThanOrEqualTo(9);
    assertThat(s.events(PoolEvent.SupplySpilledOver.class)).isEmpty();
    assertThat(s.failures).isEmpty();
  }

  @Test
  void aFixedTargetKeepsItsStockAndReportsItsCost() {
    Scenario s = scenario(0.5, null);
    s.run(Scenario.at("01:00"), Scenario.at("02:00"));
    s.clock.runUntil(s.clock.now().plus(Duration.ofHours(2)));
    SizingStatus status = sizing(s);
    assertThat(status.target()).isEqualTo(10);
    assertThat(status.term()).isEqualTo("fixed");
    assertThat(counts(s).idle()).isEqualTo(10);
    assertThat(status.idleWorkerHours()).isGreaterThan(10);
    assertThat(s.events(PoolEvent.TargetChanged.class)).isEmpty();
    assertThat(s.events(PoolEvent.WorkerDeprovisioned.class)).noneMatch(d -> d.reason().equals("above-target"));
  }
}
