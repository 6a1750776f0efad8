package dev.warmpool.core;

import static dev.warmpool.core.Scenario.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Alert;
import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.Call;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's outage shapes beyond a clean window of 503s, with default options, through the public API on the fake
 * cloud: a sustained jump to a partial failure rate, creates that hang and appear late, and what the pool sends into
 * a placement while it is open; in every mode (a subclass per mode). Each test prints what it measured at INFO into
 * the test log.
 */
public abstract class ImpairedControlPlaneTest implements PoolMode.Suite {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImpairedControlPlaneTest.class);
  static final Instant JUMP = at("02:00");

  /** When westeurope opened for the first time at or after {@code from}; null if it did not. */
  static Instant firstOpened(Scenario s, Instant from) {
    return s.events(PoolEvent.PlacementOpened.class).stream()
        .filter(e -> e.placement().region().equals("westeurope") && !e.at().isBefore(from))
        .map(PoolEvent::at).findFirst().orElse(null);
  }

  /** When the warm stock moved away from westeurope for the first time at or after {@code from}. */
  static Instant firstFailover(Scenario s, Instant from) {
    return s.events(PoolEvent.FailoverStarted.class).stream()
        .filter(e -> e.from().region().equals("westeurope") && !e.at().isBefore(from))
        .map(PoolEvent::at).findFirst().orElse(null);
  }

  /** The windows in which westeurope was open, from its events, cut at {@code end}. */
  static List<Instant[]> openWindows(Scenario s, Instant end) {
    List<Instant[]> windows = new ArrayList<>();
    Instant openedAt = null;
    for (PoolEvent e : s.events) {
      if (e instanceof PoolEvent.PlacementOpened o && o.placement().region().equals("westeurope")) {
        openedAt = openedAt == null ? o.at() : openedAt;
      } else if (e instanceof PoolEvent.PlacementHalfOpened h && h.placement().region().equals("westeurope")
          && openedAt != null) {
        windows.add(new Instant[] {openedAt, h.at()});
        openedAt = null;
      }
    }
    if (openedAt != null && openedAt.isBefore(end)) {
      windows.add(new Instant[] {openedAt, end});
    }
    return windows;
  }

  /**
   * Provider calls of any kind that started in westeurope while it was open, per minute it was open (lists visit
   * every region at once and are not counted: one per reconcile interval).
   */
  static double callsPerOpenMinute(Scenario s, List<Instant[]> open) {
    long minutes = 0;
    long calls = 0;
    for (Instant[] w : open) {
      minutes += Duration.between(w[0], w[1]).toSeconds();
      for (Call c : s.cloud.calls()) {
        // a call at the instant it opened is the one that opened it (or a half-open probe that failed)
        if (c.region().equals("westeurope") && c.at().isAfter(w[0]) && c.at().isBefore(w[1])) {
          calls++;
        }
      }
    }
    return minutes == 0 ? 0 : calls * 60.0 / minutes;
  }

  @Test
  void aSustainedJumpToHalfOfNewCallsFailingFailsOverWithinFiveMinutes() {
    Scenario s = new Scenario(mode().fresh(), 16, List.of(Faults.outage("westeurope").from(JUMP).failureRate(0.5)),
        Scenario.euTenants(5), 1.0, Duration.ofMinutes(20), t -> t, o -> o).run(at("00:30"), at("03:30"));

    Instant failover = firstFailover(s, JUMP);
    assertThat(failover).as("failover after the jump").isNotNull();
    Duration toFailover = Duration.between(JUMP, failover);
    log.info("measured, {}: failover {} after the jump to 50% failures", mode(), toFailover);
    assertThat(toFailover).as("time from the jump to the failover").isLessThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(s.failures).as("failed leases while northeurope is healthy").isEmpty();
  }

  @Test
  void anOpenPlacementGetsAtMostOneCallAMinuteAndNoDeletePerRefusedCreate() {
    Instant end = at("05:00");
    Scenario s = new Scenario(mode().fresh(), 18, List.of(Faults.outage("westeurope").during(JUMP, end)),
        Scenario.euTenants(5), 1.0, Duration.ofMinutes(20), t -> t, o -> o).run(at("00:30"), at("05:30"));

    List<Instant[]> open = openWindows(s, end);
    assertThat(open).as("westeurope was open during the outage").isNotEmpty();
    double perMinute = callsPerOpenMinute(s, open);
    Set<String> provisioned = new HashSet<>();
    s.cloud.calls().stream().filter(c -> c.operation() == Operation.PROVISION && c.outcome() == Outcome.SUCCESS)
        .forEach(c -> provisioned.add(c.workerId()));
    long deletesOfRefusedCreates = s.cloud.calls().stream()
        .filter(c -> c.operation() == Operation.DEPROVISION && !provisioned.contains(c.workerId())).count();
    long refusedCreates = s.cloud.calls().stream().filter(c -> c.operation() == Operation.PROVISION
        && c.outcome() == Outcome.TRANSIENT).count();
    log.info("measured, {}: {} calls a minute into westeurope while it was open ({} open windows); {} refused"
        + " creates, {} deletes of workers whose create never succeeded", mode(),
        String.format("%.2f", perMinute), open.size(), refusedCreates, deletesOfRefusedCreates);
    assertThat(perMinute).as("calls a minute into westeurope while open").isLessThanOrEqualTo(1.0);
    assertThat(refusedCreates).isPositive();
    assertThat(deletesOfRefusedCreates).as("refused creates are resolved by a listing, not deleted by name").isZero();
    assertThat(s.failures).as("failed leases while northeurope is healthy").isEmpty();
    Set<String> inCloud = new HashSet<>();
    s.cloud.resources("incident").forEach(r -> inCloud.add(r.workerId()));
    assertThat(inCloud).as("tagged inventory vs the pool's count after the outage")
        .hasSize(s.pool.snapshot().total().total());
  }

  @Test
  void aUsedUpQuotaRaisesItsOwnAlertNamingWhatToRaiseAndSendsWorkersElsewhere() {
    VirtualClock clock = new VirtualClock(Scenario.DAY);
    FakeCloud cloud = FakeCloud.builder().clock(clock).seed(5)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .fault(Faults.quota("westeurope", 3))
        .build();
    List<PoolEvent> events = new CopyOnWriteArrayList<>();
    WorkerPool pool = mode().apply(WorkerPools.builder()).poolId("quota").clock(clock)
        .template(WorkerTemplate.builder("linux").size("Standard_D2s_v5").warmTarget(6).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
        .provider("fake", cloud.provider())
        .listener(events::add)
        .build();
    clock.advance(Duration.ofMinutes(11));

    assertThat(events).filteredOn(e -> e instanceof PoolEvent.ProvisioningFailed).isNotEmpty()
        .allSatisfy(e -> assertThat(((PoolEvent.ProvisioningFailed) e).kind()).isEqualTo(FailureKind.QUOTA));
    Alert alert = pool.snapshot().alerts().stream().filter(a -> a.key().equals("quota:fake/westeurope"))
        .findFirst().orElseThrow();
    assertThat(alert.severity()).isEqualTo(AlertSeverity.CRITICAL);
    assertThat(alert.message()).contains("QuotaExceeded", "Raise the quota", "westeurope", "maxTotal");
    var snapshot = pool.snapshot().template("linux").orElseThrow();
    assertThat(snapshot.byPlacement().get("fake/westeurope").idle()).isEqualTo(3);
    assertThat(snapshot.total().idle()).as("the rest came from northeurope").isEqualTo(6);
    assertThat(cloud.calls()).filteredOn(c -> c.operation() == Operation.DEPROVISION)
        .as("a refused create made nothing: no delete follows it").isEmpty();
    pool.closeAsync();
    clock.advance(Duration.ofHours(1));
    assertThat(cloud.resources("quota")).isEmpty();
  }

  @Test
  void closeReissuesItsDeferredDeletesAsSoonAsThePlacementAnswersWithinItsDeadline() {
    VirtualClock clock = new VirtualClock(Scenario.DAY);
    Instant t0 = clock.now();
    Instant outage = t0.plus(Duration.ofMinutes(20));
    Instant closeAt = t0.plus(Duration.ofMinutes(22));
    Instant answersAgain = t0.plus(Duration.ofMinutes(28));
    FakeCloud cloud = FakeCloud.builder().clock(clock).seed(6)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .fault(Faults.outage("westeurope").during(outage, answersAgain))
        .build();
    WorkerPool pool = mode().apply(WorkerPools.builder()).poolId("closing").clock(clock)
        .template(WorkerTemplate.builder("linux").warmTarget(8).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
        .provider("fake", cloud.provider())
        .build();
    clock.advance(Duration.between(t0, outage));
    // a few leases end during the outage: their deletes fail and wait, and westeurope opens
    for (int i = 0; i < 4; i++) {
      pool.tryLease(dev.warmpool.api.LeaseRequest.of("linux")).orElseThrow().discard();
    }
    clock.advance(Duration.between(outage, closeAt));
    var closed = pool.closeAsync();
    // close()'s deadline: the grace period (30 s) and the delete timeout (10 min)
    Instant deadline = closeAt.plus(Duration.ofSeconds(30)).plus(Duration.ofMinutes(10));
    clock.advance(Duration.between(closeAt, deadline));

    long left = cloud.resources("closing").size();
    long callsWhileDown = cloud.calls().stream().filter(c -> c.region().equals("westeurope")
        && c.operation() == Operation.DEPROVISION && !c.at().isBefore(closeAt) && c.at().isBefore(answersAgain))
        .count();
    log.info("measured, {}: {} resources left at close()'s deadline ({} after the cloud answered again); {} deletes"
        + " into westeurope in the {} it was down during the close", mode(), left,
        Duration.between(answersAgain, deadline), callsWhileDown, Duration.between(closeAt, answersAgain));
    assertThat(left).as("resources left at close()'s deadline").isZero();
    assertThat(closed).as("the close finished within its deadline").isCompleted();
    assertThat(callsWhileDown).as("one delete every 10 s at most while it was down")
        .isLessThanOrEqualTo(Duration.between(closeAt, answersAgain).toSeconds() / 10 + 1);
  }

  @Test
  void createsThatHangAndAppearLateKeepThePlacementOpen() {
    Instant end = at("04:00");
    Scenario s = new Scenario(mode().fresh(), 17, List.of(Faults.hangThenCreateLate("westeurope").from(JUMP)
        .until(end).createdAfter(Duration.ofMinutes(40))), Scenario.euTenants(5), 1.0, Duration.ofMinutes(20),
        t -> t.provisioningTimeout(Duration.ofMinutes(25)), o -> o).run(at("00:30"), at("04:30"));

    Instant opened = firstOpened(s, JUMP);
    assertThat(opened).as("westeurope opens on creates that time out").isNotNull();
    long closed = s.events(PoolEvent.PlacementClosed.class).stream()
        .filter(e -> e.placement().region().equals("westeurope") && e.at().isAfter(opened) && e.at().isBefore(end))
        .count();
    long reopened = s.events(PoolEvent.PlacementOpened.class).stream()
        .filter(e -> e.placement().region().equals("westeurope") && e.at().isAfter(opened) && e.at().isBefore(end))
        .count();
    log.info("measured, {}: hanging creates: opened at {}, closed {} and re-opened {} times until {}", mode(),
        opened, closed, reopened, end);
    assertThat(closed).as("a hanging probe is no success: westeurope never closes while creates hang").isZero();
    assertThat(reopened).as("failed probes re-open it at a growing cooldown").isLessThanOrEqualTo(5);
    assertThat(s.failures).as("failed leases while northeurope is healthy").isEmpty();
    assertThat(s.pool.snapshot().placement("fake/westeurope").orElseThrow().state())
        .as("healthy again after the hangs end").isEqualTo(PlacementState.CLOSED);
  }
}
