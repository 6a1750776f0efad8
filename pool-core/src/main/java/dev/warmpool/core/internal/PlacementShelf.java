package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The idle workers of one template in one placement.
 *
 * <p>Design: fresh workers (never leased) sit in one lock-free deque that serves any tenant; returned workers sit in
 * a deque per tenant, because a used worker may only serve the tenant it served before (or anyone, when the template
 * shares workers, under the key {@code "*"}). A grant polls a deque and then claims the slot with one CAS; an entry
 * whose slot is no longer idle (the engine recycled it meanwhile) is simply dropped. So the deques are hints and the
 * slot's state word is the truth.
 */
final class PlacementShelf {
  static final String SHARED = "*";

  final Placement placement;
  final PlacementHealth health;
  private final Deque<WorkerSlot> fresh = new ConcurrentLinkedDeque<>();
  private final ConcurrentHashMap<String, Deque<WorkerSlot>> used = new ConcurrentHashMap<>();
  /** Engine-only: provisions in flight here for this template. */
  int inFlight;
  /** Engine-only: idle workers counted by the current control pass. */
  int tallyIdle;

  PlacementShelf(PlacementHealth health) {
    this.placement = health.placement;
    this.health = health;
  }

  void offer(WorkerSlot slot, String tenantKey) {
    if (tenantKey == null) {
      fresh.offerLast(slot);
    } else {
      used.computeIfAbsent(tenantKey, k -> new ConcurrentLinkedDeque<>()).offerLast(slot);
    }
  }

  /**
   * Claims an idle worker for a tenant: a worker it used before first, then a fresh one.
   *
   * @return the claimed slot with its token in {@code token[0]}, or null
   */
  WorkerSlot claim(String tenantKey, long[] token) {
    Deque<WorkerSlot> mine = used.get(tenantKey);
    WorkerSlot s = mine == null ? null : claimFrom(mine, token);
    return s != null ? s : claimFrom(fresh, token);
  }

  private static WorkerSlot claimFrom(Deque<WorkerSlot> deque, long[] token) {
    WorkerSlot s;
    while ((s = deque.pollFirst()) != null) {
      long t = s.tryGrant();
      if (t != 0) {
        token[0] = t;
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
    Deque<WorkerSlot> mine = used.get(tenantKey);
    return mine != null && !mine.isEmpty();
  }

  boolean isEmpty() {
    if (!fresh.isEmpty()) {
      return false;
    }
    for (Deque<WorkerSlot> d : used.values()) {
      if (!d.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  void remove(WorkerSlot slot) {
    if (!fresh.remove(slot)) {
      for (Deque<WorkerSlot> d : used.values()) {
        if (d.remove(slot)) {
          return;
        }
      }
    }
  }
}
