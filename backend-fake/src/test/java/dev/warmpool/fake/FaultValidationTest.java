package dev.warmpool.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Bad scripts and bad clouds fail at build with a message that names the option. */
class FaultValidationTest {
  private final VirtualClock clock = new VirtualClock();
  private final Instant t0 = clock.now();

  private FakeCloud.Builder cloud() {
    return FakeCloud.builder().clock(clock).region("westeurope", "eu").region("eastus", "us");
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(FakeCloud.Builder b, String option) {
    return assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option()).isEqualTo(option));
  }

  @Test
  void aWindowThatEndsBeforeItStartsIsRefused() {
    assertInvalid(cloud().fault(Faults.outage().from(t0.plusSeconds(60)).until(t0)), "faults[0].until")
        .hasMessageContaining("faults[0] (outage) until must be after from (2023-03-23T00:01:00Z), was "
            + "2023-03-23T00:00:00Z");
  }

  @Test
  void anEmptyWindowIsRefused() {
    assertInvalid(cloud().fault(Faults.outage()).fault(Faults.throttling().during(t0, t0)), "faults[1].until");
  }

  @Test
  void aRateOutsideZeroToOneIsRefused() {
    assertInvalid(cloud().fault(Faults.outage("westeurope").failureRate(1.5)), "faults[0].failureRate")
        .hasMessageContaining("failureRate must be between 0.0 and 1.0, was 1.5");
    assertInvalid(cloud().fault(Faults.outage().failureRate(-0.1)), "faults[0].failureRate");
    assertInvalid(cloud().fault(Faults.outage().failureRate(Double.NaN)), "faults[0].failureRate");
  }

  @Test
  void anUnknownRegionIsRefusedWithTheKnownOnes() {
    assertInvalid(cloud().fault(Faults.outage("westeurop")), "faults[0].region")
        .hasMessageContaining("faults[0] (outage) region must be one of [eastus, westeurope], was \"westeurop\"");
    assertInvalid(cloud().capacity("mars", "D2", 3), "capacity[mars].region");
  }

  @Test
  void optionsThatDoNotApplyToTheKindAreRefused() {
    assertInvalid(cloud().fault(Faults.outage().size("D2")), "faults[0].size")
        .hasMessageContaining("size applies only to capacityError faults");
    assertInvalid(cloud().fault(Faults.capacityError("eastus").operations(Operation.LIST)),
        "faults[0].operations").hasMessageContaining("[PROVISION]");
    assertInvalid(cloud().fault(Faults.externalDeletion()), "faults[0].at");
    assertInvalid(cloud().fault(Faults.quota(3).failureRate(0.5)), "faults[0].failureRate")
        .hasMessageContaining("failureRate does not apply to quota faults");
  }

  @Test
  void outOfRangeNumbersAreRefused() {
    assertInvalid(cloud().fault(Faults.quota(-1)), "faults[0].limit");
    assertInvalid(cloud().fault(Faults.writeTokenBucket().burst(0)), "faults[0].burst");
    assertInvalid(cloud().fault(Faults.throttling().retryAfter(Duration.ofSeconds(-1))), "faults[0].retryAfter");
    assertInvalid(cloud().fault(Faults.slowProvisions(Duration.ofMinutes(-1))), "faults[0].extraLatency");
    assertInvalid(cloud().capacity("eastus", "D2", -1), "capacity[eastus/D2]");
  }

  @Test
  void theNewShapesNameTheirFieldAndRange() {
    assertInvalid(cloud().fault(Faults.slowdown(0.0)), "faults[0].factor")
        .hasMessageContaining("faults[0] (slowdown) factor must be above 0.0 and at most 1000.0, was 0.0");
    assertInvalid(cloud().fault(Faults.slowdown("eastus", 1000.5)), "faults[0].factor");
    assertInvalid(cloud().fault(Faults.slowdown(Double.NaN)), "faults[0].factor");
    assertInvalid(cloud().fault(Faults.slowdown(2.0).failureRate(0.5)), "faults[0].failureRate")
        .hasMessageContaining("failureRate does not apply to slowdown faults");
    assertInvalid(cloud().fault(Faults.hangThenCreateLate().createdAfter(Duration.ofSeconds(-1))),
        "faults[0].createdAfter").hasMessageContaining("createdAfter must be zero or positive, was PT-1S");
    assertInvalid(cloud().fault(Faults.hangingProvisions().createdAfter(Duration.ofMinutes(1))),
        "faults[0].createdAfter").hasMessageContaining("createdAfter applies only to hangThenCreateLate faults");
    assertInvalid(cloud().fault(Faults.capacityError().retryAfter(Duration.ofMinutes(1))), "faults[0].retryAfter")
        .hasMessageContaining("retryAfter applies only to throttling, outage, writeTokenBucket faults");
    assertInvalid(cloud().fault(Faults.outage().retryAfter(Duration.ofSeconds(-1))), "faults[0].retryAfter");
    assertThat(cloud().fault(Faults.outage().retryAfter(Duration.ofMinutes(1)))
        .fault(Faults.writeTokenBucket().retryAfter(Duration.ZERO)).build().faults()).hasSize(2);
  }

  @Test
  void aTokenBudgetIsBurstPlusRefillAndRefusesOtherKinds() {
    Fault bucket = Faults.writeTokenBucket().burst(20).refillPerSecond(3);
    assertThat(bucket.tokenBudget(Duration.ZERO)).isEqualTo(20);
    assertThat(bucket.tokenBudget(Duration.ofMillis(2500))).isEqualTo(27);
    assertThat(bucket.tokenBudget(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> bucket.tokenBudget(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("over must be zero or positive, was PT-1S");
    assertThatThrownBy(() -> Faults.outage().tokenBudget(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    FakeCloud cloud = cloud().build();
    assertThatThrownBy(() -> cloud.admittedCalls(bucket, "eastus")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket must be a writeTokenBucket fault of this cloud's script");
  }

  @Test
  void aCloudNeedsAClockAndUniqueRegions() {
    assertInvalid(FakeCloud.builder().region("westeurope", "eu"), "clock");
    assertInvalid(FakeCloud.builder().clock(clock), "regions").hasMessageContaining("at least one region");
    assertInvalid(cloud().region("eastus", "us"), "regions").hasMessageContaining("[eastus]");
  }

  @Test
  void badLatenciesAreRefusedWhenMade() {
    assertThatThrownBy(() -> Latency.uniform(Duration.ofMinutes(5), Duration.ofMinutes(1)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("latency.max must be at least latency.min (PT5M), was PT1M");
    assertThatThrownBy(() -> Latency.fixed(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void nullsFailAtTheSetter() {
    assertThatThrownBy(() -> Faults.outage(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("region cannot be null");
    assertThatThrownBy(() -> Faults.outage().from(null)).hasMessage("from cannot be null");
    assertThatThrownBy(() -> FakeCloud.builder().clock(null)).hasMessage("clock cannot be null");
  }

  @Test
  void aValidScriptBuildsAndSettersLeaveTheOriginalUnchanged() {
    Fault base = Faults.outage("westeurope");
    Fault narrowed = base.from(t0).until(t0.plusSeconds(60)).failureRate(0.5);
    FakeCloud cloud = cloud().faults(base, narrowed).build();
    assertThat(cloud.faults()).containsExactly(base, narrowed);
    assertThat(base.start()).isNull();
    assertThat(base.rate()).isEqualTo(1.0);
    assertThat(narrowed.rate()).isEqualTo(0.5);
  }
}
