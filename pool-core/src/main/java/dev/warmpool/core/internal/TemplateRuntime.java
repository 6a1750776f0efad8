package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerTemplate;
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
  final WorkerTemplate template;
  final List<PlacementShelf> shelves;
  private final TreeSet<Waiter> waiters = new TreeSet<>();
  private volatile int waiting;
  volatile Throwable lastFailure;
  /** Engine-only: workers of this template counted by the current control pass, plus provisions it started. */
  int tallyTotal;

  TemplateRuntime(WorkerTemplate template, List<PlacementShelf> shelves) {
    this.template = template;
    this.shelves = List.copyOf(shelves);
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

  /** Claims an idle worker for a request, in placement preference order; null if none. */
  WorkerSlot claim(LeaseRequest request, String tenantKey, long[] token) {
    List<PlacementShelf> all = shelves;
    for (int i = 0, n = all.size(); i < n; i++) {
      PlacementShelf s = all.get(i);
      if (request.allows(s.placement)) {
        WorkerSlot slot = s.claim(tenantKey, token);
        if (slot != null) {
          return slot;
        }
      }
    }
    return null;
  }

  boolean shelvesEmpty() {
    for (PlacementShelf s : shelves) {
      if (!s.isEmpty()) {
        return false;
      }
    }
    return true;
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
