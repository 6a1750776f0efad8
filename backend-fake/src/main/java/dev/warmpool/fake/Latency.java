package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long an operation of the fake cloud takes: a fixed time, or a time drawn uniformly from a range, optionally
 * with a slow tail (a share of the draws take a factor times as long), drawn with the cloud's seeded random generator
 * (so the same seed gives the same latencies).
 *
 * <pre>{@code
 * // 2 to 6 minutes, and one create in 20 takes three times as long (6 to 18 minutes)
 * Latency vms = Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(6)).withSlowTail(0.05, 3.0);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Latency {
  /** The largest factor of a slow tail: {@value}, as a slowdown's. */
  public static final double MAX_TAIL_FACTOR = 1000.0;

  private final Duration min;
  private final Duration max;
  private final double tailShare;
  private final double tailFactor;

  private Latency(Duration min, Duration max, double tailShare, double tailFactor) {
    this.min = min;
    this.max = max;
    this.tailShare = tailShare;
    this.tailFactor = tailFactor;
  }

  /**
   * Always the same time.
   *
   * @param duration zero or positive
   * @return the latency
   * @throws NullPointerException if duration is null
   * @throws InvalidConfigurationException if duration is negative
   */
  public static Latency fixed(Duration duration) {
    Objects.requireNonNull(duration, "duration cannot be null");
    if (duration.isNegative()) {
      throw new InvalidConfigurationException("latency", "latency must be zero or positive, was " + duration);
    }
    return new Latency(duration, duration, 0, 1);
  }

  /**
   * A time drawn uniformly between two bounds (both included), at millisecond resolution.
   *
   * @param min the shortest time; zero or positive
   * @param max the longest time; at least {@code min}
   * @return the latency
   * @throws NullPointerException if a bound is null
   * @throws InvalidConfigurationException if min is negative or max is below min
   */
  public static Latency uniform(Duration min, Duration max) {
    Objects.requireNonNull(min, "min cannot be null");
    Objects.requireNonNull(max, "max cannot be null");
    if (min.isNegative()) {
      throw new InvalidConfigurationException("latency.min", "latency.min must be zero or positive, was " + min);
    }
    if (max.compareTo(min) < 0) {
      throw new InvalidConfigurationException("latency.max",
          "latency.max must be at least latency.min (" + min + "), was " + max);
    }
    return new Latency(min, max, 0, 1);
  }

  /**
   * This latency with a slow tail: each draw is, with probability {@code share}, multiplied by {@code factor}
   * (rounded to the millisecond). {@code uniform(2 min, 6 min).withSlowTail(0.05, 3.0)} gives 2 to 6 minutes 95 times
   * in 100 and 6 to 18 minutes otherwise, as a cloud whose creates now and then land on a slow host. A share of 0
   * means no tail. The tail takes one more draw of the cloud's random generator per call (after the body's), so
   * the same seed gives the same latencies; a latency without a tail draws exactly as before.
   *
   * @param share the share of draws in the tail; 0.0 to 1.0
   * @param factor how many times longer a draw in the tail takes; 1.0 to {@value #MAX_TAIL_FACTOR}
   * @return a new latency; this one is unchanged
   * @throws InvalidConfigurationException naming {@code latency.slowTail.share} or {@code latency.slowTail.factor},
   *     the value and the allowed range, if one is out of range (or not a number)
   */
  public Latency withSlowTail(double share, double factor) {
    if (!(share >= 0 && share <= 1)) {
      throw new InvalidConfigurationException("latency.slowTail.share",
          "latency.slowTail.share must be between 0.0 and 1.0, was " + share);
    }
    if (!(factor >= 1 && factor <= MAX_TAIL_FACTOR)) {
      throw new InvalidConfigurationException("latency.slowTail.factor",
          "latency.slowTail.factor must be between 1.0 and " + MAX_TAIL_FACTOR + ", was " + factor);
    }
    return new Latency(min, max, share, factor);
  }

  /** {@return the shortest time this latency gives} */
  public Duration min() {
    return min;
  }

  /** {@return the longest time this latency gives, the slow tail's included} */
  public Duration max() {
    return tailShare > 0 ? scale(max, tailFactor) : max;
  }

  /** {@return the share of draws in the slow tail; 0 without one} */
  public double slowTailShare() {
    return tailShare;
  }

  /** {@return how many times longer a draw in the slow tail takes; 1 without a tail} */
  public double slowTailFactor() {
    return tailFactor;
  }

  /**
   * Draws one time.
   *
   * @param random where randomness comes from; not touched for a fixed latency without a tail
   * @return a time between {@link #min()} and {@link #max()}
   */
  public Duration sample(RandomGenerator random) {
    Duration drawn = min;
    if (!min.equals(max)) {
      long span = max.minus(min).toMillis();
      drawn = min.plusMillis(random.nextLong(span + 1));
    }
    if (tailShare > 0 && random.nextDouble() < tailShare) {
      drawn = scale(drawn, tailFactor);
    }
    return drawn;
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofMillis(Math.round(d.toMillis() * factor));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Latency l && min.equals(l.min) && max.equals(l.max)
        && Double.compare(tailShare, l.tailShare) == 0 && Double.compare(tailFactor, l.tailFactor) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(min, max, tailShare, tailFactor);
  }

  @Override
  public String toString() {
    String body = min.equals(max) ? "fixed(" + min + ")" : "uniform(" + min + ".." + max + ")";
    return tailShare > 0 ? body + ".withSlowTail(" + tailShare + ", " + tailFactor + ")" : body;
  }
}
