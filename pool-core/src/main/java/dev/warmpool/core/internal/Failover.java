package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import java.time.Instant;
import java.util.List;

/**
 * Where each template's new workers go: the template's active placement (the first healthy one of its home
 * geography), failing over when it turns unhealthy and back when the preferred one recovers.
 *
 * <p>Design: the active placement is recomputed every pass from the board's health, never pushed by events, so a
 * missed transition only delays the move by one pass. A move publishes {@code FailoverStarted} (and raises the
 * failover alert) or {@code FailoverEnded} (and clears it); no active placement at all is the degraded mode's
 * business. With failover off, only the home placement is used for what it may serve. Runner only.
 */
final class Failover {

  private final PoolRuntime rt;
  private final boolean enabled;
  private final int maxInFlight;
  private final DegradedMode degraded;

  Failover(PoolRuntime rt, DegradedMode degraded) {
    this.rt = rt;
    this.enabled = rt.config.health().failover();
    this.maxInFlight = rt.config.maxConcurrentProvisions();
    this.degraded = degraded;
  }

  boolean enabled() {
    return enabled;
  }

  /**
   * On a node of a shared pool that does not lead: follows the leader's placement health (restored from the store)
   * without publishing, so grants prefer the same placements and releases see the same degraded mode.
   */
  void follow(TemplateRuntime t) {
    PlacementShelf next = target(t);
    if (next != t.active) {
      t.activate(next);
    }
    t.degraded = next == null;
  }

  private PlacementShelf target(TemplateRuntime t) {
    for (PlacementShelf s : t.shelves) {
      if (!s.draining && inHomeGeography(t, s) && (enabled || s == t.home) && s.health.isClosed()
          && !s.health.cooling(t.template.size())) {
        return s;
      }
    }
    return null;
  }

  /** Recomputes where the warm stock goes; publishes failover and failback, and tells the degraded mode. */
  void update(TemplateRuntime t, Instant now) {
    PlacementShelf next = target(t);
    PlacementShelf prev = t.active;
    if (next != prev) {
      t.activate(next);
      if (next == t.home && prev != null) {
        PoolLog.info(rt.poolId).template(t.name()).placement(next.placement.key()).log("failed back home");
        rt.alerts.clear("failover:" + t.name(), now);
        rt.publish(new PoolEvent.FailoverEnded(rt.poolId, now, t.name(), next.placement));
      } else if (next != null && next != t.home) {
        Placement from = (prev == null ? t.home : prev).placement;
        PoolLog.warn(rt.poolId).template(t.name()).placement(next.placement.key())
            .log("failed over from {}", from.key());
        rt.alerts.raise("failover:" + t.name(), AlertSeverity.WARNING, "template " + t.name() + " failed over from "
            + from.key() + " to " + next.placement.key(), now);
        rt.publish(new PoolEvent.FailoverStarted(rt.poolId, now, t.name(), from, List.of(next.placement)));
      }
    }
    degraded.update(t, next == null, now);
  }

  /**
   * Where a new worker goes: for the warm stock (request null), the template's active placement; for a waiter, the
   * first usable placement it allows. Null if none may take one now.
   */
  PlacementShelf choose(TemplateRuntime t, LeaseRequest request, Instant now) {
    if (request == null) {
      // the warm stock goes to the active placement only: spilling over when it is busy would leave stock in a
      // failover placement that grants reach last
      PlacementShelf a = t.active;
      return a != null && usable(t, a, now) && a.inFlight < maxInFlight ? a : null;
    }
    boolean homeAllowed = request.allows(t.home.placement);
    for (PlacementShelf s : t.shelves) {
      if (s.draining || !request.allows(s.placement) || !enabled && homeAllowed && s != t.home) {
        continue;
      }
      if (usable(t, s, now) && s.inFlight < maxInFlight) {
        return s;
      }
    }
    return null;
  }

  /** Whether a half-open placement may get a probe provision for this template now. */
  boolean mayProbe(TemplateRuntime t, PlacementShelf s, Instant now) {
    return !s.draining && s.health.wantsProbe() && inHomeGeography(t, s) && (enabled || s == t.home) && !s.health.throttled(now)
        && !s.health.cooling(t.template.size()) && s.inFlight < maxInFlight;
  }

  /**
   * Whether the placement may take a create of the template now: closed, not throttled, the size not resting, and a
   * size that rested has no create of the template in flight (it is tried with one first).
   */
  static boolean usable(TemplateRuntime t, PlacementShelf s, Instant now) {
    String size = t.template.size();
    return s.health.isClosed() && !s.health.throttled(now) && !s.health.cooling(size)
        && (s.inFlight == 0 || !s.health.onTrial(size));
  }

  static boolean inHomeGeography(TemplateRuntime t, PlacementShelf s) {
    return s.placement.geography().equals(t.home.placement.geography());
  }
}
