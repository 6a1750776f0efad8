package dev.warmpool.core.internal;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Replenishment: starts provisions so that every waiting request has a worker coming and the warm target is met,
 * within max total, the per-placement bound of concurrent provisions and each placement's health; and takes their
 * answers in.
 *
 * <p>Design: each pass counts what exists (the ledger's table) and what is coming (provisions in flight per shelf),
 * lets every waiter claim an in-flight provision in a placement it accepts, and provisions for the rest and for the
 * warm deficit through {@link Failover#choose}. A half-open placement gets its probes even when the stock is full
 * (real workers, so nothing is wasted). A provision that fails or outlives its timeout may have created a resource,
 * so its worker is deleted by name; a late answer is deleted by id. How many creates the warm stock keeps in flight
 * besides its deficit, and whether new workers also go to another placement of the geography, is the
 * {@link Supply}'s business. An answer wakes the control pass, so a refill starts when a create ends, not at the next
 * control interval. Runner only.
 */
final class Provisioner {
  static final String PROVISIONING_TIMEOUT = "ProvisioningTimeout";

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final PlacementBoard board;
  private final ProviderCalls calls;
  private final Failover failover;
  private final Deleter deleter;
  private final UnsentIds unsentIds;
  private final Supply supply;
  private Waiters waiters;
  /** Requests waiting on other nodes of a shared pool, which the leader provisions for as well. */
  private java.util.function.ToIntFunction<TemplateRuntime> waitingElsewhere = t -> 0;

  Provisioner(PoolRuntime rt, Ledger ledger, PlacementBoard board, ProviderCalls calls, Failover failover,
      Deleter deleter) {
    this.rt = rt;
    this.ledger = ledger;
    this.board = board;
    this.calls = calls;
    this.failover = failover;
    this.deleter = deleter;
    this.unsentIds = new UnsentIds(ledger);
    this.supply = new Supply(rt, failover);
  }

  void waiters(Waiters waiters) {
    this.waiters = waiters;
  }

  void waitingElsewhere(java.util.function.ToIntFunction<TemplateRuntime> count) {
    this.waitingElsewhere = count;
  }

  /** Starts what the template needs now. {@code t.tallyTotal} and the shelves' idle tallies come from this pass. */
  void replenish(TemplateRuntime t, Instant now) {
    WorkerTemplate tpl = t.template;
    supply.plan(t, now);
    // an outage runway raises a computed stock where supply still flows: its carrier takes new workers as a spill does
    OutageRunway.Decision runway = t.runway;
    PlacementShelf spill = runway != null && runway.carrier() != t.active ? runway.carrier() : supply.spillTarget(t);
    int budget = tpl.maxTotal() - t.tallyTotal;
    Map<PlacementShelf, Integer> unclaimed = new HashMap<>();
    int idleCount = 0;
    for (PlacementShelf s : t.shelves) {
      // creates in flight in a placement that opened are not counted on: they hang or fail there (those that still
      // deliver land as stock above the target)
      unclaimed.put(s, s.health.state() == PlacementState.OPEN ? 0 : s.inFlight);
      idleCount += s.tallyIdle;
    }
    // each waiter claims an in-flight provision in a placement it accepts, or needs a new one
    List<Waiter> uncovered = new ArrayList<>();
    if (t.waiting() > 0) {
      for (Waiter w : t.waitersInOrder()) {
        PlacementShelf claimed = null;
        for (PlacementShelf s : t.shelves) {
          if (w.request.allows(s.placement) && unclaimed.get(s) > 0) {
            claimed = s;
            break;
          }
        }
        if (claimed != null) {
          unclaimed.merge(claimed, -1, Integer::sum);
        } else {
          uncovered.add(w);
        }
      }
    }
    for (Waiter w : uncovered) {
      if (budget <= 0) {
        break;
      }
      // while the active placement cannot keep up, a waiter's worker comes from the placement that delivers sooner
      PlacementShelf s = spill != null && w.request.allows(spill.placement) && accepts(t, spill, now) ? spill
          : failover.choose(t, w.request, now);
      if (s != null) {
        start(t, s, now);
        budget--;
      }
    }
    int probes = 0;
    for (PlacementShelf s : t.shelves) {
      while (budget > 0 && failover.mayProbe(t, s, now)) {
        start(t, s, now);
        budget--;
        probes++;
      }
    }
    int stillComing = unclaimed.values().stream().mapToInt(Integer::intValue).sum() + probes;
    PlacementShelf active = t.active;
    // Little's law: besides the deficit, the demand that arrives while a create takes longer than usual
    int pipeline = supply.pipeline(t, active, now);
    int elsewhere = waitingElsewhere.applyAsInt(t);
    int base = t.warmTarget() + t.surge + elsewhere - idleCount;
    if (spill == null || active == null) {
      int warmNeeded = base + pipeline - stillComing;
      // requests waiting on other nodes of a shared pool come first, each provisioned for as a waiter here is (in the
      // first usable placement, not only the active one) in the home geography: their node says how many wait, not
      // which placements they accept
      LeaseRequest home = elsewhere > 0 ? LeaseRequest.forTemplate(t.name())
          .geographies(java.util.Set.of(t.home.placement.geography())).build() : null;
      for (int i = 0; i < warmNeeded && budget > 0; i++) {
        PlacementShelf s = failover.choose(t, i < Math.min(elsewhere, warmNeeded) ? home : null, now);
        if (s == null) {
          continue;
        }
        start(t, s, now);
        budget--;
      }
      return;
    }
    // the active placement's creates land too late for the stock now: the spill target is sized as if it were the
    // active one, without counting them, while the active one keeps its own pipeline (so it is still measured)
    int spillNeeded = base + supply.pipeline(t, spill, now) - (stillComing - unclaimed.get(active));
    for (int i = 0; i < spillNeeded && budget > 0 && accepts(t, spill, now); i++) {
      start(t, spill, now);
      budget--;
    }
    int activeNeeded = Math.min(supply.atDemand(t, active, now), supply.cap()) - active.inFlight;
    for (int i = 0; i < activeNeeded && budget > 0 && failover.choose(t, null, now) == active; i++) {
      start(t, active, now);
      budget--;
    }
  }

  private boolean accepts(TemplateRuntime t, PlacementShelf s, Instant now) {
    return Failover.usable(t, s, now) && s.inFlight < supply.cap();
  }

  private void start(TemplateRuntime t, PlacementShelf shelf, Instant now) {
    String id = unsentIds.next(shelf);
    if (id == null) {
      id = ledger.newWorkerId();
    }
    WorkerSlot slot = new WorkerSlot(id, t, shelf, now, ledger.tokenFloor());
    slot.version = t.version;
    if (!ledger.add(slot)) {
      return; // the intent was not recorded (a shared store refused it): no call without it
    }
    if (shelf.health.state() == PlacementState.HALF_OPEN) {
      // a probe counts only when its call completes: a create that hangs until the timeout is a failed probe
      slot.probe = true;
      shelf.health.probesInFlight++;
    }
    shelf.inFlight++;
    supply.started(slot, now);
    t.tallyTotal++;
    long generation = ledger.generation();
    Map<String, String> tags = Map.of(WorkerTags.POOL, rt.poolId, WorkerTags.WORKER, id,
        WorkerTags.GENERATION, Long.toString(generation), WorkerTags.TEMPLATE, t.name(), WorkerTags.TEMPLATE_VERSION,
        slot.version);
    Duration timeout = t.template.provisioningTimeout();
    ProvisionRequest request = new ProvisionRequest(rt.poolId, id, generation, t.template, shelf.placement, tags,
        now.plus(timeout));
    CompletableFuture<ProvisionedWorker> call = calls.withRetries(shelf.health, request.deadline(),
        () -> ledger.owns(slot) && ledger.mayAct(), () -> {
          // each attempt counts in the placement's window at its start (see PlacementHealth)
          Instant started = rt.clock.now();
          slot.attemptStartedAt = started;
          rt.runner().execute(() -> shelf.health.startedCreate(started));
          return shelf.health.provider.provision(request);
        }, f -> {
          t.lastFailure = f;
          Instant started = slot.attemptStartedAt;
          rt.runner().execute(() -> board.onFailure(shelf.health, t.template.size(), f, started));
        });
    PoolClock.Scheduled timer = rt.clock.schedule(timeout, () -> rt.runner().execute(() -> answered(slot, null,
        ProviderException.transientFailure(PROVISIONING_TIMEOUT, "provisioning took longer than " + timeout))));
    call.whenComplete((worker, failure) -> {
      timer.cancel();
      rt.runner().execute(() -> answered(slot, worker, ProviderCalls.unwrap(failure)));
    });
  }

  private void answered(WorkerSlot slot, ProvisionedWorker worker, Throwable failure) {
    if (!ledger.owns(slot)) {
      return; // asked by an earlier leader of a shared pool: the next one resolves the worker from the store
    }
    Instant now = rt.clock.now();
    if (slot.state() != WorkerSlot.PROVISIONING) {
      if (worker != null && slot.worker == null) {
        // the answer came after we gave up on it: the resource exists, so delete it by its id, again if a delete
        // by name already ran (it may have found nothing)
        slot.ready(worker.resourceId(), worker.attributes(), now);
        if (slot.state() == WorkerSlot.GONE) {
          slot.deleteReason = "late-provision";
          slot.transition(slot.word(), WorkerSlot.DELETING);
          if (ledger.add(slot)) {
            deleter.start(slot, "late-provision");
          }
        } else if (slot.deleteInFlight) {
          slot.deleteAgain = true;
        } else if (slot.state() == WorkerSlot.DELETING) {
          deleter.start(slot, slot.deleteReason); // it waited for a listing; now it is known: delete it by id
        }
      }
      return;
    }
    PlacementShelf shelf = slot.shelf;
    TemplateRuntime t = slot.template;
    shelf.inFlight--;
    supply.settled(slot, now, worker != null,
        failure instanceof ProviderException timeout && timeout.code().equals(PROVISIONING_TIMEOUT));
    rt.runner().wake(); // a create ended: the next one starts now, not at the next control interval
    if (worker != null) {
      boolean probe = slot.probe && !slot.probeCounted;
      if (probe) {
        slot.probeCounted = true;
        shelf.health.probesInFlight--;
      }
      board.onSuccess(shelf.health, now, probe, slot.attemptStartedAt);
      shelf.health.delivered(t.template.size());
      t.sizing.provisioned(shelf, slot.intendedAt, now);
      slot.ready(worker.resourceId(), worker.attributes(), now);
      // the ledger learns of the worker before anyone hears of it: a listener that leases on this event finds it idle
      boolean draining = rt.draining();
      boolean deleting = draining && ledger.toDeleting(slot, slot.word(), "close");
      boolean idle = !draining && ledger.toIdle(slot);
      rt.publish(new PoolEvent.WorkerProvisioned(rt.poolId, now, slot.id, t.name(), shelf.placement,
          Duration.between(slot.intendedAt, now)));
      if (deleting) {
        deleter.start(slot, "close");
      } else if (idle) {
        waiters.dispatch(t);
      }
      return;
    }
    // a retry not sent because the placement opened is told as the provider's answer that made it retry
    Throwable shown = ProviderCalls.providerFailure(failure);
    t.lastFailure = shown;
    board.probeSettled(slot, false, now);
    if (failure instanceof ProviderException pe && pe.code().equals(PROVISIONING_TIMEOUT)) {
      // our own timer: no attempt hook saw it; the hang counts as a failure of the attempt that hung
      board.onFailure(shelf.health, t.template.size(), failure, slot.attemptStartedAt);
    }
    FailureKind kind = ProviderCalls.kind(failure);
    rt.publish(new PoolEvent.ProvisioningFailed(rt.poolId, now, slot.id, t.name(), shelf.placement, kind,
        shown instanceof ProviderException pe ? pe.code() : "", String.valueOf(shown.getMessage())));
    PoolLog.debug(rt.poolId).template(t.name()).placement(shelf.placement.key()).worker(slot.id)
        .log("provision failed: {}", shown);
    if (kind == FailureKind.INVALID || kind == FailureKind.THROTTLED || kind == FailureKind.QUOTA) {
      // the request was refused before anything was created
      ledger.forget(slot);
      if (kind == FailureKind.THROTTLED) {
        supply.throttled(shelf, now);
        // the retried create keeps the worker id: creation is idempotent on it, so if an earlier attempt's lost
        // answer did create it, the next create finds that one
        unsentIds.keep(shelf, slot.id);
      }
    } else {
      // the resource may exist (a lost answer, a timeout, a failed allocation that left a resource): the next
      // listing resolves it, one listing for every such worker, not a delete by name each (Deleter)
      slot.unresolvedSince = now;
      if (ledger.toDeleting(slot, slot.word(), Deleter.PROVISIONING_FAILED)) {
        deleter.start(slot, Deleter.PROVISIONING_FAILED);
      }
    }
  }
}
