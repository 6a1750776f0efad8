package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A provisioning latency with a slow tail ({@link Latency#withSlowTail}), through the cloud's public API. */
class SlowTailTest {
  private static final Duration TWO = Duration.ofMinutes(2);
  private static final Duration SIX = Duration.ofMinutes(6);
  private final VirtualClock clock = new VirtualClock();

  /** The times of 4000 creates, one a second, on a cloud of the given seed and latency. */
  private static List<Duration> provisioningTimes(long seed, Latency latency) {
    VirtualClock clock = new VirtualClock();
    FakeCloud cloud = FakeCloud.builder().seed(seed).clock(clock).region("westeurope", "eu", latency).build();
    WorkerProvider provider = cloud.provider();
    for (int i = 0; i < 4000; i++) {
      provider.provision(provision("p1", "w" + i, "westeurope", clock.now().plus(Duration.ofHours(2))));
      clock.advance(Duration.ofSeconds(1));
    }
    clock.advance(Duration.ofHours(1));
    assertThat(cloud.calls()).hasSize(4000).allMatch(c -> c.outcome() == Outcome.SUCCESS);
    return cloud.calls().stream().map(c -> Duration.between(c.at(), c.completedAt().orElseThrow())).toList();
  }

  @Test
  void aShareOfTheCreatesTakesTheFactorTimesAsLong() {
    // tag::slow-tail[]
    // 2 to 6 minutes; one create in 20 lands on a slow host and takes three times as long (6 to 18 minutes)
    Latency vms = Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(6)).withSlowTail(0.05, 3.0);
    FakeCloud cloud = FakeCloud.builder()
        .seed(24)                                    // the same seed draws the same latencies
        .clock(clock)
        .region("westeurope", "eu", vms)
        .build();
    // end::slow-tail[]
    assertThat(cloud.regions()).containsExactly("westeurope");
    assertThat(vms.min()).isEqualTo(TWO);
    assertThat(vms.max()).isEqualTo(Duration.ofMinutes(18));

    List<Duration> times = provisioningTimes(24, vms);
    assertThat(times).allSatisfy(t -> assertThat(t).isBetween(TWO, Duration.ofMinutes(18)));
    // a tail draw of more than 2 minutes lands above 6: the share above 6 minutes is the tail's
    double slow = times.stream().filter(t -> t.compareTo(SIX) > 0).count() / (double) times.size();
    assertThat(slow).isCloseTo(0.05, within(0.012));
    // the body stays uniform: about a quarter of the fast ones take 2 to 3 minutes
    double fastAndShort = times.stream().filter(t -> t.compareTo(Duration.ofMinutes(3)) <= 0).count()
        / (double) times.stream().filter(t -> t.compareTo(SIX) <= 0).count();
    assertThat(fastAndShort).isCloseTo(0.25, within(0.03));
  }

  @Test
  void theSameSeedGivesTheSameTimesAndAnotherSeedOthers() {
    Latency tailed = Latency.uniform(TWO, SIX).withSlowTail(0.05, 3.0);
    assertThat(provisioningTimes(7, tailed)).isEqualTo(provisioningTimes(7, tailed))
        .isNotEqualTo(provisioningTimes(8, tailed));
  }

  @Test
  void aLatencyWithoutATailOrWithAnEmptyOneDrawsAsBefore() {
    Latency plain = Latency.uniform(TWO, SIX);
    assertThat(provisioningTimes(7, plain.withSlowTail(0.0, 3.0))).isEqualTo(provisioningTimes(7, plain));
    assertThat(provisioningTimes(7, plain.withSlowTail(0.05, 3.0))).isNotEqualTo(provisioningTimes(7, plain));
    assertThat(plain.max()).isEqualTo(SIX);
    assertThat(plain.slowTailShare()).isZero();
    assertThat(plain.slowTailFactor()).isEqualTo(1.0);
  }

  @Test
  void aFixedLatencyWithATailTakesOneOfTwoTimes() {
    Latency fixed = Latency.fixed(Duration.ofMinutes(4)).withSlowTail(0.5, 2.5);
    SplittableRandom random = new SplittableRandom(3);
    long slow = 0;
    for (int i = 0; i < 2000; i++) {
      Duration d = fixed.sample(random);
      assertThat(d).isIn(Duration.ofMinutes(4), Duration.ofMinutes(10));
      slow += d.equals(Duration.ofMinutes(10)) ? 1 : 0;
    }
    assertThat(slow / 2000.0).isCloseTo(0.5, within(0.05));
    assertThat(fixed).hasToString("fixed(PT4M).withSlowTail(0.5, 2.5)")
        .isEqualTo(Latency.fixed(Duration.ofMinutes(4)).withSlowTail(0.5, 2.5))
        .isNotEqualTo(Latency.fixed(Duration.ofMinutes(4)).withSlowTail(0.5, 3.0));
  }

  @Test
  void aShareOutsideZeroToOneOrAFactorOutsideOneToAThousandIsRefused() {
    Latency plain = Latency.uniform(TWO, SIX);
    assertRefused(() -> plain.withSlowTail(-0.1, 3.0), "latency.slowTail.share",
        "latency.slowTail.share must be between 0.0 and 1.0, was -0.1");
    assertRefused(() -> plain.withSlowTail(1.5, 3.0), "latency.slowTail.share",
        "latency.slowTail.share must be between 0.0 and 1.0, was 1.5");
    assertRefused(() -> plain.withSlowTail(Double.NaN, 3.0), "latency.slowTail.share",
        "latency.slowTail.share must be between 0.0 and 1.0, was NaN");
    assertRefused(() -> plain.withSlowTail(0.05, 0.5), "latency.slowTail.factor",
        "latency.slowTail.factor must be between 1.0 and 1000.0, was 0.5");
    assertRefused(() -> plain.withSlowTail(0.05, 1000.5), "latency.slowTail.factor",
        "latency.slowTail.factor must be between 1.0 and 1000.0, was 1000.5");
    assertRefused(() -> plain.withSlowTail(0.05, Double.POSITIVE_INFINITY), "latency.slowTail.factor",
        "latency.slowTail.factor must be between 1.0 and 1000.0, was Infinity");
    // the bounds themselves are allowed
    assertThat(plain.withSlowTail(1.0, 1000.0).max()).isEqualTo(SIX.multipliedBy(1000));
    assertThat(plain.withSlowTail(0.0, 1.0).max()).isEqualTo(SIX);
  }

  private static void assertRefused(Runnable call, String option, String message) {
    assertThatThrownBy(call::run).isInstanceOf(InvalidConfigurationException.class).hasMessage(message)
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option()).isEqualTo(option));
  }
}
