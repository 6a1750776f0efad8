package dev.warmpool.core.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order in which a degraded template serves its waiting requests: tenants that hold no worker first, then by
 * priority, then the tenant holding the fewest workers first, then arrival. So a tenant that already holds workers
 * (or is served from its own returned workers, which a grant takes before a fresh one) takes a fresh worker only when
 * no waiting tenant that holds none can use it: rationing comes before priority while nothing can be provisioned. A
 * tenant's count grows with each grant, so the rest of the queue is re-sorted after each. Built per dispatch on the
 * serial runner from the pass's count of live leases per tenant; not thread-safe.
 */
final class FairShares {
  private final Map<String, Integer> held;
  private final Comparator<Waiter> order;

  FairShares(Map<String, Integer> leasedByTenant) {
    this.held = leasedByTenant; // the pass's own count: a second dispatch in the pass sees these grants
    this.order = Comparator.comparingInt((Waiter w) -> held.getOrDefault(w.request.tenant(), 0) > 0 ? 1 : 0)
        .thenComparingInt(w -> -w.request.priority())
        .thenComparingInt(w -> held.getOrDefault(w.request.tenant(), 0))
        .thenComparingLong(w -> w.seq);
  }

  void sort(List<Waiter> waiters) {
    waiters.sort(order);
  }

  /** Counts one more worker for the tenant and re-sorts what is still waiting. */
  void granted(String tenant, List<Waiter> rest) {
    held.merge(tenant, 1, Integer::sum);
    rest.sort(order);
  }
}
