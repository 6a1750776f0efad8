package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/** The bounds of a computed target and the objective's margin, for any observations. */
class TargetPolicyProperties {

  @Property(tries = 2000)
  void theTargetIsNeverBelowTheFloorNorTheWaitingRequestsNorAboveTheCeiling(
      @ForAll @DoubleRange(min = 0.001, max = 0.9999) @Scale(5) double quantile,
      @ForAll @DoubleRange(min = 0.1, max = 600) @Scale(5) double maxWait,
      @ForAll @DoubleRange(min = 0, max = 20) @Scale(5) double rate,
      @ForAll @DoubleRange(min = 0, max = 20) @Scale(5) double seasonal,
      @ForAll @DoubleRange(min = 1, max = 7200) @Scale(5) double lead,
      @ForAll @DoubleRange(min = 1, max = 100_000) @Scale(5) double hold,
      @ForAll @IntRange(min = 1, max = 1000) int maxUses,
      @ForAll @IntRange(min = 0, max = 500) int waiting,
      @ForAll @IntRange(min = 0, max = 200) int floor,
      @ForAll @IntRange(min = 0, max = 300) int scheduled,
      @ForAll @IntRange(min = 0, max = 400) int above,
      @ForAll boolean runway) {
    int ceiling = floor + above;
    TargetPolicy.Target t = TargetPolicy.compute(new TargetPolicy.Inputs(quantile, maxWait, rate, seasonal, lead,
        hold, maxUses, waiting, floor, Math.min(scheduled, ceiling), ceiling, runway));
    assertThat(t.value()).isGreaterThanOrEqualTo(floor).isLessThanOrEqualTo(ceiling)
        .isGreaterThanOrEqualTo(Math.min(waiting, ceiling))
        .isGreaterThanOrEqualTo(Math.min(scheduled, ceiling));
    assertThat(t.term()).isNotBlank();
  }

  @Property(tries = 2000)
  void theStockIsTheSmallestThatMeetsTheObjective(@ForAll @DoubleRange(min = 0.5, max = 0.9999) @Scale(5) double quantile,
      @ForAll @DoubleRange(min = 0.0001, max = 300) @Scale(5) double mean) {
    int s = TargetPolicy.stock(quantile, mean);
    // P(N >= S) <= 1 - q, and one worker fewer would not do
    assertThat(tail(mean, s)).isLessThanOrEqualTo(1 - quantile + 1e-12);
    assertThat(tail(mean, s - 1)).isGreaterThan(1 - quantile - 1e-12);
  }

  @Property(tries = 500)
  void theStockGrowsWithTheDemandAndTheQuantile(@ForAll @DoubleRange(min = 0.5, max = 0.999) @Scale(5) double quantile,
      @ForAll @DoubleRange(min = 0, max = 1000) @Scale(5) double mean, @ForAll @DoubleRange(min = 0, max = 50) @Scale(5) double more) {
    assertThat(TargetPolicy.stock(quantile, mean + more)).isGreaterThanOrEqualTo(TargetPolicy.stock(quantile, mean));
    assertThat(TargetPolicy.stock(Math.min(0.9999, quantile + 0.0005), mean))
        .isGreaterThanOrEqualTo(TargetPolicy.stock(quantile, mean));
  }

  /** P(N >= k) for N ~ Poisson(mean), summed directly. */
  private static double tail(double mean, int k) {
    if (k <= 0) {
      return 1;
    }
    double p = Math.exp(-mean);
    double below = 0;
    for (int i = 0; i < k; i++) {
      below += p;
      p *= mean / (i + 1);
    }
    return Math.max(0, 1 - below);
  }
}
