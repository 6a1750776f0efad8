package dev.warmpool.core.internal;

import java.time.Instant;
import java.util.Collection;

/**
 * What the leadership of a shared pool means for the control loop: when it changes hands, what one leader counted in
 * flight is not the next one's and the next continues from the placement health in the store; a node that does not
 * lead follows that health (so its grants prefer the same placements, its releases see the same degraded mode and
 * its snapshot the same alerts) and serves its own waiting requests from the store. Runner only.
 */
final class LeadershipTerms {
  private final PoolRuntime rt;
  private final StoreLedger storeLedger;
  private final Collection<TemplateRuntime> templates;
  private final PlacementBoard board;
  private final Failover failover;
  private final Waiters waiters;
  private final Reconciler reconciler;

  LeadershipTerms(PoolRuntime rt, StoreLedger storeLedger, Collection<TemplateRuntime> templates,
      PlacementBoard board, Failover failover, Waiters waiters, Reconciler reconciler) {
    this.rt = rt;
    this.storeLedger = storeLedger;
    this.templates = templates;
    this.board = board;
    this.failover = failover;
    this.waiters = waiters;
    this.reconciler = reconciler;
  }

  /** The leadership of a shared pool changed hands: what one leader counted in flight is not the next one's. */
  void newTerm(Instant now, StoreLedger.Lead lead) {
    for (TemplateRuntime t : templates) {
      for (PlacementShelf s : t.shelves) {
        s.inFlight = 0;
      }
    }
    for (PlacementHealth h : board.all()) {
      h.probesInFlight = 0;
      if (storeLedger.health(h.placement.key()) != null) {
        h.restore(storeLedger.health(h.placement.key())); // continue where the last leader stopped
      }
    }
    if (lead == StoreLedger.Lead.TOOK_OVER) {
      reconciler.restart(now);
    } else {
      reconciler.failRequests("node " + storeLedger.node() + " stopped leading before it reconciled");
    }
  }

  /** A node of a shared pool that does not lead: mirrors the leader's health and serves its own waiting requests. */
  void follow(Instant now) {
    board.follow(storeLedger::health, now);
    for (TemplateRuntime t : templates) {
      failover.follow(t);
      Throwable seen = t.lastFailure == null || t.degraded ? LeaseFailures.healthFailure(t) : null;
      if (seen != null) {
        t.lastFailure = seen; // the leader provisions: a follower keeps the last failure it saw in the health
      }
      t.leasedByTenant.clear(); // counted every pass, as the leader's pass does: every node's leases count
      t.leasedByTenant.putAll(storeLedger.leasedByTenant(t.name()));
      if (!rt.closing()) {
        waiters.dispatch(t);
      }
    }
  }
}
