package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One template's shelves (one per eligible placement, in preference order) and its waiting requests.
 *
 * <p>Waiters sit in a sorted set under this object's monitor: only requests that found no idle worker come here, so
 * the lock is off the hot path. {@link #waiting} is read without the lock by the hot path, so that a new request
 * queues behind older ones instead of overtaking them.
 */
final class TemplateRuntime {
  /** The template as configured now: a run-time change replaces it ({@link Rollout}); read by any thread. */
  volatile WorkerTemplate template;
  /** The version new workers are made with ({@link TemplateVersion}); changes with {@link #template}. */
  volatile String version;
  /**
   * Every placement the template allows, in preference order, then the ones it drains (a run-time change may add
   * shelves; it never drops one, as workers may still sit there).
   */
  volatile List<PlacementShelf> shelves;
  /** The most preferred placement that is not drained: where the warm stock lives while it is healthy. */
  volatile PlacementShelf home;
  /** Whether a run-time change removed the template: its workers are removed, none is made. */
  volatile boolean removed;
  /** Engine-only: extra workers a roll asks replenishment for, above the warm target ({@link Rollout}). */
  int surge;
  /**
   * The order grants take idle workers in: placements other than the active one first, so that stock left
   * elsewhere after a failback (or a failover) is used up before the active placement's.
   */
  private volatile List<PlacementShelf> grantOrder;
  /** Engine-only: where warm provisions go now; null when no placement of the home geography can provision. */
  PlacementShelf active;
  /**
   * Engine-only: the placement that carries a computed warm stock while the stock's own placement cannot supply it,
   * and why; null when there is no outage runway ({@link OutageRunway}).
   */
  OutageRunway.Decision runway;
  /** Whether no placement of the home geography can provision; read by the lease path. */
  volatile boolean degraded;
  final Forecaster forecaster;
  /**
   * The warm target in force (fixed, or computed from a sizing policy) and what the stock costs; replaced when a
   * run-time change changes the sizing policy.
   */
  volatile Sizing sizing;
  /** Engine-only: when a request of this template last timed out. */
  Instant lastTimeoutAt;
  /** Engine-only: live leases per tenant, counted by the current pass (only while degraded). */
  final java.util.Map<String, Integer> leasedByTenant = new java.util.HashMap<>();
  private final TreeSet<Waiter> waiters = new TreeSet<>();
  private volatile int waiting;
  volatile Throwable lastFailure;
  /** Engine-only: workers of this template counted by the current control pass, plus provisions it started. */
  int tallyTotal;

  TemplateRuntime(WorkerTemplate template, List<PlacementShelf> shelves, java.time.Duration demandSmoothing) {
    this.template = template;
    this.version = TemplateVersion.of(template);
    this.forecaster = new Forecaster(demandSmoothing);
    this.sizing = new Sizing(template);
    this.shelves = List.copyOf(shelves);
    this.home = shelves.get(0);
    this.active = home;
    this.grantOrder = this.shelves;
  }

  /**
   * A run-time change: the new definition and shelves (preferred first, drained ones last). The active placement is
   * kept if it is still usable; the next pass's failover recomputes it anyway. Runner only.
   */
  void reshape(WorkerTemplate next, List<PlacementShelf> nextShelves) {
    if (!template.sizing().equals(next.sizing())) {
      this.sizing = new Sizing(next); // a new objective (or a fixed target again) starts from its own floor
    }
    this.template = next;
    this.version = TemplateVersion.of(next);
    this.shelves = List.copyOf(nextShelves);
    PlacementShelf first = nextShelves.stream().filter(s -> !s.draining).findFirst().orElse(nextShelves.get(0));
    this.home = first;
    activate(active != null && !active.draining && nextShelves.contains(active) ? active : first);
  }

  /** Sets where warm provisions go and reorders grants to drain the other placements first. */
  void activate(PlacementShelf shelf) {
    active = shelf;
    if (shelf == null) {
      grantOrder = shelves;
      return;
    }
    List<PlacementShelf> order = new ArrayList<>(shelves);
    order.remove(shelf);
    order.add(shelf);
    grantOrder = List.copyOf(order);
  }

  /** The warm target in force: the template's fixed target, or the one its sizing policy computed last. */
  int warmTarget() {
    return sizing.computed() ? sizing.target() : template.warmTarget();
  }

  String name() {
    return template.name();
  }

  String tenantKey(String tenant) {
    return template.shareAcrossTenants() ? PlacementShelf.SHARED : tenant;
  }

  /** Whether any placement of this template is allowed by the request's residency rules. */
  boolean servable(LeaseRequest request) {
    for (PlacementShelf s : shelves) {
      if (request.allows(s.placement)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Claims an idle worker for a request: the worker this thread released last, if it fits, with one CAS and no queue
   * work; otherwise from the queues in grant order. Null if none.
   */
  WorkerSlot claim(LeaseRequest request, String tenantKey, ThreadLocal<WorkerSlot> hint) {
    WorkerSlot h = hint.get();
    // a used worker only ever serves its tenant (or anyone, under the shared key): check before claiming
    if (h != null && h.template == this && (tenantKey == PlacementShelf.SHARED || tenantKey.equals(h.tenant))
        && request.allows(h.placement())) {
      if (h.tryGrantHinted() != 0) {
        return h;
      }
    }
    List<PlacementShelf> all = grantOrder;
    for (int i = 0, n = all.size(); i < n; i++) {
      PlacementShelf s = all.get(i);
      if (request.allows(s.placement)) {
        WorkerSlot slot = s.claim(tenantKey);
        if (slot != null) {
          return slot;
        }
      }
    }
    return null;
  }

  int waiting() {
    return waiting;
  }

  synchronized void enqueue(Waiter w) {
    waiters.add(w);
    waiting = waiters.size();
  }

  synchronized boolean remove(Waiter w) {
    boolean removed = waiters.remove(w);
    waiting = waiters.size();
    return removed;
  }

  synchronized List<Waiter> waitersInOrder() {
    return new ArrayList<>(waiters);
  }

  synchronized List<Waiter> drainWaiters() {
    List<Waiter> all = new ArrayList<>(waiters);
    waiters.clear();
    waiting = 0;
    return all;
  }
}
