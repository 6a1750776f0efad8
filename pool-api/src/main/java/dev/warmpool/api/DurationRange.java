package dev.warmpool.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The values a {@link Duration} option or argument accepts: a lower bound (zero, or just above zero) and an upper
 * bound that makes sense for the option, low enough that every sum the pool makes with it (an instant plus a lease
 * duration, a delay in nanoseconds) stays far from overflow.
 *
 * <p>One rule and one message for every duration the pool, its stores and its backends take: {@code "leaseDuration
 * must be positive and at most 365 days, was PT87600000H"}. Options of builders fail with an
 * {@link InvalidConfigurationException} naming the option; arguments of calls with an {@link IllegalArgumentException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class DurationRange {
  private final Duration min;
  private final boolean minIncluded;
  private final Duration max;
  private final String minName;

  private DurationRange(Duration min, boolean minIncluded, Duration max, String minName) {
    this.min = min;
    this.minIncluded = minIncluded;
    this.max = max;
    this.minName = minName;
  }

  private DurationRange(Duration min, boolean minIncluded, Duration max) {
    this(min, minIncluded, max, null);
  }

  /**
   * Durations above zero and at most {@code max}.
   *
   * @param max the upper bound, included; positive
   * @return the range
   * @throws IllegalArgumentException if {@code max} is not positive
   */
  public static DurationRange positiveUpTo(Duration max) {
    Objects.requireNonNull(max, "max cannot be null");
    if (max.isNegative() || max.isZero()) {
      throw new IllegalArgumentException("max must be positive, was " + max);
    }
    return new DurationRange(Duration.ZERO, false, max);
  }

  /**
   * Durations from zero to {@code max}, both included.
   *
   * @param max the upper bound, included; zero or positive
   * @return the range
   * @throws IllegalArgumentException if {@code max} is negative
   */
  public static DurationRange upTo(Duration max) {
    return new DurationRange(Duration.ZERO, true, upper(max, Duration.ZERO));
  }

  /**
   * Durations from {@code min} to {@code max}, both included.
   *
   * @param min the lower bound, included; zero or positive
   * @param max the upper bound, included; at least {@code min}
   * @return the range
   * @throws IllegalArgumentException if {@code min} is negative or {@code max} is below it
   */
  public static DurationRange between(Duration min, Duration max) {
    Objects.requireNonNull(min, "min cannot be null");
    if (min.isNegative()) {
      throw new IllegalArgumentException("min cannot be negative, was " + min);
    }
    return new DurationRange(min, true, upper(max, min));
  }

  private static Duration upper(Duration max, Duration min) {
    Objects.requireNonNull(max, "max cannot be null");
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max must be at least " + min + ", was " + max);
    }
    return max;
  }

  /**
   * The same range, with its lower bound named after the option it comes from, so messages say {@code "between
   * openCooldown.initial (2 minutes) and 1 day"}.
   *
   * @param option the option whose value is the lower bound
   * @return the range
   */
  public DurationRange minFrom(String option) {
    return new DurationRange(min, minIncluded, max, Objects.requireNonNull(option, "option cannot be null"));
  }

  /** @return the lower bound (included or not, see {@link #contains}) */
  public Duration min() {
    return min;
  }

  /** @return the upper bound, included */
  public Duration max() {
    return max;
  }

  /**
   * Whether the range holds a value.
   *
   * @param value a duration, not null
   * @return true if {@code value} is in range
   */
  public boolean contains(Duration value) {
    int c = value.compareTo(min);
    return (minIncluded ? c >= 0 : c > 0) && value.compareTo(max) <= 0;
  }

  /**
   * Checks an option of a builder.
   *
   * @param value the value set, not null
   * @param option the option as the builder names it, e.g. {@code "template[linux].maxAge"}
   * @return {@code value}
   * @throws InvalidConfigurationException naming the option, the value and this range, if it is out of range
   */
  public Duration check(Duration value, String option) {
    Objects.requireNonNull(value, () -> option + " cannot be null");
    if (!contains(value)) {
      throw new InvalidConfigurationException(option, message(value, option));
    }
    return value;
  }

  /**
   * Checks an argument of a call.
   *
   * @param value the argument
   * @param name the argument's name, e.g. {@code "timeout"}
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException naming the argument, the value and this range, if it is out of range
   */
  public Duration checkArgument(Duration value, String name) {
    Objects.requireNonNull(value, () -> name + " cannot be null");
    if (!contains(value)) {
      throw new IllegalArgumentException(message(value, name));
    }
    return value;
  }

  private String message(Duration value, String name) {
    return name + " must be " + this + ", was " + value;
  }

  /**
   * The range in words, as messages print it: {@code "positive and at most 365 days"}, {@code "zero or positive and at
   * most 1 day"}, {@code "between 3 seconds and 1 hour"}.
   */
  @Override
  public String toString() {
    if (minName != null) {
      return "between " + minName + " (" + words(min) + ") and " + words(max);
    }
    if (min.isZero()) {
      return (minIncluded ? "zero or positive" : "positive") + " and at most " + words(max);
    }
    return "between " + words(min) + " and " + words(max);
  }

  /**
   * A duration in words when it is a whole number of days, hours, minutes, seconds or milliseconds
   * ({@code "365 days"}, {@code "1 hour"}), else in ISO-8601 ({@code "PT1.5S"}).
   */
  static String words(Duration d) {
    long[] sizes = {86_400_000, 3_600_000, 60_000, 1000, 1};
    String[] units = {"day", "hour", "minute", "second", "millisecond"};
    if (d.isZero()) {
      return "0";
    }
    if (d.getNano() % 1_000_000 == 0 && !d.isNegative() && d.getSeconds() < Long.MAX_VALUE / 1000) {
      long ms = d.toMillis();
      for (int i = 0; i < sizes.length; i++) {
        if (ms % sizes[i] == 0) {
          long n = ms / sizes[i];
          return n + " " + units[i] + (n == 1 ? "" : "s");
        }
      }
    }
    return d.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DurationRange r && r.min.equals(min) && r.minIncluded == minIncluded && r.max.equals(max)
        && Objects.equals(r.minName, minName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(min, minIncluded, max, minName);
  }
}
