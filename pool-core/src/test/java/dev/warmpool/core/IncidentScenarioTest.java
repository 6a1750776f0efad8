package dev.warmpool.core;

import static dev.warmpool.core.Scenario.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.fake.Faults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed incident: ARM in westeurope answers 503 from 02:41 to 06:51. The same engine with failover and degraded
 * mode off reproduces what happened (the pool runs dry about 2h10m after the first failed provision); with
 * Warmpool's defaults no lease fails. In every mode (a subclass per mode).
 */
public abstract class IncidentScenarioTest implements PoolMode.Suite {
  private static final double DEMAND_PER_MINUTE = 0.33;

  private Scenario incident(boolean resilient) {
    return incident(mode(), 1, resilient);
  }

  /** The seed incident on {@code nodes} nodes of {@code mode}; resilient: with failover and degraded mode. */
  static Scenario incident(PoolMode mode, int nodes, boolean resilient) {
    return new Scenario(mode, nodes, 42, List.of(Faults.outage("westeurope").from(at("02:41")).until(at("06:51"))),
        Scenario.euTenants(23), DEMAND_PER_MINUTE, Duration.ofMinutes(5), t -> t,
        o -> resilient ? o : o.failover(false).degradedMode(false))
        .run(at("00:30"), at("08:00"));
  }

  @Test
  void theNaivePoolRunsDryAbout2h10mAfterTheFirstFailedProvision() {
    Scenario s = incident(false);
    Instant firstProvisioningFailure = s.first(PoolEvent.ProvisioningFailed.class);
    assertThat(firstProvisioningFailure).isBetween(at("02:41"), at("02:55"));
    assertThat(s.firstFailureAt).as("first failed lease").isNotNull();
    Duration dry = Duration.between(firstProvisioningFailure, s.firstFailureAt);
    // the real pool ran dry about 2h10m after its first failure; the tolerance is the issue's +/- 15 minutes
    assertThat(dry).isBetween(Duration.ofMinutes(115), Duration.ofMinutes(145));
    assertThat(s.events(PoolEvent.FailoverStarted.class)).isEmpty();
    assertThat(s.failures).hasSizeGreaterThan(5);
  }

  @Test
  void warmpoolFailsOverWithinMinutesAndNoLeaseFails() {
    failsOverWithinMinutesAndBackAfterwardsAndNoLeaseFails(incident(true));
  }

  /** What the resilient seed incident shows, on one node or on several. */
  static void failsOverWithinMinutesAndBackAfterwardsAndNoLeaseFails(Scenario s) {
    Instant firstProvisioningFailure = s.first(PoolEvent.ProvisioningFailed.class);
    Instant failover = s.first(PoolEvent.FailoverStarted.class);
    assertThat(failover).isNotNull();
    assertThat(Duration.between(firstProvisioningFailure, failover)).isLessThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(s.events(PoolEvent.FailoverStarted.class).get(0).to())
        .extracting(p -> p.region()).containsExactly("northeurope");
    assertThat(s.failures).as("failed or timed-out leases").isEmpty();
    // a retry that the placement's opening kept from being sent is told as the provider's answer before it
    assertThat(s.events(PoolEvent.ProvisioningFailed.class)).as("failed provisions")
        .anyMatch(f -> f.message().endsWith("(not retried: the placement opened)"))
        .allSatisfy(f -> assertThat(f.code()).isEqualTo("ServiceUnavailable"));
    assertThat(s.granted).isNotEmpty().allSatisfy(l ->
        assertThat(l.worker().placement().geography()).as("eu-only tenant placed in %s", l.worker().placement())
            .isEqualTo("eu"));
    assertThat(s.events(PoolEvent.WorkerProvisioned.class))
        .noneMatch(e -> e.placement().region().equals("eastus"));
    Instant failback = s.events(PoolEvent.FailoverEnded.class).stream().map(PoolEvent::at)
        .filter(t -> t.isAfter(at("06:51"))).findFirst().orElse(null);
    // a probe counts only when its create completes (3 to 20 minutes here), after a cooldown of up to 10 minutes
    assertThat(failback).as("failback after the outage").isNotNull()
        .isBefore(at("06:51").plus(Duration.ofMinutes(30)));
    assertThat(s.events(PoolEvent.PoolDegraded.class)).isEmpty();
  }
}
