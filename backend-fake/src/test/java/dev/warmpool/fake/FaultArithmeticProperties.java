package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.far;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The arithmetic that scenario tests lean on: shares of overlapping faults, and a token bucket's budget. */
class FaultArithmeticProperties {

  /**
   * Whatever the shares, a draw {@code u} fires a fault exactly when it falls below their sum capped at 1.0, and it
   * fires the fault whose stretch of the line holds it.
   */
  @Property(tries = 500)
  void overlappingSharesFireWithTheirCappedSum(
      @ForAll @Size(max = 6) List<@DoubleRange(min = 0.0, max = 1.0) Double> shares,
      @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double u) {
    List<Fault> faults = shares.stream().map(s -> Faults.outage().failureRate(s)).toList();

    Fault fired = FaultShares.at(faults, u);

    double below = 0.0;
    int expected = -1;
    for (int i = 0; i < shares.size() && expected < 0; i++) {
      if (u >= below && u < below + shares.get(i)) {
        expected = i;
      }
      below += shares.get(i);
    }
    // added one after another, as the intervals are laid (a compensated sum can differ in the last bit)
    double sum = 0.0;
    for (double share : shares) {
      sum += share;
    }
    assertThat(fired != null).as("fires iff u < min(1, %s)", sum).isEqualTo(u < Math.min(1.0, sum));
    assertThat(fired).isSameAs(expected < 0 ? null : faults.get(expected));
  }

  /**
   * Whatever the pace of the calls, a region's bucket admits at most {@code burst + refill * seconds} of them since
   * the region's first call, counts exactly the calls the log shows as not throttled, and admits every call when
   * they come no faster than it refills.
   */
  @Property(tries = 200)
  void aTokenBucketNeverAdmitsMoreThanItsBudget(
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll @IntRange(min = 1, max = 10) int refillPerSecond,
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 3000) Integer> gapsMillis) {
    VirtualClock clock = new VirtualClock();
    Fault bucket = Faults.writeTokenBucket("westeurope").burst(burst).refillPerSecond(refillPerSecond);
    FakeCloud cloud = FakeCloud.builder().clock(clock).region("westeurope", "eu").fault(bucket).build();
    WorkerProvider provider = cloud.provider();
    Instant first = clock.now();

    for (int i = 0; i < gapsMillis.size(); i++) {
      clock.advance(Duration.ofMillis(gapsMillis.get(i)));
      if (i == 0) {
        first = clock.now();
      }
      provider.deprovision(deprovision("p1", "w" + i, "westeurope", far(clock)));
      clock.runDue();
      long admitted = cloud.admittedCalls(bucket, "westeurope");
      assertThat(admitted).isLessThanOrEqualTo(bucket.tokenBudget(Duration.between(first, clock.now())));
    }

    long notThrottled = cloud.calls().stream().filter(c -> c.outcome() != Outcome.THROTTLED).count();
    assertThat(cloud.admittedCalls(bucket, "westeurope")).isEqualTo(notThrottled);
    assertThat(cloud.refusedCalls(bucket, "westeurope")).isEqualTo(gapsMillis.size() - notThrottled);
    if (gapsMillis.stream().skip(1).allMatch(g -> g * refillPerSecond >= 1000)) {
      assertThat(notThrottled).isEqualTo(gapsMillis.size());
    }
  }
}
