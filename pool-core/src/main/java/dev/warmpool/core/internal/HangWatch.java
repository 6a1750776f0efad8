package dev.warmpool.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Creates that hang in one placement: a create still out well past what this placement's creates take counts as
 * failed while it stays out, long before the provisioning timeout ends it.
 *
 * <p>Design: the bar is {@value #MULTIPLE} times the slowest of the last {@value #SAMPLES} creates that completed
 * successfully (about their 95th percentile), and at least {@link #FLOOR}; before {@value #KNOWN_AFTER} creates
 * completed there is no bar, so a cold placement or a provider that is slow from its first create is never judged. A
 * create counts by its start, like every call of the placement's window: the watch keeps, per start time, how many
 * creates are still out, how many failed and how many ended otherwise. Once the bar has passed since a start, every
 * create of that start is decided: it completed, it failed, or it is still out. {@link #judge} reads the creates that
 * started in a window just before {@code now - bar}, all of them decided, so hangs are not diluted by younger creates
 * that have not had the time to show whether they hang. A create that completes after all is taken back out, and
 * its latency raises the bar.
 *
 * <p>What tells a hang from a uniform slowdown is the other creates. A create out past the bar hangs only once a
 * create that started after it completed in the usual time (no slower than {@link #USUAL_SHARE} of the recent ones):
 * the placement still works for others. When every create gets slower, none completes in the usual time, and the slow
 * ones that complete raise the bar ahead of those still out, so the placement stays closed and the {@link Supply}
 * keeps up instead. When nothing completes at all (every create hangs), a create hangs past twice the bar: a uniform
 * slowdown by more than four times the slowest create would open the placement too, which from the pool's side is a
 * placement where nothing completes; the creates that complete meanwhile raise the bar, so it does not flap.
 *
 * <p>The watch is the leader's own: the creates it counts are the ones this node sent; a new leader starts with none
 * out (the store keeps none) and with the latencies it saw itself, if any. Runner only.
 */
final class HangWatch {
  /**
   * How many recent latencies the bar comes from: enough to hold a provider's slow tail (with 5% of creates three
   * times slower, the last 100 hold one of them 99 times in 100), so its stragglers do not read as hangs.
   */
  static final int SAMPLES = 100;
  /** How many creates must have completed before the bar is known. */
  static final int KNOWN_AFTER = 5;
  /** The bar, as a multiple of the slowest recent create. */
  static final int MULTIPLE = 2;
  /** The share of recent creates that a create completing in the usual time is no slower than. */
  static final double USUAL_SHARE = 0.8;
  /** The lowest bar: a create out for less is never a hang, however fast the provider usually is. */
  static final Duration FLOOR = Duration.ofMinutes(1);

  private static final int OUT = 0;
  private static final int FAILED = 1;
  private static final int ENDED = 2;

  /** Latencies of recent successful creates, in milliseconds, oldest first. */
  private final ArrayDeque<Long> latencies = new ArrayDeque<>();
  /** Per start time: creates still out, failed, and ended otherwise (completed, refused for throttle or capacity). */
  private final TreeMap<Instant, int[]> creates = new TreeMap<>();
  /** Creates that started before this are not judged: they belong to an episode the placement closed on. */
  private Instant since = Instant.MIN;
  /** The latest start of a create that completed in the usual time (see {@link #USUAL_SHARE}). */
  private Instant lastUsualStart = Instant.MIN;

  /**
   * The creates judged in one window: how many started, how many failed, how many of them still hang, after how long
   * they count as hanging, and whether because later creates completed meanwhile.
   */
  record Judged(int calls, int failed, int hung, Duration after, boolean overtaken) {}

  /** A create started at {@code at}. */
  void started(Instant at) {
    creates.computeIfAbsent(at, k -> new int[3])[OUT]++;
  }

  /** A create that started at {@code at} (null: not known) completed at {@code now}. */
  void succeeded(Instant at, Instant now) {
    if (at == null) {
      return;
    }
    move(at, ENDED);
    long took = Math.max(0, Duration.between(at, now).toMillis());
    if (latencies.size() < KNOWN_AFTER || took <= usual()) {
      // completed in the usual time: every create that started before it and is still out is overtaken
      if (at.isAfter(lastUsualStart)) {
        lastUsualStart = at;
      }
    }
    latencies.addLast(took);
    if (latencies.size() > SAMPLES) {
      latencies.removeFirst();
    }
  }

  /** A create that started at {@code at} failed with a control-plane failure (or timed out). */
  void failed(Instant at) {
    move(at, FAILED);
  }

  /** A create that started at {@code at} ended in a way that says nothing of hangs (throttle, capacity, invalid). */
  void ended(Instant at) {
    move(at, ENDED);
  }

  private void move(Instant at, int to) {
    int[] c = at == null ? null : creates.get(at);
    if (c != null && c[OUT] > 0) {
      c[OUT]--;
      c[to]++;
    }
  }

  /** The placement closed at {@code now}: creates that started before are not judged any more. */
  void closed(Instant now) {
    since = now;
  }

  /** Another leader's calls, or none: forgets every create out, keeps the latencies (they describe the provider). */
  void forgetCreates() {
    creates.clear();
    lastUsualStart = Instant.MIN;
  }

  private long slowest() {
    long slowest = 0;
    for (long l : latencies) {
      slowest = Math.max(slowest, l);
    }
    return slowest;
  }

  /**
   * What a create usually takes: no longer than four in five of the recent ones. A create that gets uniformly
   * slower by more than the spread of its latencies (a factor of 2.6 for creates of 20 to 60 seconds) no longer
   * completes within it, so it cannot make the creates out before it look overtaken.
   */
  private long usual() {
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[Math.max(0, (int) Math.ceil(sorted.length * USUAL_SHARE) - 1)];
  }

  /** How long a create may be out before it hangs, if later ones completed; null while too few did to know. */
  Duration bar() {
    if (latencies.size() < KNOWN_AFTER) {
      return null;
    }
    Duration bar = Duration.ofMillis(slowest() * MULTIPLE);
    return bar.compareTo(FLOOR) < 0 ? FLOOR : bar;
  }

  /**
   * The creates that started in {@code window} before {@code now - bar}, each decided by now, judged twice: where a
   * create still out hangs if a later one completed in the usual time, and before {@code now - 2 bar}, where every
   * create still out hangs (nothing at all may complete). Empty if the bar is not known.
   */
  java.util.List<Judged> judge(Instant now, Duration window) {
    Duration bar = bar();
    if (bar == null) {
      return java.util.List.of();
    }
    return java.util.List.of(judge(now, window, bar, true), judge(now, window, bar.multipliedBy(2), false));
  }

  private Judged judge(Instant now, Duration window, Duration after, boolean needOvertaken) {
    Instant to = now.minus(after);
    Instant from = later(to.minus(window), since);
    int calls = 0;
    int failed = 0;
    int hung = 0;
    if (from.isBefore(to)) {
      for (Map.Entry<Instant, int[]> e : creates.subMap(from, false, to, true).entrySet()) {
        int[] c = e.getValue();
        calls += c[OUT] + c[FAILED] + c[ENDED];
        failed += c[FAILED];
        if (!needOvertaken || e.getKey().isBefore(lastUsualStart)) {
          hung += c[OUT]; // else still out, maybe only slow: counted as a call that has not failed
        }
      }
    }
    return new Judged(calls, failed, hung, after, needOvertaken);
  }

  /** How many creates that started after {@code from} (and are judged) hang now. */
  int hung(Instant now, Instant from) {
    Duration bar = bar();
    if (bar == null) {
      return 0;
    }
    Instant lo = later(from, since);
    Instant to = now.minus(bar);
    Instant alone = now.minus(bar.multipliedBy(2));
    int n = 0;
    if (lo.isBefore(to)) {
      for (Map.Entry<Instant, int[]> e : creates.subMap(lo, false, to, true).entrySet()) {
        if (e.getKey().isBefore(lastUsualStart) || !e.getKey().isAfter(alone)) {
          n += e.getValue()[OUT];
        }
      }
    }
    return n;
  }

  /** Forgets creates that started more than {@code keep} before the later judged window. */
  void prune(Instant now, Duration keep) {
    Duration bar = bar();
    Instant cutoff = now.minus(keep).minus(bar == null ? Duration.ZERO : bar.multipliedBy(2));
    creates.headMap(cutoff, false).clear();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
