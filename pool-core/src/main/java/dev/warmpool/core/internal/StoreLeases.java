package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Worker;
import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's leases in a shared store: grants and renewals (one store call each, on the caller's thread), releases
 * (written at once, or queued while the store is away and written by the next pass that reaches it), and the leases
 * the store says this node holds but no holder here knows.
 *
 * <p>Design: whether the store answers is decided here, where the lease path sees it: a failed call marks it away
 * ({@link #unavailable()}), so new grants fail fast instead of waiting on a dead connection each; the next pass that
 * reaches the store marks it back. While a template is degraded, every grant (at once or for a waiting request)
 * follows the {@link FairSharesAcrossNodes} the last pass worked out. Thread-safe.
 */
final class StoreLeases {

  private final PoolRuntime rt;
  private final PoolStore store;
  private final String poolId;
  private final String node;
  private final String leasePrefix;
  private final AtomicLong leaseSeq = new AtomicLong();
  /** This node's leases that their holders have not ended, by lease id. */
  private final Map<String, LeaseImpl> live = new ConcurrentHashMap<>();
  private final Queue<LeaseImpl> unwritten = new ConcurrentLinkedQueue<>();
  private volatile StoreUnavailableException down;
  private final DegradedMode degraded;
  private volatile Map<String, FairSharesAcrossNodes> shares = Map.of();

  StoreLeases(PoolRuntime rt, PoolStore store, String node, DegradedMode degraded) {
    this.rt = rt;
    this.degraded = degraded;
    this.store = store;
    this.poolId = rt.poolId;
    this.node = node;
    // makes this run's lease ids differ from an earlier run's of the same node id
    this.leasePrefix = node + "." + Long.toString(rt.clock.now().toEpochMilli(), 36) + ".";
  }

  /** Grants through the store: one atomic call takes an idle worker; a lease slot stands for it on this node. */
  WorkerSlot claim(TemplateRuntime t, LeaseRequest request, String tenantKey) {
    List<String> eligible = new ArrayList<>();
    for (PlacementShelf s : t.shelves) { // most preferred first: the store grants in this order
      if (request.allows(s.placement)) {
        eligible.add(s.placement.key());
      }
    }
    Instant now = rt.clock.now();
    String leaseId = leasePrefix + Long.toString(leaseSeq.incrementAndGet(), 36);
    Instant deadline = request.leaseDuration().map(now::plus).orElse(null);
    // while degraded, a worker that just became idle is left to the node where a request that ranks first waits
    Instant idleBefore = degraded.protects(t) ? shares(t.name()).idleBefore(request, now) : null;
    StoredWorker row;
    try {
      row = store.grant(poolId, new GrantQuery(t.name(), eligible, tenantKey, node, leaseId, now, deadline,
          idleBefore)).orElse(null);
    } catch (StoreUnavailableException e) {
      down(e);
      throw e;
    }
    if (row == null) {
      return null;
    }
    PlacementShelf shelf = t.shelves.stream().filter(s -> s.placement.key().equals(row.placement())).findFirst()
        .orElseThrow();
    long floor = StoreLedger.floorOf(row);
    WorkerSlot slot = new WorkerSlot(row.id(), t, shelf, row.createdAt(), floor);
    slot.mirror(row.grants(), WorkerSlot.LEASED);
    slot.worker = new Worker(row.id(), row.template(), shelf.placement, row.resourceId(), row.attributes());
    slot.readyAt = row.readyAt();
    slot.uses = (int) Math.min(Integer.MAX_VALUE, row.grants() - floor) - 1; // the grant adds this one
    slot.leaseId = leaseId;
    return slot;
  }

  /** The fair shares across nodes of a template, as the last pass read the store. */
  FairSharesAcrossNodes shares(String template) {
    return shares.getOrDefault(template, FairSharesAcrossNodes.NONE);
  }

  /** Takes the fair shares a pass worked out. Runner only. */
  void shares(Map<String, FairSharesAcrossNodes> perTemplate) {
    shares = perTemplate;
  }

  /** Records a lease this node granted, so close and the check for unknown leases know it. */
  void granted(LeaseImpl lease) {
    live.put(lease.id(), lease);
  }

  /** Writes a release, or queues it while the store is away. Any thread. */
  void released(LeaseImpl lease, boolean keep, String reason, Instant now) {
    live.remove(lease.id());
    lease.keep = keep;
    lease.reason = reason;
    try {
      write(lease, now);
    } catch (StoreUnavailableException e) {
      down(e);
      unwritten.add(lease);
      PoolLog.storeWarn(poolId).node(node).lease(lease.id())
          .log("the store is unavailable; the release is kept in memory and written when it answers");
    }
  }

  private void write(LeaseImpl lease, Instant now) {
    store.release(poolId, lease.slot.id, lease.token, lease.keep, now, lease.reason);
  }

  /** Moves a lease's deadline in the store; false if the lease had already ended there. */
  boolean renew(LeaseImpl lease, Instant deadline) {
    if (store.renew(poolId, lease.slot.id, lease.token, deadline).isEmpty()) {
      live.remove(lease.id());
      return false;
    }
    return true;
  }

  /** Writes the releases queued while the store was away, oldest first; throws (keeping the rest) if it still is. */
  void flush(Instant now) {
    LeaseImpl l;
    while ((l = unwritten.peek()) != null) {
      write(l, now);
      unwritten.poll();
    }
  }

  /**
   * Ends here the leases the store no longer holds for this node: the leader expired them, or found their worker lost
   * and deleted it. Their holders see {@code isActive()} turn false at the next pass, not only at a renewal.
   */
  void settle(List<StoredWorker> read, Collection<LeaseImpl> grantedBeforeTheRead) {
    if (grantedBeforeTheRead.isEmpty()) {
      return;
    }
    Map<String, StoredWorker> byWorker = new java.util.HashMap<>();
    read.forEach(w -> byWorker.put(w.id(), w));
    // only leases granted before the rows were read: a grant that committed after the read is not in them
    for (LeaseImpl l : grantedBeforeTheRead) {
      StoredWorker w = byWorker.get(l.slot.id);
      if (w == null || w.state() != State.LEASED || w.grants() != l.token) {
        if (l.slot.endLease(l.token, WorkerSlot.DELETING)) {
          live.remove(l.id());
        }
      }
    }
  }

  /** The store answered a pass: grants may go to it again. */
  void up() {
    if (down != null) {
      down = null;
      PoolLog.storeInfo(poolId).node(node).log("the store answers again");
    }
  }

  /** The failure that makes grants fail fast now, or null while the store answers. */
  StoreUnavailableException unavailable() {
    return down;
  }

  void down(StoreUnavailableException e) {
    if (down == null) {
      PoolLog.storeWarn(poolId).node(node)
          .log("the store is unreachable; new grants fail until it answers: {}", e.getMessage());
    }
    down = e;
  }

  Collection<LeaseImpl> liveLeases() {
    return List.copyOf(live.values());
  }

  boolean releasesUnwritten() {
    return !unwritten.isEmpty();
  }

  void dropUnwritten() {
    PoolLog.storeWarn(poolId).node(node).log("closing with {} releases the store never took;"
        + " their leases end at their deadline or when the leader finds this node gone", unwritten.size());
    unwritten.clear();
  }

  /**
   * Ends the leases the store says this node holds but no holder here knows: an earlier run's of this node id, or a
   * grant whose answer was lost when the connection broke as it committed. A lease without a deadline ends after the
   * orphan grace period, as a gone node's would. The worker retires: its last holder may still be using it.
   */
  void retireUnknown(Instant now, List<StoredWorker> read) {
    Set<String> queued = new HashSet<>();
    unwritten.forEach(l -> queued.add(l.id()));
    for (StoredWorker w : read) {
      if (w.state() == State.LEASED && node.equals(w.holder()) && w.deadline() == null && w.grantedAt() != null
          && !live.containsKey(w.leaseId()) && !queued.contains(w.leaseId())
          && !now.isBefore(w.grantedAt().plus(rt.config.orphanGracePeriod()))) {
        PoolLog.warn(poolId).node(node).worker(w.id()).lease(w.leaseId())
            .log("the store holds a lease of this node that it does not know; retiring the worker");
        store.release(poolId, w.id(), w.grants(), false, now, "lease unknown to its node");
      }
    }
  }
}
