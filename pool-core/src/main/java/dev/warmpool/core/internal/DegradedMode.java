package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What the pool does while no placement of a template's home geography can provision it: says so
 * ({@code PoolDegraded}, {@code PoolRecovered}, the degraded alert, the snapshot), keeps healthy idle workers past
 * their max age and idle time, reuses returned workers where the template allows it, and serves waiting requests by
 * fair shares ({@link FairShares}).
 *
 * <p>Design: the recycling rules live here with their degraded-mode exceptions, so the release path and the control
 * pass ask one place whether a worker stays. The template's {@code degraded} flag is volatile: the release path reads
 * it. Transitions run on the serial runner.
 */
final class DegradedMode {

  private final PoolRuntime rt;
  private final boolean enabled;

  DegradedMode(PoolRuntime rt) {
    this.rt = rt;
    this.enabled = rt.config.health().degradedMode();
  }

  /** Whether the template's stock is protected now: it is degraded and the mode is on. */
  boolean protects(TemplateRuntime t) {
    return enabled && t.degraded;
  }

  /** Records whether the template can be provisioned anywhere; publishes the change. Runner only. */
  void update(TemplateRuntime t, boolean degraded, Instant now) {
    if (degraded == t.degraded) {
      return;
    }
    t.degraded = degraded;
    if (degraded) {
      String reason = "no placement in " + t.home.placement.geography() + " can provision " + t.name() + ": "
          + t.shelves.stream().filter(s -> Failover.inHomeGeography(t, s))
              .map(s -> s.placement.key() + " " + (s.health.cooling(t.template.size())
                  ? "cooling (capacity for " + t.template.size() + ")"
                  : s.health.state().name().toLowerCase(Locale.ROOT)))
              .toList();
      PoolLog.warn(rt.poolId).template(t.name()).log("degraded: {}", reason);
      rt.alerts.raise("degraded:" + t.name(), AlertSeverity.CRITICAL, "template " + t.name() + " degraded: " + reason,
          now);
      rt.publish(new PoolEvent.PoolDegraded(rt.poolId, now, t.name(), reason));
    } else {
      PoolLog.info(rt.poolId).template(t.name()).log("recovered");
      rt.alerts.clear("degraded:" + t.name(), now);
      rt.publish(new PoolEvent.PoolRecovered(rt.poolId, now, t.name()));
    }
  }

  /** Whether a released worker may serve again: max uses and max age, relaxed while the stock is protected. */
  boolean mayKeep(WorkerSlot slot, Instant now) {
    WorkerTemplate t = slot.template.template;
    if (rt.draining() || slot.retireOnRelease) {
      return false;
    }
    // while nothing can be provisioned, a healthy worker is worth more than the rules that recycle it
    boolean protect = protects(slot.template);
    if (slot.uses >= t.maxUses() && !(protect && t.reuseWhenDegraded())) {
      return false;
    }
    Optional<Duration> maxAge = t.maxAge();
    return protect || maxAge.isEmpty() || now.isBefore(slot.readyAt.plus(maxAge.get()));
  }

  /**
   * Why an idle worker should be recycled now (max idle time, max age), or null; {@code due} receives when to look
   * again. A protected template keeps its idle workers past their limits.
   */
  String recycleReason(WorkerSlot slot, Instant now, Instant[] due) {
    WorkerTemplate t = slot.template.template;
    Instant at = Instant.MAX;
    String reason = null;
    if (t.maxIdleTime().isPresent()) {
      Instant idleAt = slot.idleSince.plus(t.maxIdleTime().get());
      if (!now.isBefore(idleAt)) {
        reason = "max-idle-time";
      }
      at = PlacementBoard.min(at, idleAt);
    }
    if (t.maxAge().isPresent()) {
      Instant ageAt = slot.readyAt.plus(t.maxAge().get());
      if (!now.isBefore(ageAt)) {
        reason = "max-age";
      }
      at = PlacementBoard.min(at, ageAt);
    }
    if (reason != null && protects(slot.template)) {
      due[0] = now.plus(rt.config.controlInterval()); // kept past its limits while nothing can be provisioned
      return null;
    }
    due[0] = at;
    return reason;
  }
}
