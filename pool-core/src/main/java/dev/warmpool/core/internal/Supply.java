package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.PoolEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many creates a template keeps in flight, and where: sized from the observed provisioning latency and the demand
 * (Little's law), and spilled to the next healthy placement of the geography when the preferred one cannot refill the
 * stock before it runs out.
 *
 * <p>Design: a stock of {@code warmTarget} idle workers consumed at {@code λ} leases a minute stays full only if
 * {@code λ × L} creates are under way besides the deficit, {@code L} being the provisioning latency: a deficit-only
 * refill keeps {@code warmTarget − λL} idle and drains the stock when {@code L} grows. {@code L} is an average of the
 * latencies each placement delivered, raised to the age of its oldest create still in flight once that passes every
 * latency seen lately: a slowdown shows at once, not when its first slow create completes (a create that others
 * started after it overtook is a straggler, not a slowdown, and does not count). The decision to spill reads
 * the preferred placement's <em>delivery rate</em> (workers it delivered per minute, averaged over ten minutes), not
 * its latency alone: the stock lasts {@code idle / (λ − delivered)} minutes, and if that is shorter than the latency of
 * a create started now there, and another placement of the geography would deliver sooner (or the preferred one is
 * at {@code maxConcurrentProvisions}, or throttled a create in the last ten minutes: sending more makes neither
 * deliver more), new workers also go there. The preferred placement keeps its own pipeline
 * ({@code λL}, within the cap) meanwhile, so it is still measured, and the spill ends once it delivers at the demand's
 * rate again or is fast again. Deciding on the active placement's own numbers only, not on the stock that the spill
 * refills, keeps the decision from flapping. Runner only.
 */
final class Supply {
  /** Weight of a new latency in the average. */
  private static final double LATENCY_WEIGHT = 0.2;
  /** How many creates a placement must have delivered before its usual latency is known. */
  private static final int USUAL_AFTER = 5;
  /** A latency this many times the usual one is slow: it needs creates in flight beyond the deficit. */
  private static final double SLOW = 1.5;
  /** The oldest create in flight counts as a slowdown once it is this much older than every recent latency. */
  private static final double OLDER = 1.25;
  /** How many recent latencies set the bar that the oldest create in flight must pass to count as a slowdown. */
  private static final int RECENT = 20;
  /** How fast a placement's delivery rate follows its deliveries. */
  private static final Duration DELIVERY_SMOOTHING = Duration.ofMinutes(10);
  /** How much faster than the preferred placement another must be expected to deliver for a spill. */
  private static final double FASTER = 1.5;
  /** How much slower than usual the preferred placement must be to warn when no other placement can take workers. */
  private static final double SLOWER_THAN_USUAL = 2;
  /** A placement that delivers at this share of the demand keeps up. */
  private static final double KEEPS_UP = 0.9;
  /**
   * How long without a single lease request before the demand counts as stopped: the average decays over the
   * forecaster's smoothing, and creates sized from it after the demand stopped would land as idle workers above the
   * warm target, which nothing consumes (a fixed target retires none).
   */
  private static final Duration QUIET = Duration.ofMinutes(10);
  /** How long after a create was refused for a throttle the placement counts as unable to take more. */
  private static final Duration THROTTLED_LATELY = Duration.ofMinutes(10);
  /** How long the active placement must keep up before a spill ends: against flapping at the edge. */
  private static final Duration KEPT_UP_FOR = Duration.ofMinutes(10);

  private final PoolRuntime rt;
  private final Failover failover;
  private final int cap;
  private final Map<PlacementShelf, Flow> flows = new HashMap<>();
  private final Map<TemplateRuntime, Plan> plans = new HashMap<>();
  /** Per template: the request count last seen, and when it last grew. */
  private final Map<TemplateRuntime, long[]> lastRequests = new HashMap<>();

  /** One placement's creates for one template: when each in flight started, what the finished ones took. */
  private static final class Flow {
    final LinkedHashMap<WorkerSlot, Instant> inFlight = new LinkedHashMap<>();
    final ArrayDeque<Double> recent = new ArrayDeque<>();
    /** The start of the latest-started create that delivered: a create in flight that started before was overtaken. */
    Instant newestDeliveredStart = Instant.MIN;
    double latency = Double.NaN; // minutes
    /**
     * What this placement's creates usually take: the average, held while it is slow, so a long slowdown does not
     * become the usual. NaN until a few creates delivered.
     */
    double usual = Double.NaN;
    /**
     * The lowest usual latency this placement ever had: what a placement never asked is assumed to take. The usual
     * latency drifts with a provider that slows gradually (or whose writes wait for a throttled bucket), and a
     * placement compared with its own drifted usual is never slower than "usual".
     */
    double fastest = Double.NaN;
    int samples;
    final Forecaster delivered = new Forecaster(DELIVERY_SMOOTHING);
    double deliveredPerMinute;
    /** When a create to this placement was last refused for a throttle (or found no turn behind its pacer). */
    Instant throttledAt = Instant.MIN;
  }

  /** A template's supply in this pass. */
  private static final class Plan {
    PlacementShelf spillFrom;
    PlacementShelf spillTo;
    boolean short_;
    Instant keptUpSince;
    /** Whether the stock reached half the warm target once: before, a placement at its cap is warming up. */
    boolean warmed;
  }

  Supply(PoolRuntime rt, Failover failover) {
    this.rt = rt;
    this.failover = failover;
    this.cap = rt.config.maxConcurrentProvisions();
  }

  private Flow flow(PlacementShelf s) {
    return flows.computeIfAbsent(s, k -> new Flow());
  }

  /** A create started. */
  void started(WorkerSlot slot, Instant now) {
    flow(slot.shelf).inFlight.put(slot, now);
  }

  /** A create to {@code s} was refused for a throttle, or never sent for want of a turn behind its pacer. */
  void throttled(PlacementShelf s, Instant now) {
    flow(s).throttledAt = now;
  }

  /**
   * A create ended. Its latency counts if it delivered a worker, or if it outlived the provisioning timeout (then it
   * took at least that long: a placement whose creates time out is slow, and stays known as slow when it closes again);
   * another failure says nothing of the latency.
   */
  void settled(WorkerSlot slot, Instant now, boolean delivered, boolean timedOut) {
    Flow f = flow(slot.shelf);
    Instant at = f.inFlight.remove(slot);
    if (at == null || !delivered && !timedOut) {
      return;
    }
    double minutes = Duration.between(at, now).toMillis() / 60_000.0;
    f.latency = Double.isNaN(f.latency) ? minutes : f.latency + LATENCY_WEIGHT * (minutes - f.latency);
    if (!delivered) {
      return;
    }
    // the usual latency follows the average while it moves gradually (a provider that drifts), and stays where it
    // was when the average jumps past it (a slowdown); before a few creates delivered it is unknown
    if (++f.samples >= USUAL_AFTER && (Double.isNaN(f.usual) || f.latency <= f.usual * SLOW)) {
      f.usual = f.latency;
      f.fastest = Double.isNaN(f.fastest) ? f.usual : Math.min(f.fastest, f.usual);
    }
    if (at.isAfter(f.newestDeliveredStart)) {
      f.newestDeliveredStart = at;
    }
    f.recent.addLast(minutes);
    if (f.recent.size() > RECENT) {
      f.recent.removeFirst();
    }
    f.delivered.requests.increment();
  }

  /**
   * The expected latency of a create started now in a placement, in minutes: the average of what it delivered,
   * raised to the age of its oldest create in flight once that is older than every recent latency; NaN if unknown.
   * A create in flight that a later-started create overtook does not count: in a slowdown, creates started after the
   * oldest one are slow too, while a straggler of a cloud's slow tail is overtaken by the ones started after it, and
   * sizing the pipeline on its age would provision for a slowdown that is not there.
   */
  double latency(PlacementShelf s, Instant now) {
    Flow f = flow(s);
    double oldest = 0;
    for (Iterator<Map.Entry<WorkerSlot, Instant>> it = f.inFlight.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<WorkerSlot, Instant> e = it.next();
      if (e.getKey().state() != WorkerSlot.PROVISIONING) {
        it.remove(); // ended without an answer (close, a shared store's previous leader): not a create any more
        continue;
      }
      if (!e.getValue().isAfter(f.newestDeliveredStart)) {
        continue; // overtaken by a create started after it: a straggler (a cloud's slow tail), not a slowdown
      }
      oldest = Duration.between(e.getValue(), now).toMillis() / 60_000.0;
      break; // in start order: the first live entry is the oldest
    }
    double recentMax = f.recent.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (Double.isNaN(f.latency)) {
      return oldest > 0 ? oldest : Double.NaN;
    }
    return oldest > recentMax * OLDER ? Math.max(f.latency, oldest) : f.latency;
  }

  /**
   * Creates needed in flight besides the deficit: the demand per minute times how much longer than usual a create
   * takes there. At the usual latency the deficit is the whole pipeline (the stock settles where the warm target was
   * tuned, {@code λ × usual} below it, with that many creates under way); when creates take longer, this keeps it there.
   */
  int pipeline(TemplateRuntime t, PlacementShelf s, Instant now) {
    if (s == null) {
      return 0;
    }
    double l = latency(s, now);
    double usual = usual(t, s);
    double demand = demand(t, now);
    if (Double.isNaN(l) || Double.isNaN(usual) || demand <= 0 || l <= usual * SLOW) {
      return 0;
    }
    return (int) Math.ceil(demand * (l - usual));
  }

  /** Little's law for a placement alone: the creates in flight that deliver the demand at its latency now. */
  int atDemand(TemplateRuntime t, PlacementShelf s, Instant now) {
    double l = latency(s, now);
    double demand = demand(t, now);
    return Double.isNaN(l) || demand <= 0 ? 0 : (int) Math.ceil(demand * l);
  }

  /**
   * The demand the supply is sized for, per minute: the forecaster's average while requests arrive, 0 once none came
   * for {@link #QUIET}.
   */
  private double demand(TemplateRuntime t, Instant now) {
    long count = t.forecaster.requests.sum();
    long[] last = lastRequests.computeIfAbsent(t, k -> new long[] {count, now.toEpochMilli()});
    if (count != last[0]) {
      last[0] = count;
      last[1] = now.toEpochMilli();
    }
    return now.toEpochMilli() - last[1] > QUIET.toMillis() ? 0 : t.forecaster.demand();
  }

  /** What creates usually take there: its own usual latency, else the template's best. */
  private double usual(TemplateRuntime t, PlacementShelf s) {
    double own = flow(s).usual;
    return Double.isNaN(own) ? best(t) : own;
  }

  /** The hard cap on creates in flight per placement and template ({@code maxConcurrentProvisions}). */
  int cap() {
    return cap;
  }

  /** Where new workers also go this pass, or null while the active placement keeps up. */
  PlacementShelf spillTarget(TemplateRuntime t) {
    Plan p = plans.get(t);
    return p == null ? null : p.spillTo;
  }

  /**
   * Decides, once per pass before the template is replenished, whether its active placement keeps up; raises and
   * clears the supply alert and publishes {@code SupplySpilledOver} when new workers start to go elsewhere too.
   */
  void plan(TemplateRuntime t, Instant now) {
    Plan p = plans.computeIfAbsent(t, k -> new Plan());
    for (PlacementShelf s : t.shelves) {
      Flow f = flow(s);
      f.deliveredPerMinute = f.delivered.update(now);
    }
    PlacementShelf active = t.active;
    double demand = demand(t, now);
    if (active == null || demand <= 0) {
      end(t, p, now);
      return;
    }
    double delivered = flow(active).deliveredPerMinute;
    double latency = latency(active, now);
    int idle = 0;
    for (PlacementShelf s : t.shelves) {
      idle += s.tallyIdle;
    }
    int target = t.warmTarget();
    p.warmed |= target > 0 && 2 * idle >= target; // a computed target moves: half of what it asks now
    if (!p.warmed) {
      return;
    }
    // a placement that throttles its creates cannot deliver more by sending more, as one at its cap cannot
    boolean atCap = active.inFlight >= cap;
    boolean throttled = !flow(active).throttledAt.isBefore(now.minus(THROTTLED_LATELY));
    boolean capped = atCap || throttled;
    double lasts = demand > delivered ? idle / (demand - delivered) : Double.POSITIVE_INFINITY;
    PlacementShelf next = failover.enabled() ? next(t, active, now) : null;
    // slower than the next placement would be; with none, slower than the template's creates usually are
    double reference = next == null ? best(t) : expected(t, next, now);
    boolean slower = !Double.isNaN(latency) && !Double.isNaN(reference)
        && latency > reference * (next == null ? SLOWER_THAN_USUAL : FASTER);
    if (p.short_ && (p.spillFrom != active || p.spillTo != null && !Failover.usable(t, p.spillTo, now))) {
      end(t, p, now); // failover moved the stock, or the spill target failed: decide afresh
    }
    boolean shortNow = !Double.isNaN(latency) && lasts < latency && (slower || capped);
    boolean keepsUp = delivered >= demand * KEEPS_UP || !capped && !slower;
    String key = "supply:" + t.name();
    if (shortNow && (!p.short_ || p.spillTo == null && next != null)) {
      if (p.short_) {
        rt.alerts.clear(key, now); // raised when nothing could take workers: now something can, say where
      }
      String reason = active.placement.region() + " refills in ~" + minutes(latency) + (atCap ? " (at "
          + cap + " creates in flight)" : throttled ? " (throttled)" : "")
          + String.format(Locale.ROOT, ", delivering %.2f workers/min;", delivered)
          + " the " + t.home.placement.geography() + " stock of " + idle + " lasts ~" + minutes(lasts)
          + String.format(Locale.ROOT, " at %.2f leases/min", demand);
      p.spillFrom = active;
      p.spillTo = next;
      p.short_ = true;
      if (next != null) {
        rt.alerts.raise(key, AlertSeverity.WARNING, "template " + t.name() + ": " + reason + "; new workers also go to "
            + next.placement.key(), now);
        rt.publish(new PoolEvent.SupplySpilledOver(rt.poolId, now, t.name(), active.placement, next.placement,
            reason));
      } else {
        rt.alerts.raise(key, AlertSeverity.WARNING, "template " + t.name() + ": " + reason + "; no other healthy"
            + " placement in " + t.home.placement.geography(), now);
      }
    } else if (p.short_ && keepsUp && !shortNow) {
      if (p.keptUpSince == null) {
        p.keptUpSince = now;
      } else if (!now.isBefore(p.keptUpSince.plus(KEPT_UP_FOR))) {
        end(t, p, now);
      }
    } else {
      p.keptUpSince = null;
    }
  }

  private void end(TemplateRuntime t, Plan p, Instant now) {
    if (p.short_) {
      rt.alerts.clear("supply:" + t.name(), now);
    }
    p.short_ = false;
    p.spillFrom = null;
    p.spillTo = null;
    p.keptUpSince = null;
  }

  /** The first placement after the active one, in preference order, of the home geography that may take creates. */
  private PlacementShelf next(TemplateRuntime t, PlacementShelf active, Instant now) {
    for (PlacementShelf s : t.shelves) {
      if (s != active && Failover.inHomeGeography(t, s) && Failover.usable(t, s, now)) {
        return s;
      }
    }
    return null;
  }

  /**
   * What a create there is expected to take: its own latency if it delivered lately, else the lowest latency the
   * template's placements ever usually had (a placement never asked is assumed as fast as the best one was).
   */
  private double expected(TemplateRuntime t, PlacementShelf s, Instant now) {
    double own = latency(s, now);
    return Double.isNaN(own) ? lowest(t, f -> f.fastest) : own;
  }

  /** What the template's creates usually take in its fastest placement; NaN if none delivered a few yet. */
  private double best(TemplateRuntime t) {
    return lowest(t, f -> f.usual);
  }

  /** The lowest of a latency over the template's placements, skipping those that do not know it; NaN if none does. */
  private double lowest(TemplateRuntime t, java.util.function.ToDoubleFunction<Flow> latency) {
    double lowest = Double.NaN;
    for (PlacementShelf o : t.shelves) {
      double l = latency.applyAsDouble(flow(o));
      if (!Double.isNaN(l) && (Double.isNaN(lowest) || l < lowest)) {
        lowest = l;
      }
    }
    return lowest;
  }

  private static String minutes(double m) {
    return Double.isInfinite(m) ? "ever" : Forecaster.format(Duration.ofSeconds((long) (m * 60)));
  }
}
