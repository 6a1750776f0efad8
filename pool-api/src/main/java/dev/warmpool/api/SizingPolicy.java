package dev.warmpool.api;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How a template's warm target is computed from a lease-wait objective instead of being a fixed number: "a lease
 * waits at most {@link #maxWait()}, {@link #quantile()} of the time" (for example p99 at most 5 s), between a
 * {@link #floor()} and a {@link #ceiling()}, raised to a {@link Window}'s minimum while a known peak lasts.
 *
 * <p>Each control pass the pool computes the target from what it observes: the lease arrival rate over a short and a
 * long window, a recent high quantile of the provisioning latency of the placement that supplies the stock, hold
 * times and reuse, and the workers already provisioning. The margin is a quantile of the arrivals expected within
 * the lead time, taken from the objective; docs/sizing.md tells the whole computation. A template without a sizing
 * policy keeps its fixed {@link WorkerTemplate#warmTarget()}.
 *
 * <p>Immutable and thread-safe; build with {@link #objective(double, Duration)}.
 *
 * @since 0.1
 */
public final class SizingPolicy {
  /** The ceiling when none is set: bounded only by the template's {@link WorkerTemplate#maxTotal()}. */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  private final double quantile;
  private final Duration maxWait;
  private final int floor;
  private final int ceiling;
  private final ZoneId zone;
  private final List<Window> windows;
  private final boolean learnSeasonality;

  private SizingPolicy(Builder b) {
    this.quantile = b.quantile;
    this.maxWait = b.maxWait;
    this.floor = b.floor;
    this.ceiling = b.ceiling;
    this.zone = b.zone;
    this.windows = List.copyOf(b.windows);
    this.learnSeasonality = b.learnSeasonality;
  }

  /**
   * Starts a policy from its objective: a lease waits at most {@code maxWait}, {@code quantile} of the time.
   *
   * @param quantile the share of leases that must meet the wait, strictly between 0 and 1 (0.99 for p99)
   * @param maxWait the wait, positive
   * @return a builder; the rules are checked by {@link Builder#build()}
   * @throws NullPointerException if maxWait is null
   */
  public static Builder objective(double quantile, Duration maxWait) {
    return new Builder(quantile, Check.notNull(maxWait, "sizing.maxWait"));
  }

  /** {@return the share of leases that must wait at most {@link #maxWait()}, strictly between 0 and 1} */
  public double quantile() {
    return quantile;
  }

  /** {@return the wait that {@link #quantile()} of the leases must not exceed; positive} */
  public Duration maxWait() {
    return maxWait;
  }

  /** {@return the smallest target the pool computes; 0 by default} */
  public int floor() {
    return floor;
  }

  /** {@return the largest target the pool computes; {@link #UNBOUNDED} by default (the template's max total)} */
  public int ceiling() {
    return ceiling;
  }

  /** {@return the zone that {@link #windows()} and the learned hours of the week are read in; UTC by default} */
  public ZoneId zone() {
    return zone;
  }

  /** {@return the known peaks, each with a minimum target; never null, empty by default} */
  public List<Window> windows() {
    return windows;
  }

  /**
   * Whether the pool learns the demand by hour of the week and pre-warms ahead of a peak it has seen before (the same
   * hour yesterday, the same hour of the week a week ago). True by default.
   *
   * @return whether seasonality is learned
   */
  public boolean learnSeasonality() {
    return learnSeasonality;
  }

  /**
   * The minimum target of the window that contains a local day and time, or 0 if none does.
   *
   * @param day the day of the week, in {@link #zone()}
   * @param time the time of day, in {@link #zone()}
   * @return the window's minimum target, or 0
   */
  public int scheduledMinimum(DayOfWeek day, LocalTime time) {
    for (Window w : windows) {
      if (w.contains(day, time)) {
        return w.minTarget();
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SizingPolicy p && quantile == p.quantile && maxWait.equals(p.maxWait) && floor == p.floor
        && ceiling == p.ceiling && zone.equals(p.zone) && windows.equals(p.windows)
        && learnSeasonality == p.learnSeasonality;
  }

  @Override
  public int hashCode() {
    return Objects.hash(quantile, maxWait, floor, ceiling, zone, windows, learnSeasonality);
  }

  @Override
  public String toString() {
    return "SizingPolicy[p" + trim(quantile * 100) + " <= " + maxWait + ", floor=" + floor + ", ceiling="
        + (ceiling == UNBOUNDED ? "unbounded" : ceiling) + ", zone=" + zone + ", windows=" + windows
        + ", learnSeasonality=" + learnSeasonality + "]";
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * A known peak: from {@code firstDay} to {@code lastDay} (wrapping past Sunday, so FRIDAY to MONDAY is four days),
   * between {@code from} (inclusive) and {@code until} (exclusive) on each of those days, the target is at least
   * {@code minTarget}. A window does not cross midnight: write two.
   *
   * @param firstDay the first day
   * @param lastDay the last day
   * @param from the start of each day's window
   * @param until the end of each day's window, after {@code from}
   * @param minTarget the minimum target while the window lasts, 0 or more
   * @since 0.1
   */
  public record Window(DayOfWeek firstDay, DayOfWeek lastDay, LocalTime from, LocalTime until, int minTarget) {
    /**
     * Checks the components for null.
     *
     * @param firstDay the first day
     * @param lastDay the last day
     * @param from the start of each day's window
     * @param until the end of each day's window
     * @param minTarget the minimum target while the window lasts
     * @throws NullPointerException if a component is null
     */
    public Window {
      Check.notNull(firstDay, "window.firstDay");
      Check.notNull(lastDay, "window.lastDay");
      Check.notNull(from, "window.from");
      Check.notNull(until, "window.until");
    }

    /**
     * Reads a window from text: {@code <days> <from>-<until> <minTarget>}, days as one day or a range of three-letter
     * names ({@code mon-fri}, {@code sat}), times as {@code HH:mm}; for example {@code mon-fri 07:00-19:00 12}.
     *
     * @param option the option the text belongs to, for the message
     * @param text the text
     * @return the window; its rules are checked by {@link Builder#build()}
     * @throws InvalidConfigurationException naming the option and the text if it is not of that form
     */
    public static Window parse(String option, String text) {
      Check.notNull(text, option);
      String[] p = text.strip().toLowerCase(Locale.ROOT).split("\\s+");
      try {
        if (p.length != 3) {
          throw new IllegalArgumentException();
        }
        String[] days = p[0].split("-", -1);
        String[] times = p[1].split("-", -1);
        if (days.length > 2 || times.length != 2) {
          throw new IllegalArgumentException();
        }
        DayOfWeek first = day(days[0]);
        DayOfWeek last = days.length == 2 ? day(days[1]) : first;
        return new Window(first, last, LocalTime.parse(times[0]), LocalTime.parse(times[1]),
            Integer.parseInt(p[2]));
      } catch (IllegalArgumentException | DateTimeException e) {
        throw Check.invalid(option, option + " must be \"<days> <HH:mm>-<HH:mm> <minTarget>\" such as"
            + " \"mon-fri 07:00-19:00 12\", was " + SafeText.quote(text));
      }
    }

    private static DayOfWeek day(String s) {
      for (DayOfWeek d : DayOfWeek.values()) {
        if (d.name().toLowerCase(Locale.ROOT).startsWith(s) && s.length() == 3) {
          return d;
        }
      }
      throw new IllegalArgumentException(s);
    }

    /** {@return the days this window covers} */
    public Set<DayOfWeek> days() {
      Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
      DayOfWeek d = firstDay;
      out.add(d);
      while (d != lastDay) {
        d = d.plus(1);
        out.add(d);
      }
      return out;
    }

    /**
     * Whether this window contains a local day and time.
     *
     * @param day the day
     * @param time the time of day
     * @return true if the day is one of {@link #days()} and the time is in [from, until)
     */
    public boolean contains(DayOfWeek day, LocalTime time) {
      return days().contains(day) && !time.isBefore(from) && time.isBefore(until);
    }

    @Override
    public String toString() {
      String d = firstDay == lastDay ? abbr(firstDay) : abbr(firstDay) + "-" + abbr(lastDay);
      return d + " " + from + "-" + until + " " + minTarget;
    }

    private static String abbr(DayOfWeek d) {
      return d.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Builds a {@link SizingPolicy}. Null arguments fail at the setter; value and cross-field rules fail at
   * {@link #build()}, whatever the call order. Not thread-safe.
   */
  public static final class Builder {
    private final double quantile;
    private final Duration maxWait;
    private int floor;
    private int ceiling = UNBOUNDED;
    private ZoneId zone = ZoneOffset.UTC;
    private String zoneText;
    private final List<Window> windows = new ArrayList<>();
    private boolean learnSeasonality = true;

    private Builder(double quantile, Duration maxWait) {
      this.quantile = quantile;
      this.maxWait = maxWait;
    }

    /**
     * The smallest target; 0 or more, at most the ceiling. 0 by default.
     *
     * @param floor the floor
     * @return this builder
     */
    public Builder floor(int floor) {
      this.floor = floor;
      return this;
    }

    /**
     * The largest target; at least the floor and at most the template's max total. Unbounded by default.
     *
     * @param ceiling the ceiling
     * @return this builder
     */
    public Builder ceiling(int ceiling) {
      this.ceiling = ceiling;
      return this;
    }

    /**
     * The zone that windows and learned hours are read in, by id ({@code Europe/Berlin}, {@code UTC}); UTC by
     * default. An unknown id fails at {@link #build()}.
     *
     * @param zone the zone id
     * @return this builder
     */
    public Builder zone(String zone) {
      this.zoneText = Check.notNull(zone, "sizing.zone");
      return this;
    }

    /**
     * Adds a known peak with its minimum target. Windows must not overlap.
     *
     * @param window the window
     * @return this builder
     */
    public Builder window(Window window) {
      windows.add(Check.notNull(window, "sizing.windows"));
      return this;
    }

    /**
     * Whether to learn the demand by hour of the week and pre-warm ahead of peaks seen before; true by default.
     *
     * @param learn false to size from the observed rates only
     * @return this builder
     */
    public Builder learnSeasonality(boolean learn) {
      this.learnSeasonality = learn;
      return this;
    }

    /**
     * Checks every rule and builds the policy.
     *
     * @return the policy
     * @throws InvalidConfigurationException naming the option, the value and the allowed range: a quantile outside
     *     (0, 1), a wait that is not positive, a negative floor, a floor above the ceiling, an unknown zone, a window
     *     that is empty (until not after from) or overlaps another, a negative minimum target
     */
    public SizingPolicy build() {
      if (!(quantile > 0 && quantile < 1)) {
        throw Check.invalid("sizing.quantile", "sizing.quantile must be strictly between 0 and 1 (0.99 for p99),"
            + " was " + quantile);
      }
      if (maxWait.isNegative() || maxWait.isZero()) {
        throw Check.invalid("sizing.maxWait", "sizing.maxWait must be positive, was " + maxWait);
      }
      Check.between(floor, 0, Integer.MAX_VALUE, "sizing.floor", "0 and " + Integer.MAX_VALUE);
      if (ceiling < floor) {
        throw Check.invalid("sizing.ceiling", "sizing.ceiling must be at least sizing.floor (" + floor + "), was "
            + ceiling);
      }
      if (zoneText != null) {
        try {
          zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
          throw Check.invalid("sizing.zone", "sizing.zone must be a zone id such as UTC or Europe/Berlin, was "
              + SafeText.quote(zoneText));
        }
      }
      for (int i = 0; i < windows.size(); i++) {
        Window w = windows.get(i);
        if (!w.until().isAfter(w.from())) {
          throw Check.invalid("sizing.windows", "sizing.windows: window \"" + w + "\" is empty: its end must be"
              + " after its start on the same day (split a window that crosses midnight in two)");
        }
        Check.between(w.minTarget(), 0, ceiling, "sizing.windows",
            "0 and sizing.ceiling (" + (ceiling == UNBOUNDED ? "unbounded" : ceiling) + ") for window \"" + w
            + "\"");
        for (int j = 0; j < i; j++) {
          Window o = windows.get(j);
          Set<DayOfWeek> common = EnumSet.copyOf(w.days());
          common.retainAll(o.days());
          if (!common.isEmpty() && w.from().isBefore(o.until()) && o.from().isBefore(w.until())) {
            throw Check.invalid("sizing.windows", "sizing.windows: window \"" + w + "\" overlaps window \"" + o
                + "\" on " + common + "; windows must not overlap");
          }
        }
      }
      return new SizingPolicy(this);
    }
  }
}
