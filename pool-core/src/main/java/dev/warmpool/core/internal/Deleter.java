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
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes workers: one deprovision call at a time per worker, with a timeout, a backoff after failures (10 s
 * doubling to 5 min, or the provider's retry-after when longer) and the deletes-failing alert; a worker leaves the
 * ledger only once its delete succeeded (NOT_FOUND counts as success).
 *
 * <p>Design: an unhealthy control plane fails deletes as it fails creates, so deletes into a throttled placement
 * wait for the throttle, and deletes into an open placement go at probe pace: one at a time, at most one a minute
 * ({@link #PROBE_GAP}), whatever the number of workers waiting. While the pool closes the pace is one every
 * {@link #CLOSE_PROBE_GAP}, and as soon as a delete into the placement succeeds (the control plane answers again)
 * every waiting delete of that placement goes, so a close finishes within its deadline once the cloud answers. A
 * worker whose create failed in a way that may have made a resource (a refusal, a timeout) is not deleted by name:
 * the next reconciliation's listing resolves it ({@link #awaitsListing}), one listing for all of them; only what
 * the listing shows is deleted, by id. The control pass picks a waiting delete up when it is due ({@link #due}).
 * Every worker carries the reason it goes, set before its state turns DELETING, so {@code WorkerDeprovisioned}
 * always says why. Runner only.
 */
final class Deleter {
  private static final Duration BACKOFF = Duration.ofSeconds(10);
  private static final Duration BACKOFF_MAX = Duration.ofMinutes(5);
  /** The least time between two deletes into an open placement. */
  static final Duration PROBE_GAP = Duration.ofMinutes(1);
  /** The same while the pool closes, when its deadline matters more than the pace. */
  static final Duration CLOSE_PROBE_GAP = Duration.ofSeconds(10);
  /** A delete failure that comes back within this was refused by the control plane, not run and failed. */
  private static final Duration REFUSAL_TIME = Duration.ofSeconds(10);
  /** The reason of a worker whose create failed: it may exist, and a listing resolves it. */
  static final String PROVISIONING_FAILED = "provisioning-failed";

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final PlacementBoard board;
  private final PoolEngine engine;
  /** The delete pace of each open placement (engine-only state, kept while the pool runs). */
  private final Map<PlacementHealth, Pace> paces = new IdentityHashMap<>();

  /** The pace of deletes into one open placement. */
  private static final class Pace {
    boolean inFlight;
    Instant next = Instant.MIN;
    Instant answeredAt;
  }

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

  /**
   * Whether a DELETING worker waits for a listing to say whether its failed create made a resource: then nothing is
   * sent for it (while the pool closes, it is deleted by name instead, at the placement's pace).
   */
  boolean awaitsListing(WorkerSlot slot) {
    return slot.worker == null && PROVISIONING_FAILED.equals(slot.deleteReason) && !rt.draining();
  }

  /** Starts deleting a DELETING worker, now or when its placement takes writes again. */
  void start(WorkerSlot slot, String reason) {
    if (slot.deleteInFlight) {
      return;
    }
    if (slot.deleteReason == null) {
      slot.deleteReason = reason;
    }
    if (awaitsListing(slot)) {
      return; // the next reconciliation resolves it (Reconciler)
    }
    Instant now = rt.clock.now();
    PlacementHealth health = slot.shelf.health;
    if (health.throttled(now)) {
      // writes to this placement pause until the throttle's retry-after; the pass picks the delete up then
      slot.nextDeleteAt = health.throttledUntil();
      engine.arm(slot.nextDeleteAt);
      return;
    }
    Pace pace = null;
    if (health.state() != PlacementState.CLOSED && !answersWhileClosing(health, now)) {
      // probe pace: one delete in flight, one a minute (while closing, one every 10 s); the others wait their turn
      // rather than each retrying through the outage. Once the placement closes they all go again.
      pace = paces.computeIfAbsent(health, h -> new Pace());
      if (pace.inFlight || now.isBefore(pace.next)) {
        Instant at = pace.inFlight || !pace.next.isAfter(now) ? now.plus(gap()) : pace.next;
        slot.nextDeleteAt = at;
        engine.arm(at);
        return;
      }
    }
    if (!ledger.claimDelete(slot)) {
      return; // a shared store refused the intent: the row changed, and the next pass sees it as it is
    }
    if (pace != null) {
      pace.inFlight = true;
      pace.next = now.plus(gap());
      slot.deleteProbe = true;
    }
    slot.deleteInFlight = true;
    Duration timeout = rt.config.deleteTimeout();
    Optional<String> resourceId = slot.worker == null ? Optional.empty() : Optional.of(slot.worker.resourceId());
    if (resourceId.isPresent()) {
      slot.deleteAgain = false; // this delete knows the resource: the one by name that may have missed it is moot
    }
    DeprovisionRequest request = new DeprovisionRequest(rt.poolId, slot.id, resourceId, slot.placement(),
        now.plus(timeout));
    // a delete is a call into the control plane like a create: it counts in the placement's window at its start;
    // paced with the placement's other writes, one that finds no turn in half its timeout fails unsent
    health.started(now);
    boolean probePaced = pace != null;
    CompletableFuture<Void> call = ProviderCalls.paced(rt, health, now.plus(timeout.dividedBy(2)), () -> {
      if (!ledger.owns(slot) || !ledger.mayAct()) {
        return CompletableFuture.failedFuture(ProviderException.transientFailure("NotLeading",
            "this node stopped leading while the delete waited for its turn"));
      }
      if (!probePaced && health.state() != PlacementState.CLOSED && !answersWhileClosing(health, rt.clock.now())) {
        // the placement opened while this delete waited for its turn behind the pacer: it goes at probe pace
        return CompletableFuture.failedFuture(ProviderException.throttled(WritePacing.PACED_OUT, "the placement "
            + health.placement.key() + " opened while this delete waited for its turn; it was not sent", null));
      }
      return health.provider.deprovision(request);
    });
    PoolClock.Scheduled timer = rt.clock.schedule(timeout, () -> rt.runner().execute(() -> answered(slot,
        ProviderException.transientFailure("DeprovisioningTimeout", "deleting took longer than " + timeout), now)));
    call.whenComplete((v, failure) -> {
      timer.cancel();
      rt.runner().execute(() -> answered(slot, ProviderCalls.unwrap(failure), now));
    });
  }

  private void answered(WorkerSlot slot, Throwable answer, Instant startedAt) {
    if (!ledger.owns(slot)) {
      return;
    }
    if (!slot.deleteInFlight) {
      // a late answer to a call we already counted as timed out: its success still says the resource is gone, if
      // the call was sent once the pool knew the resource (a delete by name sent before it existed proves nothing)
      boolean trusted = ProviderCalls.gone(answer) && slot.state() == WorkerSlot.DELETING && !slot.deleteAgain
          && slot.readyAt != null && !startedAt.isBefore(slot.readyAt);
      if (!trusted) {
        return;
      }
    }
    Throwable failure = rt.pacing.capped(answer); // a retry-after counts up to the pool's cap
    slot.deleteInFlight = false;
    Instant now = rt.clock.now();
    Pace pace = paces.get(slot.shelf.health);
    if (slot.deleteProbe) {
      slot.deleteProbe = false;
      if (pace != null) {
        pace.inFlight = false;
      }
    }
    if ((failure == null || ProviderCalls.kind(failure) == FailureKind.NOT_FOUND) && pace != null) {
      pace.answeredAt = now;
      if (rt.draining()) {
        release(slot.shelf.health, slot); // the control plane answers again: the close's waiting deletes go now
      }
    }
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
    if (ProviderCalls.pacedOut(failure)) {
      // never sent: the placement's writes are paced and this one found no turn; no failure, just a later turn
      slot.shelf.health.forgetStart(startedAt);
      slot.nextDeleteAt = now.plus(BACKOFF);
      engine.arm(slot.nextDeleteAt);
      return;
    }
    slot.deleteFailures++;
    FailureKind kind = ProviderCalls.kind(failure);
    boolean refused = Duration.between(startedAt, now).compareTo(REFUSAL_TIME) <= 0;
    if (kind == FailureKind.THROTTLED || kind == FailureKind.TRANSIENT && refused) {
      // a throttle pauses every write to the placement; a delete the control plane refused counts in its window (a
      // 503 to a delete says as much about the control plane as one to a create). A delete that ran and then
      // failed, or timed out, says something about that resource, not about creating workers there; nor does a
      // capacity or invalid answer to a delete
      board.onDeleteFailure(slot.shelf.health, slot.template.template.size(), failure, startedAt);
    } else if (kind == FailureKind.TRANSIENT) {
      slot.shelf.health.forgetStart(startedAt); // counted when it started: it neither succeeded nor was refused
    }
    Duration backoff = BACKOFF.multipliedBy(1L << Math.min(slot.deleteFailures - 1, 16));
    if (backoff.compareTo(BACKOFF_MAX) > 0) {
      backoff = BACKOFF_MAX;
    }
    if (failure instanceof ProviderException pe && pe.retryAfter().isPresent()
        && pe.retryAfter().get().compareTo(backoff) > 0) {
      backoff = pe.retryAfter().get();
    }
    if (rt.draining() && backoff.compareTo(CLOSE_PROBE_GAP) > 0) {
      // closing has a deadline: a worker's own backoff never outlasts the close's pace
      backoff = CLOSE_PROBE_GAP;
    }
    slot.nextDeleteAt = now.plus(backoff);
    if (slot.deleteFailures >= 3) {
      rt.alerts.raise("deletes-failing:" + slot.placement().key(), AlertSeverity.WARNING, "deleting " + slot.id
          + " in " + slot.placement().key() + " failed " + slot.deleteFailures + " times; the pool keeps trying"
          + " (last: " + failure.getMessage() + ")", now);
    }
    PoolLog.debug(rt.poolId).placement(slot.placement().key()).worker(slot.id)
        .log("delete failed, next try at {}: {}", slot.nextDeleteAt, failure);
    rt.publish(new PoolEvent.DeprovisioningFailed(rt.poolId, now, slot.id, slot.placement(),
        ProviderCalls.kind(failure), String.valueOf(failure.getMessage())));
    engine.arm(slot.nextDeleteAt);
  }

  /** While the pool closes: whether a delete into this open placement succeeded in the last minute. */
  private boolean answersWhileClosing(PlacementHealth health, Instant now) {
    Pace pace = paces.get(health);
    return rt.draining() && pace != null && pace.answeredAt != null
        && !pace.answeredAt.isBefore(now.minus(PROBE_GAP));
  }

  /**
   * The pool starts closing: deletes that wait (for a backoff, a cooldown, the open placement's pace or a listing)
   * are due now, so the close's pace (one delete every {@link #CLOSE_PROBE_GAP} into an open placement, all of
   * them once one succeeds) applies to every one of them within the close's deadline.
   */
  void closing(Instant now) {
    for (WorkerSlot w : ledger.workers()) {
      if (w.state() == WorkerSlot.DELETING && !w.deleteInFlight && w.nextDeleteAt != null
          && w.nextDeleteAt.isAfter(now)) {
        w.nextDeleteAt = now;
      }
    }
    paces.values().forEach(p -> p.next = Instant.MIN);
  }

  /** Starts every waiting delete of a placement now, but that of {@code answered}, whose answer is being taken. */
  private void release(PlacementHealth health, WorkerSlot answered) {
    for (WorkerSlot w : ledger.workers()) {
      if (w != answered && w.shelf.health == health && w.state() == WorkerSlot.DELETING && !w.deleteInFlight
          && w.deleteReason != null) {
        w.nextDeleteAt = null;
        start(w, w.deleteReason);
      }
    }
  }

  private Duration gap() {
    return rt.draining() ? CLOSE_PROBE_GAP : PROBE_GAP;
  }
}
