package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerCounts;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger of a pool that keeps its workers in this JVM: a table of {@link WorkerSlot}s (state and grant count in
 * one CAS word each), idle workers on per-placement shelves, and a thread-local hint. It always leads.
 *
 * <p>Design: a grant is one CAS on a slot's word, found through the thread's hint or a shelf queue; it allocates
 * nothing and takes no lock. Fencing tokens start at {@link #tokenFloor()}, the run's generation (its start time in
 * milliseconds) shifted left by {@value #TOKEN_BITS} bits: a worker adopted by a later run (a warm restart after a
 * close or a crash) continues above every token the earlier run can have handed out, as long as that run granted a
 * worker fewer than 2^{@value #TOKEN_BITS} times per millisecond it ran (one grant every 15 ns, faster than a grant
 * and release cycle) and the clock did not go back between the runs (an adopted worker whose tag names a later
 * generation starts above that one). Thread-safe.
 */
final class LocalLedger implements Ledger {
  /** Bits of a token left for the grants of one run. */
  static final int TOKEN_BITS = 16;

  /** The worker each thread released last: its next claim tries it first (one map entry per thread and pool). */
  private final ThreadLocal<WorkerSlot> hint = new ThreadLocal<>();
  private final ConcurrentHashMap<String, WorkerSlot> workers = new ConcurrentHashMap<>();
  private final AtomicLong workerSeq = new AtomicLong();
  private final long generation;
  private final String idPrefix;

  LocalLedger(long generation) {
    this.generation = generation;
    this.idPrefix = "w" + Long.toString(generation, 36) + "-";
  }

  @Override
  public boolean leads() {
    return true;
  }

  @Override
  public boolean mayAct() {
    return true;
  }

  @Override
  public boolean confirmLeadership() {
    return true;
  }

  @Override
  public WorkerSlot claim(TemplateRuntime t, LeaseRequest request, String tenantKey) {
    return t.claim(request, tenantKey, hint);
  }

  @Override
  public void remember(WorkerSlot slot) {
    if (hint.get() != slot) {
      hint.set(slot);
    }
  }

  @Override
  public boolean owns(WorkerSlot slot) {
    return true;
  }

  @Override
  public String newWorkerId() {
    return idPrefix + Long.toString(workerSeq.incrementAndGet(), 36);
  }

  @Override
  public long tokenFloor() {
    return generation << TOKEN_BITS;
  }

  @Override
  public long adoptionFloor(String taggedGeneration) {
    long floor = tokenFloor();
    try {
      long previous = Long.parseLong(taggedGeneration);
      if (previous >= generation) {
        floor = (previous + 1) << TOKEN_BITS; // the clock went back between the runs
      }
    } catch (NumberFormatException e) {
      // no or a foreign generation tag: this run's floor
    }
    return floor;
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public long term() {
    return 1;
  }

  @Override
  public boolean add(WorkerSlot slot) {
    workers.put(slot.id, slot);
    return true;
  }

  @Override
  public boolean toIdle(WorkerSlot slot) {
    if (!slot.transition(slot.word(), WorkerSlot.IDLE)) {
      return false;
    }
    slot.shelf.offer(slot, null);
    return true;
  }

  @Override
  public boolean toDeleting(WorkerSlot slot, long expected, String reason) {
    int state = WorkerSlot.state(expected);
    boolean done = state == WorkerSlot.LEASED ? slot.endLease(WorkerSlot.grants(expected), WorkerSlot.DELETING)
        : slot.transition(expected, WorkerSlot.DELETING);
    if (done) {
      // the runner owns the worker now: no lease, no claim and no other pass can change it
      slot.deleteReason = reason;
      slot.lease = null;
      if (state == WorkerSlot.IDLE) {
        slot.shelf.remove(slot);
      }
    }
    return done;
  }

  @Override
  public boolean claimDelete(WorkerSlot slot) {
    return true;
  }

  @Override
  public void forget(WorkerSlot slot) {
    slot.transition(slot.word(), WorkerSlot.GONE);
    workers.remove(slot.id, slot);
  }

  @Override
  public void keep(WorkerSlot slot) {
    slot.shelf.remove(slot);
    workers.remove(slot.id, slot);
  }

  @Override
  public boolean knows(String workerId) {
    return workers.containsKey(workerId);
  }

  @Override
  public Collection<WorkerSlot> workers() {
    return workers.values();
  }

  @Override
  public boolean isEmpty() {
    return workers.isEmpty();
  }

  @Override
  public void keepHealth(PlacementHealth health) {
    health.takeChanged(); // the pool's own memory is where it lives
  }

  @Override
  public Map<String, Map<String, WorkerCounts>> counts() {
    Map<String, Map<String, int[]>> c = new HashMap<>();
    for (WorkerSlot slot : workers.values()) {
      int state = slot.state();
      if (state == WorkerSlot.GONE) {
        continue;
      }
      int[] n = c.computeIfAbsent(slot.template.name(), k -> new HashMap<>())
          .computeIfAbsent(slot.placement().key(), k -> new int[5]);
      switch (state) {
        case WorkerSlot.PROVISIONING -> n[0]++;
        case WorkerSlot.IDLE -> n[1]++;
        case WorkerSlot.LEASED -> n[slot.retireOnRelease ? 3 : 2]++;
        default -> n[4]++;
      }
    }
    Map<String, Map<String, WorkerCounts>> out = new HashMap<>();
    c.forEach((t, m) -> {
      Map<String, WorkerCounts> byPlacement = new HashMap<>();
      m.forEach((p, n) -> byPlacement.put(p, new WorkerCounts(n[0], n[1], n[2], n[3], n[4])));
      out.put(t, byPlacement);
    });
    return out;
  }
}
