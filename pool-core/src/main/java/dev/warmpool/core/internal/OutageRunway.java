package dev.warmpool.core.internal;

import dev.warmpool.api.Forecast;
import dev.warmpool.api.PlacementState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outage runway of a template whose warm target a sizing policy computes: while the placement that should supply
 * the stock cannot, the next healthy placement of the home geography carries the stock with its own lead time, so the
 * pool raises the stock where supply still flows, before the stock runs out.
 *
 * <p>Design: one decision per control pass, before the target is computed, written to {@link TemplateRuntime#runway}
 * (null when the stock's own placement supplies). Three things put a template on the runway:
 * <ul>
 *   <li>its home placement is open, half-open or out of capacity, so {@link Failover} moved the stock: the active
 *       placement carries it;</li>
 *   <li>its active placement is still closed but failing: as many failed calls in its window as the
 *       provisioning-failures alert asks for, one of them a create (the depletion forecast counts no supply from it
 *       then);</li>
 *   <li>the depletion forecast says the stock runs out sooner than a create started in the active placement now would
 *       land (its lead time): supply from there returns too late. This one is held for {@link #HOLD} after it last
 *       held, because the stock the runway raises lengthens the forecast that started it.</li>
 * </ul>
 * In the last two cases the carrier is the first placement after the active one, in preference order, of the home
 * geography, that may take creates and is not failing itself; with none (or with failover off) there is no runway and
 * the stock stays where it is. The carrier is never outside the home geography: a tenant that accepts only its
 * geography finds the stock raised for it there. {@link Sizing} computes the target from the carrier's lead time,
 * the {@link Provisioner} sends new warm workers there (as a spill), and {@link TargetKeeper} retires nothing while the
 * runway lasts (the stock in the failing placement cannot be replaced where it is). Fixed targets have no runway: they
 * keep today's behaviour. Runner only.
 */
final class OutageRunway {
  /** How long a runway that the forecast started outlives the forecast's last word for it. */
  static final Duration HOLD = Duration.ofMinutes(10);

  /**
   * A template's runway in this pass.
   *
   * @param carrier the placement that carries the stock
   * @param why why the stock's own placement does not supply it, for the target's reason
   */
  record Decision(PlacementShelf carrier, String why) {}

  private final boolean failover;
  private final int failureBurst;
  /** Per template: when the forecast last said the stock runs out before the active placement's supply lands. */
  private final Map<TemplateRuntime, Instant> shortAt = new HashMap<>();

  /**
   * @param failover whether the pool fails over (without it, the stock stays where it is)
   * @param failureBurst the failed calls in a placement's window that make it failing (the provisioning-failures
   *     alert's threshold)
   */
  OutageRunway(boolean failover, int failureBurst) {
    this.failover = failover;
    this.failureBurst = failureBurst;
  }

  /** Decides the template's runway for this pass and sets {@link TemplateRuntime#runway}. */
  void update(TemplateRuntime t, Instant now) {
    t.runway = decide(t, now);
  }

  private Decision decide(TemplateRuntime t, Instant now) {
    PlacementShelf active = t.active;
    if (!t.sizing.computed() || active == null) {
      return null; // a fixed target keeps today's behaviour; with no active placement the template is degraded
    }
    if (active != t.home) {
      return new Decision(active, t.home.placement.key() + " " + state(t, t.home) + forecast(t));
    }
    String why = null;
    if (failing(active, now)) {
      why = active.placement.key() + " failing (" + active.health.failureSummary() + ")" + forecast(t);
    } else {
      Duration lead = t.sizing.latency(active);
      Optional<Duration> tte = t.forecaster.latest().flatMap(Forecast::timeToEmpty);
      if (lead != null && tte.isPresent() && tte.get().compareTo(lead) < 0) {
        shortAt.put(t, now);
      }
      Instant last = shortAt.get(t);
      if (last != null && now.isBefore(last.plus(HOLD)) && lead != null) {
        String f = forecast(t);
        why = (f.isEmpty() ? "the stock ran short" : f.substring(2)) + ", sooner than " + active.placement.key()
            + " refills (~" + Forecaster.format(lead) + ")";
      }
    }
    if (why == null || !failover) {
      return null;
    }
    for (PlacementShelf s : t.shelves) {
      if (s != active && !s.draining && Failover.inHomeGeography(t, s) && Failover.usable(t, s, now)
          && !failing(s, now)) {
        return new Decision(s, why);
      }
    }
    return null;
  }

  /** Failing as the provisioning-failures alert counts it: a burst of failed calls, one a recent create. */
  private boolean failing(PlacementShelf s, Instant now) {
    return s.health.windowFailures() >= failureBurst && s.health.createFailedRecently(now);
  }

  private static String state(TemplateRuntime t, PlacementShelf s) {
    if (s.health.state() == PlacementState.OPEN) {
      return "open (" + s.health.failureSummary() + ")";
    }
    if (s.health.state() == PlacementState.HALF_OPEN) {
      return "half-open";
    }
    return s.health.cooling(t.template.size()) ? "out of capacity for size " + t.template.size() : "not usable";
  }

  /** The depletion forecast of the last pass, as a clause: "; the eu stock of 12 lasts ~40m", or nothing. */
  private static String forecast(TemplateRuntime t) {
    Optional<Forecast> f = t.forecaster.latest();
    if (f.isEmpty() || f.get().timeToEmpty().isEmpty()) {
      return "";
    }
    return "; the " + f.get().geography() + " stock of " + f.get().idle() + " lasts ~"
        + Forecaster.format(f.get().timeToEmpty().get());
  }
}
