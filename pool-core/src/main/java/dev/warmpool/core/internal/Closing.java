package dev.warmpool.core.internal;

import java.time.Instant;
import java.util.Collection;

/**
 * Closing a pool: waiting requests fail at once, live leases get the close grace period, then what is left is
 * destroyed (or, with {@code keepWarmPool}, idle workers are left for the next start to adopt).
 *
 * <p>Design: close is a state of the control loop, not a separate thread: {@link #begin} runs on the serial runner
 * and sets the deadline before any pass can look at it, and every pass after that runs {@link #pass}, which retires
 * what it may and finishes the engine when nothing is left. On a shared store, a node's own leases get the grace
 * period, releases the store has not taken yet get the delete timeout more, and only the last node (unless it keeps
 * the warm pool) drains the pool as leader; the others leave it to the nodes that serve on. Runner only.
 */
final class Closing {

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final StoreLedger storeLedger;
  private final Collection<TemplateRuntime> templates;
  private final Deleter deleter;
  private final Waiters waiters;
  private final Reconciler reconciler;
  private final PoolEngine engine;
  private Instant closeDeadline;

  Closing(PoolRuntime rt, Ledger ledger, StoreLedger storeLedger, Collection<TemplateRuntime> templates,
      Deleter deleter, Waiters waiters, Reconciler reconciler, PoolEngine engine) {
    this.rt = rt;
    this.ledger = ledger;
    this.storeLedger = storeLedger;
    this.templates = templates;
    this.deleter = deleter;
    this.waiters = waiters;
    this.reconciler = reconciler;
    this.engine = engine;
  }

  /** Starts closing: fails waiting requests, gives live leases the grace period. Runs on the runner. */
  void begin(Instant now) {
    closeDeadline = now.plus(rt.config.closeGracePeriod());
    deleter.closing(now); // deletes deferred before the close go at the close's pace, within its deadline
    PoolLog.info(rt.poolId).log("closing; live leases have until {}", closeDeadline);
    reconciler.failRequests("the pool closed before it reconciled");
    for (TemplateRuntime t : templates) {
      waiters.closeAll(t, now);
    }
    if (storeLedger == null) {
      for (WorkerSlot slot : ledger.workers()) {
        if (slot.state() == WorkerSlot.LEASED) {
          slot.retireOnRelease = true;
        }
      }
    }
    rt.runner().wake();
  }

  /** Whether {@link #begin} ran: a pass between {@code closeAsync} and it sees no half-begun close. */
  boolean begun() {
    return closeDeadline != null;
  }

  /** One control pass while closing; returns when to look again. */
  Instant pass(Instant now) {
    boolean pastGrace = !now.isBefore(closeDeadline);
    if (storeLedger != null) {
      return sharedPass(now, pastGrace);
    }
    for (WorkerSlot slot : ledger.workers()) {
      long w = slot.word();
      int state = WorkerSlot.state(w);
      if (state == WorkerSlot.IDLE && rt.config.keepWarmPool() && slot.transition(w, WorkerSlot.GONE)) {
        ledger.keep(slot); // kept for the next start of a pool with this id, which adopts it
      } else if (state == WorkerSlot.IDLE || state == WorkerSlot.LEASED && pastGrace) {
        LeaseImpl lease = slot.lease;
        if (ledger.toDeleting(slot, w, "close")) {
          if (state == WorkerSlot.LEASED) {
            PoolLog.warn(rt.poolId).worker(slot.id).lease(lease == null ? slot.leaseId : lease.id())
                .log("lease still held after the close grace period; destroying its worker");
          }
          deleter.start(slot, "close");
        }
      }
    }
    if (ledger.isEmpty()) {
      engine.finishClose();
      return Instant.MAX;
    }
    return pastGrace ? Instant.MAX : closeDeadline;
  }

  /**
   * Closing a node of a shared pool: its holders have the grace period, then their leases are discarded; releases the
   * store did not take yet get the delete timeout more; the last node (unless it keeps the warm pool) drains the pool
   * as leader. Then it leaves the store.
   */
  private Instant sharedPass(Instant now, boolean pastGrace) {
    Instant hardStop = closeDeadline.plus(rt.config.deleteTimeout());
    Instant soon = now.plus(storeLedger.tick());
    if (!storeLedger.leases().liveLeases().isEmpty()) {
      if (!pastGrace) {
        return closeDeadline; // holders have until the grace period ends
      }
      storeLedger.leases().liveLeases().forEach(l -> engine.release(l, true));
    }
    if (storeLedger.leases().releasesUnwritten()) {
      if (now.isBefore(hardStop)) {
        return soon; // the store is away: wait for it, within the delete timeout, so no release is lost
      }
      storeLedger.leases().dropUnwritten();
    }
    if (rt.draining()) {
      for (WorkerSlot slot : ledger.workers()) {
        long w = slot.word();
        int state = WorkerSlot.state(w);
        if ((state == WorkerSlot.IDLE || state == WorkerSlot.LEASED) && ledger.toDeleting(slot, w, "pool closed")) {
          deleter.start(slot, "pool closed"); // no node is left to hold it
        }
      }
      if (storeLedger.anyWorkerLeft()) {
        return soon; // as one node does: deletes that fail are retried until nothing is left
      }
    }
    storeLedger.leave(now);
    engine.finishClose();
    return Instant.MAX;
  }
}
