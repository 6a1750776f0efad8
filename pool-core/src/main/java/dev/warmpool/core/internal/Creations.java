package dev.warmpool.core.internal;

import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Creations that another run started and this one takes over: a resource that a crashed process (or a previous
 * leader of a shared pool) was still creating. The pool counts it as provisioning at once and joins the creation,
 * so the worker is adopted the moment it is ready, and the inventory equals the pool's known set after the first
 * reconciliation.
 *
 * <p>Design: joining is asking for the same worker again: a provider's {@code provision} is idempotent on the worker
 * id (the SPI's contract), so the call waits for the creation under way, or answers at once if it finished, or
 * creates the worker if the other run crashed before its call reached the cloud. The call has the template's
 * provisioning timeout; a join that fails or times out is resolved like any failed create, by the next listing
 * ({@link Deleter#awaitsListing}). Runner only.
 */
final class Creations {
  private final PoolRuntime rt;
  private final Ledger ledger;
  private final Deleter deleter;

  Creations(PoolRuntime rt, Ledger ledger, Deleter deleter) {
    this.rt = rt;
    this.ledger = ledger;
    this.deleter = deleter;
  }

  /**
   * Joins the creation of a PROVISIONING worker that the ledger holds, with the tags its resource carries; an
   * {@code orphan} (one the ledger did not hold before a listing showed it) is announced as adopted, a shared
   * pool's own provision as provisioned.
   */
  void join(WorkerSlot slot, long generation, Map<String, String> tags, boolean orphan) {
    PlacementShelf shelf = slot.shelf;
    TemplateRuntime t = slot.template;
    ledger.joined(slot);
    shelf.inFlight++;
    Duration timeout = t.template.provisioningTimeout();
    ProvisionRequest request = new ProvisionRequest(rt.poolId, slot.id, generation, t.template, shelf.placement, tags,
        rt.clock.now().plus(timeout));
    CompletableFuture<ProvisionedWorker> call = ProviderCalls.call(() -> shelf.health.provider.provision(request));
    PoolClock.Scheduled timer = rt.clock.schedule(timeout, () -> rt.runner().execute(() -> answered(slot, null,
        ProviderException.transientFailure(Provisioner.PROVISIONING_TIMEOUT, "the creation " + slot.id
            + " joined took longer than " + timeout), orphan)));
    call.whenComplete((worker, failure) -> {
      timer.cancel();
      rt.runner().execute(() -> answered(slot, worker, ProviderCalls.unwrap(failure), orphan));
    });
  }

  /** Joins a provision that a previous leader of a shared pool started (its store row), with the pool's tags. */
  void joinForeign(WorkerSlot slot) {
    long generation = ledger.generation();
    Map<String, String> tags = new java.util.HashMap<>(Map.of(WorkerTags.POOL, rt.poolId, WorkerTags.WORKER, slot.id,
        WorkerTags.GENERATION, Long.toString(generation), WorkerTags.TEMPLATE, slot.template.name()));
    if (slot.version != null) {
      tags.put(WorkerTags.TEMPLATE_VERSION, slot.version); // the version its row says is being made
    }
    join(slot, generation, Map.copyOf(tags), false);
  }

  private void answered(WorkerSlot slot, ProvisionedWorker worker, Throwable failure, boolean orphan) {
    if (!ledger.owns(slot)) {
      return; // the leadership changed hands meanwhile: the next leader joins it again
    }
    Instant now = rt.clock.now();
    if (slot.state() != WorkerSlot.PROVISIONING) {
      if (worker != null && slot.worker == null && slot.state() == WorkerSlot.DELETING && !slot.deleteInFlight) {
        slot.ready(worker.resourceId(), worker.attributes(), now); // it came after the timeout: delete it by id
        deleter.start(slot, slot.deleteReason);
      }
      return;
    }
    slot.shelf.inFlight--;
    if (worker != null) {
      slot.ready(worker.resourceId(), worker.attributes(), now);
      if (ledger.toIdle(slot)) {
        PoolLog.info(rt.poolId).placement(slot.placement().key()).worker(slot.id)
            .log("adopted {} when its creation ended", worker.resourceId());
        rt.publish(orphan ? new PoolEvent.OrphanAdopted(rt.poolId, now, slot.id, worker.resourceId(),
            slot.placement()) : new PoolEvent.WorkerProvisioned(rt.poolId, now, slot.id, slot.template.name(),
            slot.placement(), Duration.between(slot.intendedAt, now)));
      }
      rt.runner().wake();
      return;
    }
    PoolLog.debug(rt.poolId).worker(slot.id).log("joining the creation failed: {}", failure);
    slot.unresolvedSince = now;
    if (ledger.toDeleting(slot, slot.word(), Deleter.PROVISIONING_FAILED)) {
      deleter.start(slot, Deleter.PROVISIONING_FAILED);
    }
    rt.runner().wake();
  }
}
