package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger of a pool that keeps its workers in this JVM: a table of {@link WorkerSlot}s (state and grant count in
 * one CAS word each), idle workers on per-placement shelves, and a thread-local hint. It always leads.
 *
 * <p>Design: a grant is one CAS on a slot's word, found through the thread's hint or a shelf queue; it allocates
 * nothing and takes no lock. Fencing tokens start at {@link #tokenFloor()}, derived from the run's generation (its
 * start time in milliseconds) shifted left by {@value #TOKEN_BITS} bits: a worker adopted by a later run (a warm
 * restart) continues above every token the earlier run can have handed out, as long as that run granted a worker fewer
 * than 2^{@value #TOKEN_BITS} times per millisecond it ran (one grant every 15 ns, more than a CAS-and-release cycle
 * allows) and the clock did not go back between the runs. Thread-safe.
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
  public String newWorkerId() {
    return idPrefix + Long.toString(workerSeq.incrementAndGet(), 36);
  }

  @Override
  public long tokenFloor() {
    return generation << TOKEN_BITS;
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public void add(WorkerSlot slot) {
    workers.put(slot.id, slot);
  }

  @Override
  public void forget(WorkerSlot slot) {
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
}
