package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every placement's health, and what its changes mean for people: the log lines, the events
 * ({@code PlacementOpened}, {@code PlacementHalfOpened}, {@code PlacementClosed}) and the alerts (placement open,
 * failure burst, invalid requests, a used-up quota with what to raise).
 *
 * <p>Design: {@link PlacementHealth} holds the rules of one placement (window, cooldowns, probes) on the pool's
 * clock; the board is the one place that records outcomes into it and says what a transition means, so the
 * provisioner, the deleter and the probe timer all report through here. Mutated only on the serial runner; snapshots
 * read the health's volatile fields.
 */
final class PlacementBoard {

  /** The key prefix of the quota alert: one per placement, cleared by the placement's next successful create. */
  static final String QUOTA_ALERT = "quota:";

  private final PoolRuntime rt;
  /** Copy on write: a run-time change adds placements ({@link Rollout}) while snapshots read them. */
  private final List<PlacementHealth> placements = new CopyOnWriteArrayList<>();

  PlacementBoard(PoolRuntime rt) {
    this.rt = rt;
    for (Placement p : rt.config.placements()) {
      placements.add(new PlacementHealth(p, rt.config.providers().get(p.provider()), rt.config.health(), rt.clock));
    }
  }

  List<PlacementHealth> all() {
    return placements;
  }

  /** The health of a placement by key, or null if the board has none. */
  PlacementHealth health(String key) {
    for (PlacementHealth h : placements) {
      if (h.placement.key().equals(key)) {
        return h;
      }
    }
    return null;
  }

  /** Adds a placement that a run-time change brought: it starts healthy. Runner only. */
  PlacementHealth add(Placement p) {
    PlacementHealth h = new PlacementHealth(p, rt.config.providers().get(p.provider()), rt.config.health(), rt.clock);
    placements.add(h);
    return h;
  }

  /**
   * Half-opens placements whose cooldown ended, opens closed ones whose creates hang; returns when to look again.
   */
  Instant tick(Instant now) {
    Instant next = Instant.MAX;
    for (PlacementHealth h : placements) {
      if (h.checkHangs(now) == PlacementHealth.Transition.OPENED) {
        opened(h, now, false);
      }
      boolean wasOpen = h.state() == PlacementState.OPEN;
      next = min(next, h.tick(now));
      if (wasOpen && h.state() == PlacementState.HALF_OPEN) {
        PoolLog.info(rt.poolId).placement(h.placement.key()).log("placement half-open: probing");
        rt.publish(new PoolEvent.PlacementHalfOpened(rt.poolId, now, h.placement));
      }
      if (h.throttled(now)) {
        next = min(next, h.throttledUntil());
      }
    }
    return next;
  }

  /** Clears the failure-burst alerts of placements whose window holds no failure any more. */
  void clearQuiet(Instant now) {
    for (PlacementHealth h : placements) {
      if (h.windowFailures() == 0) {
        rt.alerts.clear("provisioning-failures:" + h.placement.key(), now);
      }
    }
  }

  /** Records a failed provider call for a worker of {@code size}; alerts and wakes the loop on what it changed. */
  void onFailure(PlacementHealth health, String size, Throwable failure) {
    onFailure(health, size, failure, null, true);
  }

  /** Records a failed delete that started at {@code startedAt}; see {@link PlacementHealth#onFailure}. */
  void onDeleteFailure(PlacementHealth health, String size, Throwable failure, Instant startedAt) {
    onFailure(health, size, failure, startedAt, false);
  }

  /**
   * Records a failed provider call that started at {@code startedAt} (null: not counted when it started); alerts
   * and wakes the loop on what it changed.
   */
  void onFailure(PlacementHealth health, String size, Throwable failure, Instant startedAt) {
    onFailure(health, size, failure, startedAt, true);
  }

  private void onFailure(PlacementHealth health, String size, Throwable failure, Instant startedAt, boolean create) {
    Instant now = rt.clock.now();
    String key = health.placement.key();
    boolean wasCooling = health.cooling(size);
    boolean probing = health.state() == PlacementState.HALF_OPEN;
    PlacementHealth.Transition tr = health.onFailure(failure, now, startedAt, size, create);
    if (tr == PlacementHealth.Transition.OPENED) {
      opened(health, now, probing);
    }
    if (ProviderCalls.kind(failure) == FailureKind.INVALID) {
      rt.alerts.raise("invalid:" + key, AlertSeverity.CRITICAL, "placement " + key + " refuses requests as invalid;"
          + " check the template's provider properties, the provider settings and its credentials or role"
          + " assignments: " + failure.getMessage(), now);
    }
    if (ProviderCalls.kind(failure) == FailureKind.QUOTA) {
      String code = failure instanceof dev.warmpool.spi.ProviderException pe ? pe.code() : "";
      rt.alerts.raise(QUOTA_ALERT + key, AlertSeverity.CRITICAL, "placement " + key + " refuses new " + size
          + " workers: a quota is used up" + (code.isEmpty() ? "" : " (" + code + ")") + ". Raise the quota the"
          + " message names for " + health.placement.region() + " (on Azure: Subscriptions > Usage + quotas, the"
          + " family's vCPUs or container groups; on Kubernetes: the namespace's ResourceQuota), or lower the"
          + " template's maxTotal; meanwhile new workers go to the next placement. " + failure.getMessage(), now);
    }
    if (health.windowFailures() >= rt.config.forecast().failureBurst() && health.createFailedRecently(now)) {
      rt.alerts.raise("provisioning-failures:" + key, AlertSeverity.WARNING, "placement " + key + " is failing: "
          + health.failureSummary(), now);
    }
    if (tr != PlacementHealth.Transition.OPENED && !wasCooling && health.cooling(size)) {
      PoolLog.warn(rt.poolId).placement(key).log("no capacity for size {}: cooling down for {}", size,
          rt.config.health().capacityCooldown());
      rt.runner().wake();
    }
  }

  /** Says that a placement opened: the log line, the placement-open alert, the event; wakes the loop. */
  private void opened(PlacementHealth health, Instant now, boolean probing) {
    String key = health.placement.key();
    String reason = health.failureSummary();
    if (probing) {
      // a failed probe of a placement that is still down: one line per outage at WARN is enough
      PoolLog.debug(rt.poolId).placement(key).log("placement still failing, open again: {}", reason);
    } else {
      PoolLog.warn(rt.poolId).placement(key).log("placement opened: {}", reason);
    }
    rt.alerts.raise("placement-open:" + key, AlertSeverity.WARNING, "placement " + key + " is unhealthy: "
        + reason, now);
    rt.publish(new PoolEvent.PlacementOpened(rt.poolId, now, health.placement, reason));
    rt.runner().wake();
  }

  /** Records a successful call; a probe's success may close the placement. */
  void onSuccess(PlacementHealth health, Instant now, boolean probe) {
    onSuccess(health, now, probe, null);
  }

  /**
   * Records a successful create that started at {@code startedAt} (null: unknown); a probe's success may close the
   * placement. The quota alert clears only for a create that started after it was raised (one that started before
   * took its share of the quota before it ran out).
   */
  void onSuccess(PlacementHealth health, Instant now, boolean probe, Instant startedAt) {
    String key = health.placement.key();
    rt.alerts.clear("invalid:" + key, now);
    Instant quotaSince = rt.alerts.raisedAt(QUOTA_ALERT + key);
    if (quotaSince != null && startedAt != null && startedAt.isAfter(quotaSince)) {
      rt.alerts.clear(QUOTA_ALERT + key, now);
    }
    if (health.onSuccess(now, probe, startedAt) == PlacementHealth.Transition.CLOSED) {
      PoolLog.info(rt.poolId).placement(key).log("placement closed: healthy again");
      rt.alerts.clear("placement-open:" + key, now);
      rt.alerts.clear("provisioning-failures:" + key, now);
      rt.publish(new PoolEvent.PlacementClosed(rt.poolId, now, health.placement));
      rt.runner().wake();
    }
  }

  /** Counts a probe's outcome once: when its call completes or fails (a hang fails at the provisioning timeout). */
  void probeSettled(WorkerSlot slot, boolean succeeded, Instant now) {
    if (!slot.probe || slot.probeCounted) {
      return;
    }
    slot.probeCounted = true;
    slot.shelf.health.probesInFlight--;
    if (succeeded) {
      onSuccess(slot.shelf.health, now, true);
    }
  }

  /**
   * On a node of a shared pool that does not lead: takes the health the leader kept in the store, and raises (or
   * clears) the placement-open alert as the leader does, so every node's snapshot tells the same story.
   */
  void follow(java.util.function.Function<String, dev.warmpool.spi.StoredPlacementHealth> stored, Instant now) {
    for (PlacementHealth h : placements) {
      dev.warmpool.spi.StoredPlacementHealth s = stored.apply(h.placement.key());
      if (s != null) {
        h.restore(s);
      }
      String key = h.placement.key();
      if (h.state() == PlacementState.OPEN) {
        rt.alerts.raise("placement-open:" + key, AlertSeverity.WARNING, "placement " + key + " is unhealthy: "
            + h.failureSummary(), now);
      } else {
        rt.alerts.clear("placement-open:" + key, now);
      }
    }
  }

  /** The placement of a provider's region; one the configuration does not know gets geography "unknown". */
  Placement placementOf(String provider, String region) {
    for (PlacementHealth h : placements) {
      if (h.placement.provider().equals(provider) && h.placement.region().equals(region)) {
        return h.placement;
      }
    }
    return new Placement(provider, region, "unknown", Integer.MAX_VALUE);
  }

  List<PlacementStatus> statuses(Instant now) {
    return placements.stream().map(p -> p.status(now)).toList();
  }

  static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
