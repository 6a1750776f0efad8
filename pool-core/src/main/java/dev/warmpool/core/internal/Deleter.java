package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes workers: one deprovision call at a time per worker, with a timeout, a backoff after failures (10 s
 * doubling to 5 min, or the provider's retry-after when longer) and the deletes-failing alert; a worker leaves the
 * ledger only once its delete succeeded (NOT_FOUND counts as success).
 *
 * <p>Design: an unhealthy control plane fails deletes as it fails creates, so deletes into a throttled placement
 * wait for the throttle, and deletes into an open placement wait for its cooldown (unless the pool closes); the
 * control pass picks a waiting delete up when it is due ({@link #due}). Every worker carries the reason it goes, set
 * before its state turns DELETING, so {@code WorkerDeprovisioned} always says why. (Issue 16's deletes at probe pace
 * into open placements replace the wait here.) Runner only.
 */
final class Deleter {
  private static final Logger log = LoggerFactory.getLogger(Deleter.class);
  private static final Duration BACKOFF = Duration.ofSeconds(10);
  private static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final PlacementBoard board;
  private final PoolEngine engine;

  Deleter(PoolRuntime rt, Ledger ledger, PlacementBoard board, PoolEngine engine) {
    this.rt = rt;
    this.ledger = ledger;
    this.board = board;
    this.engine = engine;
  }

  /**
   * For a DELETING worker seen by the pass: starts its delete if it is due; returns when to look again.
   * A worker without a reason yet was turned DELETING by a release off the runner, whose queued task starts it.
   */
  Instant due(WorkerSlot slot, Instant now) {
    if (slot.deleteInFlight || slot.deleteReason == null) {
      return Instant.MAX;
    }
    if (slot.nextDeleteAt == null || !now.isBefore(slot.nextDeleteAt)) {
      start(slot, slot.deleteReason);
      return Instant.MAX;
    }
    return slot.nextDeleteAt;
  }

  /** Starts deleting a DELETING worker, now or when its placement takes writes again. */
  void start(WorkerSlot slot, String reason) {
    if (slot.deleteInFlight) {
      return;
    }
    if (slot.deleteReason == null) {
      slot.deleteReason = reason;
    }
    Instant now = rt.clock.now();
    PlacementHealth health = slot.shelf.health;
    if (health.throttled(now)) {
      // writes to this placement pause until the throttle's retry-after; the pass picks the delete up then
      slot.nextDeleteAt = health.throttledUntil();
      engine.arm(slot.nextDeleteAt);
      return;
    }
    if (health.state() == PlacementState.OPEN && health.openUntil().isAfter(now) && !rt.draining()) {
      // wait out the cooldown rather than retrying every delete through the outage; from half-open on they go
      // again (and free room under max total for probes)
      slot.nextDeleteAt = health.openUntil();
      engine.arm(slot.nextDeleteAt);
      return;
    }
    if (!ledger.claimDelete(slot)) {
      return; // a shared store refused the intent: the row changed, and the next pass sees it as it is
    }
    slot.deleteInFlight = true;
    Duration timeout = rt.config.deleteTimeout();
    Optional<String> resourceId = slot.worker == null ? Optional.empty() : Optional.of(slot.worker.resourceId());
    DeprovisionRequest request = new DeprovisionRequest(rt.poolId, slot.id, resourceId, slot.placement(),
        now.plus(timeout));
    // a delete is a call into the control plane like a create: it counts in the placement's window at its start
    health.started(now);
    CompletableFuture<Void> call = ProviderCalls.call(() -> health.provider.deprovision(request));
    PoolClock.Scheduled timer = rt.clock.schedule(timeout, () -> rt.runner().execute(() -> answered(slot,
        ProviderException.transientFailure("DeprovisioningTimeout", "deleting took longer than " + timeout), now)));
    call.whenComplete((v, failure) -> {
      timer.cancel();
      rt.runner().execute(() -> answered(slot, ProviderCalls.unwrap(failure), now));
    });
  }

  private void answered(WorkerSlot slot, Throwable failure, Instant startedAt) {
    if (!slot.deleteInFlight || !ledger.owns(slot)) {
      return; // a late answer to a call we already counted as timed out
    }
    slot.deleteInFlight = false;
    Instant now = rt.clock.now();
    if (ProviderCalls.gone(failure)) {
      if (slot.deleteFailures > 0) {
        rt.alerts.clear("deletes-failing:" + slot.placement().key(), now);
      }
      if (slot.deleteAgain) {
        slot.deleteAgain = false;
        start(slot, slot.deleteReason);
        return;
      }
      ledger.forget(slot);
      if (slot.worker != null) {
        rt.publish(new PoolEvent.WorkerDeprovisioned(rt.poolId, now, slot.id, slot.template.name(),
            slot.placement(), slot.deleteReason));
      }
      rt.runner().wake();
      return;
    }
    slot.deleteFailures++;
    FailureKind kind = ProviderCalls.kind(failure);
    if (kind == FailureKind.THROTTLED || kind == FailureKind.TRANSIENT) {
      // a throttle pauses every write to the placement; a control-plane failure counts in its window (a delete
      // refused with 503 says as much about the control plane as a refused create); a capacity or invalid answer
      // to a delete says nothing about whether workers can be created there
      board.onFailure(slot.shelf.health, slot.template.template.size(), failure, startedAt);
    }
    Duration backoff = BACKOFF.multipliedBy(1L << Math.min(slot.deleteFailures - 1, 16));
    if (backoff.compareTo(BACKOFF_MAX) > 0) {
      backoff = BACKOFF_MAX;
    }
    if (failure instanceof ProviderException pe && pe.retryAfter().isPresent()
        && pe.retryAfter().get().compareTo(backoff) > 0) {
      backoff = pe.retryAfter().get();
    }
    slot.nextDeleteAt = now.plus(backoff);
    if (slot.deleteFailures >= 3) {
      rt.alerts.raise("deletes-failing:" + slot.placement().key(), AlertSeverity.WARNING, "deleting " + slot.id
          + " in " + slot.placement().key() + " failed " + slot.deleteFailures + " times; the pool keeps trying"
          + " (last: " + failure.getMessage() + ")", now);
    }
    log.debug("pool {}: deleting {} failed ({}), next try at {}", rt.poolId, slot.id, failure, slot.nextDeleteAt);
    rt.publish(new PoolEvent.DeprovisioningFailed(rt.poolId, now, slot.id, slot.placement(),
        ProviderCalls.kind(failure), String.valueOf(failure.getMessage())));
    engine.arm(slot.nextDeleteAt);
  }
}
