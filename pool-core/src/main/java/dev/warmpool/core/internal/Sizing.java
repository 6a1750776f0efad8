package dev.warmpool.core.internal;

import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.SizingStatus;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One template's moving warm target: what the pool observes (arrivals over a short and a long window, provisioning
 * latency per placement, hold times, the learned hours of the week), the target {@link TargetPolicy} computes from it
 * each control pass, the hysteresis that lets it fall only after a quiet spell, and the cost figures (idle
 * worker-hours, lease waits) that every template reports, fixed or not.
 *
 * <p>Design: the target is internal to the engine: the {@link Provisioner} reads {@link #target()} where it read the
 * template's fixed warm target, and {@link TargetKeeper} retires idle workers above it. Rates are
 * counted per minute over sliding windows (five minutes and an hour), so they do not depend on how often passes run
 * and a quiet hour forgets a busy one (an exponential average would keep a tail of the day's peak all night). The
 * latency of a placement is the 90th percentile of the last {@value #LATENCIES} provisions it delivered, taken in the
 * order they started: in the order they ended, the slow creates of a busy spell land among the few fast ones started
 * after it and read as a slower placement; and a 90th percentile of 32 rests on the fourth-longest, so a few slow
 * creates in a row (one in twenty of a cloud with a slow tail) would move it into the tail. A computed target rises
 * at once and falls only when it stayed lower for the dwell (twice the lead time, at least ten minutes): the target
 * in force is the largest computed within the dwell, and its term and figures are the ones that computed it. While an
 * {@link OutageRunway} is in force the lead time is its carrier's (at least the age of the carrier's oldest create in
 * flight: a placement that has not delivered much yet shows its slowness before its creates land), and the reason
 * says why. Observations come from the lease path (waits, holds) and the runner (everything else); the figures the
 * snapshot reads are volatile.
 */
final class Sizing {
  static final Duration SHORT_WINDOW = Duration.ofMinutes(5);
  static final Duration LONG_WINDOW = Duration.ofMinutes(60);
  static final Duration MIN_DWELL = Duration.ofMinutes(10);
  static final int LATENCIES = 100;

  private final WorkerTemplate template;
  private final SizingPolicy policy;
  private final SeasonalHistory history;
  final WaitRecord waits = new WaitRecord();
  private final Map<PlacementShelf, Latencies> latencies = new HashMap<>();
  private final ArrayDeque<Held> recent = new ArrayDeque<>(); // the largest at the front
  /** Requests per minute of the last hour, by minute (a ring indexed by epoch minute). */
  private final long[] perMinute = new long[(int) LONG_WINDOW.toMinutes()];
  private long newestMinute = Long.MIN_VALUE;
  private long lastCount;
  private Instant lastAt;
  private Instant since;
  private double longRate;
  /** A new leader's rate of the last hour, from the stored hours, until {@link #inheritedUntil}. */
  private double inheritedPerSecond;
  private Instant inheritedUntil;
  private volatile double holdSeconds = Double.POSITIVE_INFINITY;
  private volatile int target;
  private volatile String term;
  private volatile double ratePerMinute;
  private volatile Duration lead;
  private volatile double idleWorkerHours;
  private String reason = "";

  Sizing(WorkerTemplate template) {
    this.template = template;
    this.policy = template.sizing().orElse(null);
    this.history = policy != null && policy.learnSeasonality() ? new SeasonalHistory(policy.zone()) : null;
    this.target = policy == null ? template.warmTarget() : policy.floor();
    this.term = policy == null ? TargetPolicy.FIXED : TargetPolicy.FLOOR;
  }

  /** Whether an objective computes the target (else it is the template's fixed warm target). */
  boolean computed() {
    return policy != null;
  }

  /** The warm target in force. */
  int target() {
    return target;
  }

  String term() {
    return term;
  }

  String reason() {
    return reason;
  }

  SeasonalHistory history() {
    return history;
  }

  /**
   * This node took the lead of a shared pool: until its own short window has seen the demand, the rate is at least
   * the one of the last hour that its predecessors kept in the store (the largest five-minute peak of this hour and
   * the one before), so the target goes on from there instead of starting again from the floor. Runner only.
   */
  void inherit(Instant now) {
    if (history != null) {
      inheritedPerSecond = history.recentPerSecond(now);
      inheritedUntil = now.plus(SHORT_WINDOW);
    }
  }

  /** A provision started at {@code startedAt} answered with a worker at {@code now}. Runner only. */
  void provisioned(PlacementShelf shelf, Instant startedAt, Instant now) {
    latencies.computeIfAbsent(shelf, s -> new Latencies()).add(startedAt.toEpochMilli(),
        Duration.between(startedAt, now).toMillis());
  }

  /**
   * A lease granted at {@code grantedAt} ended at {@code now}; any thread (a plain volatile average: a lost update
   * costs nothing). Only an objective reads the hold time, so a fixed target skips the shared write on the lease path.
   */
  void released(Instant grantedAt, Instant now) {
    if (policy == null) {
      return;
    }
    double h = Duration.between(grantedAt, now).toMillis() / 1000.0;
    double before = holdSeconds;
    holdSeconds = Double.isInfinite(before) ? h : before + 0.05 * (h - before);
  }

  /** The 90th percentile of a placement's recent provisioning latencies, or null before its first. Runner only. */
  Duration latency(PlacementShelf shelf) {
    Latencies l = latencies.get(shelf);
    return l == null ? null : Duration.ofMillis(l.percentile90());
  }

  /** The latencies of the last {@link #LATENCIES} creates that delivered, by start (oldest start first). */
  private static final class Latencies {
    private final long[] starts = new long[LATENCIES];
    private final long[] millis = new long[LATENCIES];
    private int size;

    /** Adds a latency in start order; a create that started before all of a full window's is too old to count. */
    void add(long start, long latency) {
      int i = size;
      while (i > 0 && starts[i - 1] > start) {
        i--;
      }
      if (size == LATENCIES) {
        if (i == 0) {
          return;
        }
        // drop the oldest start to make room
        System.arraycopy(starts, 1, starts, 0, i - 1);
        System.arraycopy(millis, 1, millis, 0, i - 1);
        i--;
      } else {
        System.arraycopy(starts, i, starts, i + 1, size - i);
        System.arraycopy(millis, i, millis, i + 1, size - i);
        size++;
      }
      starts[i] = start;
      millis[i] = latency;
    }

    long percentile90() {
      long[] sorted = Arrays.copyOf(millis, size);
      Arrays.sort(sorted);
      return sorted[(int) Math.ceil(0.9 * size) - 1];
    }
  }

  /**
   * Folds this pass's observations in and computes the target. Runner only.
   *
   * @param t the template
   * @param now the pass's time
   * @param idle idle workers counted by this pass
   * @param waiting requests waiting, on this node and others
   * @param count lease requests counted so far (a running total)
   * @param oldestCreate when the oldest create still in flight in the {@link #supplier(TemplateRuntime) supplier}
   *     started, or null
   * @return whether the target in force moved
   */
  boolean update(TemplateRuntime t, Instant now, int idle, int waiting, long count, Instant oldestCreate) {
    if (lastAt == null) {
      lastAt = now;
      since = now;
      lastCount = count;
    }
    double seconds = Duration.between(lastAt, now).toMillis() / 1000.0;
    if (seconds > 0) {
      countMinute(now, count - lastCount);
      idleWorkerHours += idle * seconds / 3600.0;
      if (history != null) {
        history.count(now, count - lastCount);
      }
      lastAt = now;
      lastCount = count;
    }
    double shortRate = rate(now, SHORT_WINDOW);
    longRate = rate(now, LONG_WINDOW);
    double rate = Math.max(shortRate, longRate);
    if (inheritedUntil != null && now.isBefore(inheritedUntil)) {
      rate = Math.max(rate, inheritedPerSecond);
    }
    ratePerMinute = rate * 60;
    if (policy == null) {
      return false;
    }
    PlacementShelf supplier = supplier(t);
    Duration l = latency(supplier);
    if (l == null) {
      // a placement that has not delivered yet: the longest lead the template's placements showed
      for (PlacementShelf s : t.shelves) {
        Duration other = latency(s);
        l = other != null && (l == null || other.compareTo(l) > 0) ? other : l;
      }
    }
    if (l != null && t.runway != null && oldestCreate != null
        && Duration.between(oldestCreate, now).compareTo(l) > 0) {
      // an outage runway's carrier has delivered little or nothing yet: its lead is at least the age of its oldest
      // create in flight, so a slower placement shows before its first creates land
      l = Duration.between(oldestCreate, now);
    }
    if (l == null) {
      l = template.provisioningTimeout(); // nothing provisioned yet: the most it may take
    }
    lead = l;
    double leadSeconds = l.toMillis() / 1000.0;
    // the learned peak is a count of five minutes: spread over a longer lead time it is that many arrivals, not a rate
    // that lasts the whole lead time
    double window = Math.max(SeasonalHistory.SLOT_MILLIS / 1000.0, leadSeconds - policy.maxWait().toMillis() / 1000.0);
    double seasonal = history != null
        ? history.predictPerSecond(now, leadSeconds) * (SeasonalHistory.SLOT_MILLIS / 1000.0) / window : 0;
    ZonedDateTime here = now.atZone(policy.zone());
    ZonedDateTime ahead = now.plus(l).atZone(policy.zone());
    int scheduled = Math.max(policy.scheduledMinimum(here.getDayOfWeek(), here.toLocalTime()),
        policy.scheduledMinimum(ahead.getDayOfWeek(), ahead.toLocalTime()));
    TargetPolicy.Target computed = TargetPolicy.compute(new TargetPolicy.Inputs(policy.quantile(),
        policy.maxWait().toMillis() / 1000.0, rate, seasonal, leadSeconds, holdSeconds, template.maxUses(),
        waiting, policy.floor(), scheduled, Math.min(policy.ceiling(), template.maxTotal()),
        t.runway != null));
    OutageRunway.Decision runway = t.runway;
    String why = String.format(java.util.Locale.ROOT, "%s: %.2f requests/min%s over a lead time of %s at %s,"
        + " p%s <= %s", computed.term(), Math.max(rate, seasonal) * 60, seasonal > rate ? " (learned)" : "",
        Forecaster.format(l.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : l),
        supplier.placement.key(), trim(policy.quantile() * 100), policy.maxWait())
        + (runway != null ? "; outage runway: " + runway.why() + ", so the stock is raised at "
            + runway.carrier().placement.key() : "");
    Held inForce = hold(new Held(now.toEpochMilli(), computed.value(), computed.term(), why), dwell(l));
    int before = target;
    target = inForce.value();
    term = inForce.term();
    reason = inForce.reason();
    return inForce.value() != before;
  }

  /** A target computed at {@code at} (epoch millis), with the term and the figures that set it. */
  private record Held(long at, int value, String term, String reason) {}

  /**
   * The placement whose lead time the target is computed from: an outage runway's carrier, else the active placement,
   * else the home one.
   */
  static PlacementShelf supplier(TemplateRuntime t) {
    OutageRunway.Decision runway = t.runway;
    return runway != null ? runway.carrier() : t.active != null ? t.active : t.home;
  }

  private void countMinute(Instant now, long requests) {
    long minute = Math.floorDiv(now.toEpochMilli(), 60_000L);
    if (newestMinute == Long.MIN_VALUE) {
      newestMinute = minute;
    }
    for (long m = newestMinute + 1; m <= minute && m <= newestMinute + perMinute.length; m++) {
      perMinute[(int) Math.floorMod(m, (long) perMinute.length)] = 0;
    }
    newestMinute = Math.max(newestMinute, minute);
    perMinute[(int) Math.floorMod(minute, (long) perMinute.length)] += requests;
  }

  /** Requests per second over the last {@code window} (a sliding window: a quiet hour forgets a busy one). */
  private double rate(Instant now, Duration window) {
    if (newestMinute == Long.MIN_VALUE) {
      return 0;
    }
    long minutes = window.toMinutes();
    long total = 0;
    for (long m = newestMinute - minutes + 1; m <= newestMinute; m++) {
      total += perMinute[(int) Math.floorMod(m, (long) perMinute.length)];
    }
    // the current minute is partly over: divide by the time the window really covers, and by no more than the pool
    // has been observing
    double seconds = (minutes - 1) * 60 + (now.toEpochMilli() % 60_000L) / 1000.0;
    seconds = Math.min(seconds, Duration.between(since, now).toMillis() / 1000.0);
    return total / Math.max(seconds, 60);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static Duration dwell(Duration lead) {
    Duration twice = lead.multipliedBy(2);
    return twice.compareTo(MIN_DWELL) > 0 ? twice : MIN_DWELL;
  }

  /**
   * The largest target computed within the dwell, with its term and figures: rises at once, falls after the dwell (a
   * monotone queue).
   */
  private Held hold(Held computed, Duration dwell) {
    while (!recent.isEmpty() && recent.peekLast().value() <= computed.value()) {
      recent.pollLast();
    }
    recent.addLast(computed);
    while (recent.peekFirst().at() < computed.at() - dwell.toMillis()) {
      recent.pollFirst();
    }
    return recent.peekFirst();
  }

  /** The workers demand takes from the stock within the dwell anyway: retiring them would churn. */
  int spare() {
    if (template.maxUses() > 1) {
      return 0;
    }
    Duration l = lead != null ? lead : Duration.ZERO;
    return (int) Math.ceil(longRate * dwell(l).toSeconds());
  }

  /** The figures the snapshot reports. */
  SizingStatus status() {
    return new SizingStatus(target, term, ratePerMinute, Optional.ofNullable(lead), idleWorkerHours,
        Optional.ofNullable(waits.quantile(0.50)), Optional.ofNullable(waits.quantile(0.95)),
        Optional.ofNullable(waits.quantile(0.99)), waits.max());
  }
}
