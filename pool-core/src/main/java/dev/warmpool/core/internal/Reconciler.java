package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reconciliation: lists every provider's inventory by pool tag and compares it with the ledger. It adopts what the
 * pool created but never heard back about (and, on a warm restart, the previous generation's workers, after a health
 * probe), removes what nobody owns (in any region, known to the configuration or not), and marks known workers that
 * vanished as lost.
 *
 * <p>Design: one listing per provider at a time; requests that arrive while one runs are answered by the next. An
 * unknown resource is left alone for the orphan grace period (from its creation time, or from when reconciliation
 * first saw it if that is earlier), so a create still in flight is never taken for an orphan; a resource listed as
 * {@code state=deleting} is left to the delete under way for as long. An adopted worker's fencing tokens start
 * above every token its previous generation can have handed out ({@link Ledger#adoptionFloor}). A listing that
 * answers after the leadership changed hands is not acted on. Runner only.
 */
final class Reconciler {
  private static final Duration LIST_MARGIN = Duration.ofMinutes(1);
  /** The resource attribute by which a provider may say where a resource is in its life (backend-fake does). */
  private static final String STATE_ATTRIBUTE = "state";
  private static final String DELETING_STATE = "deleting";
  private static final String CREATING_STATE = "creating";

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final Map<String, TemplateRuntime> templates;
  private final PlacementBoard board;
  private final Deleter deleter;
  private final Creations creations;
  private boolean running;
  private boolean doneOnce;
  private Instant nextAt;
  private final List<CompletableFuture<Void>> requests = new ArrayList<>();
  /** Requests whose listing is in flight: answered by the listing, or failed by close or a change of leader. */
  private final List<CompletableFuture<Void>> answering = new ArrayList<>();
  private final Set<String> orphanDeletes = new HashSet<>();
  /** Providers whose last listing failed, so a long outage logs one warning, not one per interval. */
  private final Set<String> listFailing = new HashSet<>();
  private final Map<String, Instant> firstSeen = new HashMap<>();
  private final Map<String, Instant> deletingSince = new HashMap<>();

  Reconciler(PoolRuntime rt, Ledger ledger, Map<String, TemplateRuntime> templates, PlacementBoard board,
      Deleter deleter) {
    this.rt = rt;
    this.ledger = ledger;
    this.templates = templates;
    this.board = board;
    this.deleter = deleter;
    this.creations = new Creations(rt, ledger, deleter);
    this.nextAt = rt.clock.now();
  }

  /** Whether a reconciliation finished since the start (a warm restart adopts before it provisions). */
  boolean doneOnce() {
    return doneOnce;
  }

  /** Starts a reconciliation if one is due; returns when the next is due. */
  Instant tick(Instant now) {
    if (!now.isBefore(nextAt)) {
      start();
    }
    return nextAt;
  }

  /** Asks for a reconciliation now; the future completes when every provider was listed. */
  void request(CompletableFuture<Void> f) {
    requests.add(f);
    start();
  }

  /** Fails the requests no reconciliation will answer (the pool closed, or this node stopped leading). */
  void failRequests(String why) {
    WarmpoolException e = new WarmpoolException("pool " + rt.poolId + ": " + why);
    requests.forEach(f -> f.completeExceptionally(e));
    requests.clear();
    answering.forEach(f -> f.completeExceptionally(e));
    answering.clear();
  }

  /** A new leader reconciles at once, and (keeping a warm pool) before it provisions. */
  void restart(Instant now) {
    nextAt = now;
    doneOnce = false;
  }

  private void start() {
    if (running) {
      return; // requests that arrived meanwhile are completed by the next one, which this one's end starts
    }
    running = true;
    Instant listedAt = rt.clock.now();
    nextAt = listedAt.plus(rt.config.reconcileInterval());
    long term = ledger.term();
    List<CompletableFuture<Void>> mine = new ArrayList<>(requests);
    answering.addAll(mine);
    requests.clear();
    int[] remaining = {rt.config.providers().size()};
    List<Throwable> failures = new ArrayList<>();
    int[] orphans = {0};
    for (Map.Entry<String, WorkerProvider> e : rt.config.providers().entrySet()) {
      String name = e.getKey();
      ProviderCalls.call(() -> e.getValue().list(rt.poolId)).whenComplete((resources, failure) -> rt.runner()
          .execute(() -> {
            if (term != ledger.term() || !ledger.confirmLeadership()) {
              // the leadership changed hands while the listing ran: the next leader reconciles
              failures.add(new WarmpoolException("pool " + rt.poolId + ": this node stopped leading before it"
                  + " reconciled"));
            } else if (failure != null) {
              Throwable f = ProviderCalls.unwrap(failure);
              failures.add(f);
              if (listFailing.add(name)) {
                PoolLog.warn(rt.poolId).kv("provider", name).log("listing for reconciliation failed: {}", f);
              } else {
                PoolLog.debug(rt.poolId).kv("provider", name).log("listing failed again: {}", f);
              }
            } else {
              if (listFailing.remove(name)) {
                PoolLog.info(rt.poolId).kv("provider", name).log("listing works again");
              }
              orphans[0] += reconcile(name, e.getValue(), resources, listedAt);
            }
            if (--remaining[0] == 0) {
              finish(mine, failures, orphans[0]);
            }
          }));
    }
  }

  private void finish(List<CompletableFuture<Void>> mine, List<Throwable> failures, int orphans) {
    running = false;
    answering.removeAll(mine);
    doneOnce = true;
    Instant now = rt.clock.now();
    if (orphans > 0) {
      rt.alerts.raise("orphans", AlertSeverity.WARNING, orphans + " tagged resources of pool " + rt.poolId
          + " had no owner and were deleted by reconciliation", now);
    } else if (failures.isEmpty()) {
      rt.alerts.clear("orphans", now);
    }
    for (CompletableFuture<Void> f : mine) {
      if (failures.isEmpty()) {
        f.complete(null);
      } else {
        f.completeExceptionally(new WarmpoolException("reconciliation of pool " + rt.poolId + " could not list"
            + " every provider", failures.get(0)));
      }
    }
    if (!requests.isEmpty()) {
      start();
    }
    rt.runner().wake();
  }

  /** Reconciles one provider's inventory; returns how many orphans it deletes. */
  private int reconcile(String providerName, WorkerProvider provider, List<ProviderResource> resources,
      Instant listedAt) {
    Instant now = rt.clock.now();
    Duration grace = rt.config.orphanGracePeriod();
    String generation = Long.toString(ledger.generation());
    Map<String, ProviderResource> listed = new HashMap<>();
    Set<String> deletingListed = new HashSet<>();
    Set<String> seenListed = new HashSet<>();
    int removed = 0;
    for (ProviderResource r : resources) {
      if (!rt.poolId.equals(r.tags().get(WorkerTags.POOL))) {
        continue; // not ours: a provider should not list it, and we never touch it
      }
      String workerId = r.workerId().orElse(null);
      if (workerId != null) {
        listed.put(workerId, r);
        if (ledger.knows(workerId)) {
          continue;
        }
      }
      if (orphanDeletes.contains(r.resourceId())) {
        continue;
      }
      String key = providerName + "|" + r.resourceId();
      if (DELETING_STATE.equals(r.attributes().get(STATE_ATTRIBUTE))) {
        // someone's delete is under way (a crashed generation's, typically): a second one would overlap it; only a
        // resource that stays "deleting" longer than the grace period is deleted again
        Instant since = deletingSince.computeIfAbsent(key, k -> now);
        if (since.plus(grace).isAfter(now)) {
          deletingListed.add(key);
          continue;
        }
      }
      // the age counts from the creation time, or from when reconciliation first saw it if that is earlier: a
      // provider whose clock runs ahead of the pool's must not keep a stray alive
      seenListed.add(key);
      Instant seen = firstSeen.computeIfAbsent(key, k -> now);
      Instant born = r.createdAt().filter(c -> c.isBefore(seen)).orElse(seen);
      // a warm restart takes the previous generation's workers in at once (the health probe decides whether they
      // run): waiting out the grace period would provision a replacement for each worker younger than it
      boolean warmRestart = rt.config.keepWarmPool() && workerId != null
          && !generation.equals(r.tags().get(WorkerTags.GENERATION));
      if (CREATING_STATE.equals(r.attributes().get(STATE_ATTRIBUTE)) && born.plus(grace).isAfter(now)) {
        // still being created (by a crashed run, say): counted as provisioning now and adopted when it is done
        // (a probe now would call it broken); one the pool may not keep is left for the grace period
        joinCreation(providerName, r, workerId);
        continue;
      }
      if (!warmRestart && born.plus(grace).isAfter(now)) {
        continue; // young: perhaps still being created by a call we do not know of; look again next time
      }
      firstSeen.remove(key);
      if (!adopt(providerName, provider, r, workerId)) {
        removeOrphan(provider, providerName, r, workerId);
        removed++;
      }
    }
    // forget deletes that finished, so the maps hold only what this provider still lists
    deletingSince.keySet().removeIf(k -> k.startsWith(providerName + "|") && !deletingListed.contains(k));
    firstSeen.keySet().removeIf(k -> k.startsWith(providerName + "|") && !seenListed.contains(k));
    for (WorkerSlot slot : ledger.workers()) {
      if (!slot.placement().provider().equals(providerName)) {
        continue;
      }
      if (slot.state() == WorkerSlot.DELETING && !slot.deleteInFlight && deleter.awaitsListing(slot)
          && (slot.unresolvedSince == null || slot.unresolvedSince.isBefore(listedAt))) {
        resolve(slot, listed.get(slot.id), now);
        continue;
      }
      if (listed.containsKey(slot.id)) {
        continue;
      }
      Instant ready = slot.readyAt;
      // a worker that was ready well before the listing began should have been listed
      if (ready != null && ready.isBefore(listedAt.minus(LIST_MARGIN))) {
        lost(slot, now);
      }
    }
    return removed;
  }

  /**
   * A worker whose create failed in a way that may have made a resource, seen by a listing that began after the
   * failure: what the listing shows is deleted by id, and nothing is sent for what it does not show.
   */
  private void resolve(WorkerSlot slot, ProviderResource r, Instant now) {
    if (r == null) {
      PoolLog.debug(rt.poolId).worker(slot.id).log("the failed create made nothing");
      ledger.forget(slot);
      rt.runner().wake();
      return;
    }
    slot.ready(r.resourceId(), r.attributes(), r.createdAt().orElse(now));
    deleter.start(slot, slot.deleteReason);
  }

  /**
   * A resource of this pool that another run (a crashed process, a previous leader) was still creating: if the pool
   * may keep it (its own generation, or any with {@code keepWarmPool}), it counts as provisioning from now on, and
   * the pool joins the creation by asking for the same worker again (a provider's {@code provision} is idempotent
   * on the worker id), so the worker is adopted as soon as it is ready, not one reconciliation later.
   */
  private void joinCreation(String providerName, ProviderResource r, String workerId) {
    TemplateRuntime t = workerId == null ? null : templates.get(r.tags().get(WorkerTags.TEMPLATE));
    if (t == null || rt.closing() || ledger.knows(workerId)) {
      return;
    }
    String tagged = r.tags().get(WorkerTags.GENERATION);
    if (!Long.toString(ledger.generation()).equals(tagged) && !rt.config.keepWarmPool()) {
      return;
    }
    PlacementShelf shelf = shelfOf(t, providerName, r.region());
    if (shelf == null || t.tallyTotal >= t.template.maxTotal()) {
      return;
    }
    Instant now = rt.clock.now();
    WorkerSlot slot = new WorkerSlot(workerId, t, shelf, now, ledger.adoptionFloor(tagged));
    // the version it is being made with, as for a finished resource (adopt): without it, the worker a restart joins
    // counts as stale, and a roll provisions a surge worker to replace it the moment it is adopted
    slot.version = r.tags().get(WorkerTags.TEMPLATE_VERSION);
    if (!ledger.add(slot)) {
      return;
    }
    t.tallyTotal++;
    long generation;
    try {
      generation = Long.parseLong(tagged);
    } catch (NumberFormatException e) {
      generation = ledger.generation();
    }
    PoolLog.info(rt.poolId).placement(shelf.placement.key()).worker(workerId)
        .log("{} is still being created: joining its creation", r.resourceId());
    creations.join(slot, generation, r.tags(), true);
  }

  private static PlacementShelf shelfOf(TemplateRuntime t, String providerName, String region) {
    PlacementShelf shelf = null;
    for (PlacementShelf s : t.shelves) {
      if (s.placement.provider().equals(providerName) && s.placement.region().equals(region)) {
        shelf = s;
      }
    }
    return shelf;
  }

  /** Joins a provision a previous leader of a shared pool started, instead of deleting it by name. */
  void joinForeign(WorkerSlot slot) {
    PoolLog.info(rt.poolId).placement(slot.placement().key()).worker(slot.id)
        .log("was being created by a previous leader: joining its creation");
    creations.joinForeign(slot);
  }

  /** Takes in a tagged resource the pool can use; false if it should be deleted instead. */
  private boolean adopt(String providerName, WorkerProvider provider, ProviderResource r, String workerId) {
    TemplateRuntime t = templates.get(r.tags().get(WorkerTags.TEMPLATE));
    if (t == null || workerId == null || rt.closing()) {
      return false;
    }
    String tagged = r.tags().get(WorkerTags.GENERATION);
    boolean ours = Long.toString(ledger.generation()).equals(tagged);
    if (!ours && !rt.config.keepWarmPool()) {
      return false;
    }
    PlacementShelf shelf = shelfOf(t, providerName, r.region());
    if (shelf == null || t.tallyTotal >= t.template.maxTotal()) {
      return false;
    }
    Instant now = rt.clock.now();
    PlacementShelf home = shelf;
    WorkerSlot slot = new WorkerSlot(workerId, t, home, now, ledger.adoptionFloor(tagged));
    slot.version = r.tags().get(WorkerTags.TEMPLATE_VERSION); // none or another: a roll replaces it
    if (!ledger.add(slot)) {
      return true; // not recorded now (a shared store refused it): the next reconciliation looks again
    }
    t.tallyTotal++;
    // counted as coming while its probe runs: otherwise the pass after this reconciliation sees neither an idle
    // worker nor one in flight and provisions a replacement for every worker a warm restart is adopting
    home.inFlight++;
    CompletableFuture<Boolean> healthy = provider instanceof WorkerHealthProbe probe
        ? ProviderCalls.call(() -> probe.isHealthy(r)) : CompletableFuture.completedFuture(true);
    healthy.whenComplete((ok, failure) -> rt.runner().execute(() -> {
      if (!ledger.owns(slot)) {
        return; // the leadership changed hands meanwhile: the next leader adopts it
      }
      Instant at = rt.clock.now();
      home.inFlight--;
      slot.ready(r.resourceId(), r.attributes(), r.createdAt().orElse(at));
      slot.idleSince = at;
      if (failure == null && Boolean.TRUE.equals(ok) && !rt.closing()) {
        if (!ledger.toIdle(slot)) {
          return;
        }
        PoolLog.info(rt.poolId).placement(home.placement.key()).worker(workerId).kv("resource", r.resourceId())
            .log("orphan adopted");
        rt.publish(new PoolEvent.OrphanAdopted(rt.poolId, at, workerId, r.resourceId(), home.placement));
        rt.runner().wake();
      } else {
        if (ledger.toDeleting(slot, slot.word(), "unhealthy-orphan")) {
          deleter.start(slot, "unhealthy-orphan");
        }
      }
    }));
    return true;
  }

  private void removeOrphan(WorkerProvider provider, String providerName, ProviderResource r, String workerId) {
    Placement where = board.placementOf(providerName, r.region());
    orphanDeletes.add(r.resourceId());
    Instant now = rt.clock.now();
    DeprovisionRequest request = new DeprovisionRequest(rt.poolId, workerId == null ? r.resourceId() : workerId,
        Optional.of(r.resourceId()), where, now.plus(rt.config.deleteTimeout()));
    ProviderCalls.call(() -> provider.deprovision(request)).whenComplete((v, failure) -> rt.runner().execute(() -> {
      orphanDeletes.remove(r.resourceId());
      Throwable f = ProviderCalls.unwrap(failure);
      if (ProviderCalls.gone(f)) {
        PoolLog.info(rt.poolId).placement(where.key()).kv("resource", r.resourceId()).log("orphan removed (no owner)");
        rt.publish(new PoolEvent.OrphanRemoved(rt.poolId, rt.clock.now(), r.resourceId(), where, "no owner"));
      } else {
        PoolLog.warn(rt.poolId).placement(where.key()).kv("resource", r.resourceId())
            .log("removing the orphan failed, the next reconciliation tries again: {}", f);
      }
    }));
  }

  /**
   * A known worker vanished from the inventory: end its lease and let replenishment replace it. The pool still sends
   * a delete by id (a missing resource deletes as success): if the listing was wrong, the worker would otherwise
   * outlive the pool's knowledge of it.
   */
  private void lost(WorkerSlot slot, Instant now) {
    long w = slot.word();
    int state = WorkerSlot.state(w);
    LeaseImpl lease = slot.lease;
    String heldAs = lease != null ? lease.id() : slot.leaseId;
    if (state != WorkerSlot.IDLE && state != WorkerSlot.LEASED || !ledger.toDeleting(slot, w, "lost")) {
      return;
    }
    Optional<String> leaseId = state == WorkerSlot.LEASED ? Optional.ofNullable(heldAs) : Optional.empty();
    PoolLog.warn(rt.poolId).template(slot.template.name()).placement(slot.placement().key()).worker(slot.id)
        .lease(leaseId.orElse(null)).log("worker vanished from the provider's inventory{}",
            leaseId.isPresent() ? "; its lease ended" : "");
    rt.publish(new PoolEvent.WorkerLost(rt.poolId, now, slot.id, slot.template.name(), slot.placement(), leaseId));
    deleter.start(slot, "lost");
    rt.runner().wake();
  }
}
