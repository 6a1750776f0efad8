package dev.warmpool.core;

import static dev.warmpool.core.Scenario.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Creates that hang, told apart from creates that are only slow, with default options, through the public API on the
 * fake cloud: half of the new creates hang far past the provisioning timeout; every create gets three times slower;
 * a cold start on a provider whose first creates take 8 minutes. In every mode (a subclass per mode). Each test prints
 * what it measured at INFO into the test log.
 */
public abstract class HangScenarioTest implements PoolMode.Suite {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HangScenarioTest.class);
  static final Instant JUMP = at("02:00");

  /** Creates of 20 to 60 seconds (an ARM VM from a prepared image), four leases a minute from five eu tenants. */
  private Scenario run(long seed, Latency latency, List<Fault> faults, Instant from, Instant until) {
    return new Scenario(mode().fresh(), 1, seed, latency, faults, Scenario.euTenants(5), 4.0, Duration.ofMinutes(5),
        t -> t, o -> o).run(from, until);
  }

  private static Latency usual() {
    return Latency.uniform(Duration.ofSeconds(20), Duration.ofSeconds(60));
  }

  private static List<PoolEvent.PlacementOpened> opened(Scenario s) {
    return s.events(PoolEvent.PlacementOpened.class).stream()
        .filter(e -> e.placement().region().equals("westeurope")).toList();
  }

  @Test
  void halfOfTheCreatesHangingFailsOverWithinFiveMinutesLongBeforeTheirTimeout() {
    // half of the creates from 02:00 on hang: the caller hears nothing until its 30-minute timeout, and the VM
    // appears 45 minutes after the call
    Scenario s = run(31, usual(), List.of(Faults.hangThenCreateLate("westeurope").from(JUMP).failureRate(0.5)
        .createdAfter(Duration.ofMinutes(45))), at("00:30"), at("03:30"));

    Instant failover = ImpairedControlPlaneTest.firstFailover(s, JUMP);
    assertThat(failover).as("failover after half of the creates started to hang").isNotNull();
    Duration toFailover = Duration.between(JUMP, failover);
    PoolEvent.PlacementOpened first = opened(s).get(0);
    log.info("measured, {}: failover {} after half of the creates started to hang; opened: {}; {} failed leases",
        mode(), toFailover, first.reason(), s.failures.size());
    assertThat(opened(s)).as("westeurope was healthy before the hangs").allMatch(e -> !e.at().isBefore(JUMP));
    assertThat(first.reason()).as("opened on creates still out, not on their timeouts").contains("still running");
    assertThat(toFailover).as("time from the first hanging create to the failover")
        .isLessThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(s.failures).as("failed leases while northeurope is healthy").isEmpty();
  }

  @Test
  void aUniformSlowdownDoesNotOpenThePlacement() {
    // creates of 50 to 60 seconds, three times as long (150 to 180 seconds) if they start from 02:00 to 04:00: every
    // create started in the slowdown passes twice the slowest create before any of them completes, so only the
    // later creates that do not complete sooner tell it from hangs (without that rule, both seeds opened westeurope)
    for (long seed : new long[] {2, 3}) {
      Scenario s = run(seed, Latency.uniform(Duration.ofSeconds(50), Duration.ofSeconds(60)),
          List.of(Faults.slowdown("westeurope", 3).from(JUMP).until(at("04:00"))), at("00:30"), at("04:30"));

      log.info("measured, {}, seed {}: 3x slowdown: westeurope opened {} times, {} spills, {} failed leases", mode(),
          seed, opened(s).size(), s.events(PoolEvent.SupplySpilledOver.class).size(), s.failures.size());
      assertThat(opened(s)).as("PlacementOpened for westeurope while its creates were only slow, seed %d", seed)
          .isEmpty();
      assertThat(s.failures).as("failed leases, seed %d", seed).isEmpty();
    }
  }

  @Test
  void aColdStartOnASlowProviderIsNotTakenForHangs() {
    // from the pool's start, creates take 8 to 9 minutes for the first 40 minutes, then 20 to 60 seconds: nothing has
    // completed to compare the first creates with
    Scenario s = run(33, usual(), List.of(
        Faults.slowProvisions("westeurope", Duration.ofMinutes(8)).until(Scenario.DAY.plus(Duration.ofMinutes(40)))),
        Scenario.DAY.plus(Duration.ofMinutes(20)), at("02:00"));

    log.info("measured, {}: cold start with 8-minute creates: westeurope opened {} times, {} failovers", mode(),
        opened(s).size(), s.events(PoolEvent.FailoverStarted.class).size());
    assertThat(opened(s)).as("PlacementOpened for westeurope on a cold, slow start").isEmpty();
    assertThat(s.events(PoolEvent.FailoverStarted.class)).isEmpty();
  }
}
