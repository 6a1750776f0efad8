package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The idle workers of one template in one placement.
 *
 * <p>Design: fresh workers (never leased) sit in one lock-free queue that serves any tenant; returned workers sit in
 * a queue per tenant, because a used worker may only serve the tenant it served before (or anyone, when the template
 * shares workers, under the key {@code "*"}). A grant polls a queue and then claims the slot with one CAS; an entry
 * whose slot is no longer idle (the engine recycled it meanwhile) is simply dropped. So the queues are hints and the
 * slot's state word is the truth.
 */
final class PlacementShelf {
  static final String SHARED = "*";

  final Placement placement;
  final PlacementHealth health;
  private final Queue<WorkerSlot> fresh = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, Queue<WorkerSlot>> used = new ConcurrentHashMap<>();
  /** The queue of a template that shares workers between tenants: looked up once, not per release. */
  private final Queue<WorkerSlot> shared = new ConcurrentLinkedQueue<>();
  /** Engine-only: provisions in flight here for this template. */
  int inFlight;
  /** Engine-only: idle workers counted by the current control pass. */
  int tallyIdle;
  /**
   * Whether this template drains this placement (drained, removed from the configuration, or no longer allowed by
   * the template): no new worker goes here and a {@link Rollout} replaces the ones that are. Read by the release
   * path.
   */
  volatile boolean draining;

  PlacementShelf(PlacementHealth health) {
    this.placement = health.placement;
    this.health = health;
  }

  void offer(WorkerSlot slot, String tenantKey) {
    queue(tenantKey, true).offer(slot);
  }


  private Queue<WorkerSlot> queue(String tenantKey, boolean create) {
    if (tenantKey == null) {
      return fresh;
    }
    if (tenantKey == SHARED) { // the constant itself, never a tenant's string
      return shared;
    }
    return create ? used.computeIfAbsent(tenantKey, k -> new ConcurrentLinkedQueue<>()) : used.get(tenantKey);
  }

  /**
   * Claims an idle worker for a tenant: a worker it used before first, then a fresh one.
   *
   * @return the claimed slot (its grant count is the lease's token), or null
   */
  WorkerSlot claim(String tenantKey) {
    Queue<WorkerSlot> mine = queue(tenantKey, false);
    WorkerSlot s = mine == null ? null : claimFrom(mine);
    return s != null ? s : claimFrom(fresh);
  }

  private static WorkerSlot claimFrom(Queue<WorkerSlot> queue) {
    WorkerSlot s;
    while ((s = queue.poll()) != null) {
      if (s.tryGrant() != 0) {
        return s;
      }
      // not idle any more: recycled by the engine; drop the stale entry
    }
    return null;
  }

  boolean maybeHasIdle(String tenantKey) {
    if (!fresh.isEmpty()) {
      return true;
    }
    Queue<WorkerSlot> mine = queue(tenantKey, false);
    return mine != null && !mine.isEmpty();
  }

  void remove(WorkerSlot slot) {
    if (!fresh.remove(slot) && !shared.remove(slot)) {
      for (Queue<WorkerSlot> d : used.values()) {
        if (d.remove(slot)) {
          return;
        }
      }
    }
  }
}
