package dev.warmpool.core.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * A template's demand by hour of the week: for each of the 168 hours, the most lease requests seen in any five
 * minutes of that hour, and the hour it was seen. Bounded (a week of hourly buckets), whatever the traffic.
 *
 * <p>Design: the prediction for a coming hour takes the same hour a week ago, and the same hour yesterday when
 * yesterday was the same kind of day (a weekday for a weekday, a weekend day for a weekend day), so that a Monday
 * does not pre-warm for Sunday's quiet and a Saturday not for Friday's peaks. The peak of five minutes, not the
 * hour's mean, is kept because bursts at the top of an hour are what a lead time of minutes cannot catch up with.
 * Runner only.
 */
final class SeasonalHistory {
  static final int HOURS = 168;
  static final long SLOT_MILLIS = 5 * 60_000L;
  private final ZoneId zone;
  /** Peak requests in five minutes, per hour of the week; -1 where nothing was seen. */
  private final int[] peak = new int[HOURS];
  /** The epoch hour (UTC hours since 1970) each bucket was recorded in. */
  private final long[] recordedAt = new long[HOURS];
  /** Hours changed since the last {@link #takeChanged()}. */
  private final java.util.BitSet changed = new java.util.BitSet(HOURS);
  private long slot = Long.MIN_VALUE;
  private int slotCount;

  SeasonalHistory(ZoneId zone) {
    this.zone = zone;
    Arrays.fill(peak, -1);
  }

  /** Adds requests counted up to {@code now}. */
  void count(Instant now, long requests) {
    long s = Math.floorDiv(now.toEpochMilli(), SLOT_MILLIS);
    if (s != slot) {
      slot = s;
      slotCount = 0;
    }
    slotCount += (int) Math.min(Integer.MAX_VALUE - slotCount, requests);
    if (requests > 0 || slotCount == 0) {
      long epochHour = Math.floorDiv(now.toEpochMilli(), 3_600_000L);
      int h = hourOfWeek(now);
      if (recordedAt[h] != epochHour) {
        recordedAt[h] = epochHour;
        peak[h] = 0;
        changed.set(h);
      }
      if (slotCount > peak[h]) {
        peak[h] = slotCount;
        changed.set(h);
      }
    }
  }

  /**
   * The arrival rate the history expects over the next {@code horizonSeconds} (the largest five-minute peak of the
   * hours it touches, as a rate per second), or 0 if it knows none of them.
   */
  double predictPerSecond(Instant now, double horizonSeconds) {
    int best = 0;
    long end = now.toEpochMilli() + (long) (horizonSeconds * 1000) + SLOT_MILLIS;
    for (long hour = Math.floorDiv(now.toEpochMilli(), 3_600_000L); hour <= Math.floorDiv(end, 3_600_000L); hour++) {
      best = Math.max(best, expected(Instant.ofEpochMilli(hour * 3_600_000L)));
    }
    return best / (SLOT_MILLIS / 1000.0);
  }

  /**
   * The demand of the last hour as this history kept it: the largest five-minute peak of the current hour and of the
   * one before, where they were recorded in those very hours, as a rate per second; 0 if it knows neither. What a new
   * leader of a shared pool continues from, before its own windows have seen anything.
   */
  double recentPerSecond(Instant now) {
    long epochHour = Math.floorDiv(now.toEpochMilli(), 3_600_000L);
    int best = 0;
    for (long hour = epochHour - 1; hour <= epochHour; hour++) {
      int h = hourOfWeek(Instant.ofEpochMilli(hour * 3_600_000L));
      if (recordedAt[h] == hour) {
        best = Math.max(best, peak[h]);
      }
    }
    return best / (SLOT_MILLIS / 1000.0);
  }

  private int expected(Instant at) {
    long epochHour = Math.floorDiv(at.toEpochMilli(), 3_600_000L);
    int h = hourOfWeek(at);
    int best = 0;
    if (peak[h] > 0 && Math.abs(recordedAt[h] - (epochHour - HOURS)) <= 1) {
      best = peak[h]; // the same hour a week ago (within an hour, for a change of summer time)
    }
    int y = Math.floorMod(h - 24, HOURS);
    if (peak[y] > 0 && Math.abs(recordedAt[y] - (epochHour - 24)) <= 1 && sameKind(at)) {
      best = Math.max(best, peak[y]);
    }
    return best;
  }

  private boolean sameKind(Instant at) {
    DayOfWeek today = at.atZone(zone).getDayOfWeek();
    return weekend(today) == weekend(today.minus(1));
  }

  private static boolean weekend(DayOfWeek d) {
    return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
  }

  int hourOfWeek(Instant at) {
    ZonedDateTime z = at.atZone(zone);
    return (z.getDayOfWeek().getValue() - 1) * 24 + z.getHour();
  }

  /** {@return the hours changed since the last call, as {hour of week, peak, recorded hour}; clears the marks} */
  List<long[]> takeChanged() {
    List<long[]> out = new java.util.ArrayList<>();
    for (int h = changed.nextSetBit(0); h >= 0; h = changed.nextSetBit(h + 1)) {
      out.add(new long[] {h, peak[h], recordedAt[h]});
    }
    changed.clear();
    return out;
  }

  /** Takes buckets kept by an earlier leader, where this history knows nothing newer. */
  void merge(int hourOfWeek, int peakCount, long recordedHour) {
    if (hourOfWeek < 0 || hourOfWeek >= HOURS || peakCount < 0) {
      return;
    }
    if (peak[hourOfWeek] < 0 || recordedAt[hourOfWeek] < recordedHour
        || recordedAt[hourOfWeek] == recordedHour && peak[hourOfWeek] < peakCount) {
      peak[hourOfWeek] = peakCount;
      recordedAt[hourOfWeek] = recordedHour;
    }
  }
}
