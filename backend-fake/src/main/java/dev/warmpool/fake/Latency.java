package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long an operation of the fake cloud takes: a fixed time, or a time drawn uniformly from a range with the
 * cloud's seeded random generator (so the same seed gives the same latencies).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Latency {
  private final Duration min;
  private final Duration max;

  private Latency(Duration min, Duration max) {
    this.min = min;
    this.max = max;
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
    return new Latency(duration, duration);
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
    return new Latency(min, max);
  }

  /** {@return the shortest time this latency gives} */
  public Duration min() {
    return min;
  }

  /** {@return the longest time this latency gives} */
  public Duration max() {
    return max;
  }

  /**
   * Draws one time.
   *
   * @param random where randomness comes from; not touched for a fixed latency
   * @return a time between {@link #min()} and {@link #max()}
   */
  public Duration sample(RandomGenerator random) {
    if (min.equals(max)) {
      return min;
    }
    long span = max.minus(min).toMillis();
    return min.plusMillis(random.nextLong(span + 1));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Latency l && min.equals(l.min) && max.equals(l.max);
  }

  @Override
  public int hashCode() {
    return Objects.hash(min, max);
  }

  @Override
  public String toString() {
    return min.equals(max) ? "fixed(" + min + ")" : "uniform(" + min + ".." + max + ")";
  }
}
