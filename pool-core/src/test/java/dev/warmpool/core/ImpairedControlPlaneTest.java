package dev.warmpool.core;

import static dev.warmpool.core.Scenario.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.fake.Call;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
