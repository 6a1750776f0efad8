package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import dev.warmpool.api.Worker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Map;

/**
 * One worker the pool knows of, from the intent to create it until it is gone.
 *
 * <p>Design: the worker's state and its grant count live in one {@code long} word ({@code grants << 4 | state}, with
 * bit 3 marking a lease claimed through a thread's hint while the worker's queue entry stays where it is).
 * Every transition is a compare-and-swap from an exact word, so a grant, a release, an expiry and a recycle can race
 * and exactly one wins; a stale lease (whose grant count no longer matches) can change nothing. The grant count is
 * the lease's fencing token; it starts at the ledger's token floor, so tokens keep growing across a warm restart. Other fields are written by the thread that owns the current state (the grantor, the
 * releaser or the engine) before the state is published, and read after it.
 */
final class WorkerSlot {
  static final int PROVISIONING = 0;
  static final int IDLE = 1;
  static final int LEASED = 2;
  static final int DELETING = 3;
  static final int GONE = 4;
  /** Leased through a thread-local hint: the worker's entry is still in its queue, so release must not add one. */
  private static final long HINTED = 8;

  private static final VarHandle WORD;

  static {
    try {
      WORD = MethodHandles.lookup().findVarHandle(WorkerSlot.class, "word", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final String id;
  final TemplateRuntime template;
  final PlacementShelf shelf;
  final Instant intendedAt;
  /** The grant count the slot started from: its first lease's token is one more (see {@link Ledger#tokenFloor()}). */
  final long tokenFloor;

  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;

  /** Set once the provider reports the worker ready. */
  volatile Worker worker;
  volatile Instant readyAt;
  volatile Instant idleSince;
  /**
   * The tenant the worker first served; null while fresh. Written by the grant that claimed it (before the lease is
   * handed over), stable once set: a plain field, published by the state word.
   */
  String tenant;
  /** Leases served; written only by the holder of the current lease. */
  int uses;
  /** Destroy instead of keeping when the current lease ends (draining). */
  volatile boolean retireOnRelease;
  /** The current lease; the engine checks its token against the word, so a stale read is harmless. */
  LeaseImpl lease;
  /** Engine-only: a deprovision call is in flight. */
  boolean deleteInFlight;
  /** Engine-only: when the next delete attempt may run, after a failure. */
  Instant nextDeleteAt;
  int deleteFailures;
  /** When the provision's current attempt started: where its outcome counts in the placement's window. */
  volatile Instant attemptStartedAt;
  /** Engine-only: provisioned as a probe of a half-open placement, and whether its outcome was counted. */
  boolean probe;
  boolean probeCounted;
  /** Engine-only: the delete in flight is its open placement's paced delete (see Deleter). */
  boolean deleteProbe;
  /** Engine-only: when its create failed in a way that may have made a resource; a later listing resolves it. */
  Instant unresolvedSince;
  /** Engine-only: a provision answered after a delete by name started; delete once more by id. */
  boolean deleteAgain;
  /** Engine-only: why the worker is being deleted, for the event; set before the state turns DELETING. */
  String deleteReason;
  /**
   * Store ledger only: the lease as the store holds it (its id, holder node, grant time and deadline), mirrored by
   * the runner from the row; on a lease slot, the id the store granted it under.
   */
  String leaseId;
  String heldBy;
  Instant heldSince;
  Instant heldUntil;
  /**
   * The version of the template the worker was made from (null if unknown: adopted without a version tag); a worker
   * whose version is not its template's is replaced by a {@link Rollout}. Written before the worker is published.
   */
  volatile String version;
  /** Store ledger only: a provision this leader did not start, whose outcome is unknown: deleted by name. */
  boolean foreign;

  WorkerSlot(String id, TemplateRuntime template, PlacementShelf shelf, Instant intendedAt, long tokenFloor) {
    this.id = id;
    this.template = template;
    this.shelf = shelf;
    this.intendedAt = intendedAt;
    this.tokenFloor = tokenFloor;
    WORD.setRelease(this, pack(tokenFloor, PROVISIONING));
  }

  static int state(long word) {
    return (int) (word & 7);
  }

  static long grants(long word) {
    return word >>> 4;
  }

  static long pack(long grants, int state) {
    return grants << 4 | state;
  }

  long word() {
    return (long) WORD.getVolatile(this);
  }

  int state() {
    return state(word());
  }

  Placement placement() {
    return shelf.placement;
  }

  /** Sets the word as a store row says it is: for mirrors that only the runner touches, and fresh lease slots. */
  void mirror(long grants, int state) {
    WORD.setVolatile(this, pack(grants, state));
  }

  /** Moves an exact word to another state, keeping the grant count. */
  boolean transition(long expected, int to) {
    return WORD.compareAndSet(this, expected, pack(grants(expected), to));
  }

  /**
   * Claims an idle worker for a lease.
   *
   * @return the new grant count (the fencing token), or 0 if the worker was not idle
   */
  long tryGrant() {
    while (true) {
      long w = word();
      int state = state(w);
      if (state == IDLE) {
        long token = grants(w) + 1;
        if (WORD.compareAndSet(this, w, pack(token, LEASED))) {
          return token;
        }
      } else if (state == LEASED && (w & HINTED) != 0) {
        // we took the queue entry of a worker leased through a hint: clear the mark so its release queues it again
        if (WORD.compareAndSet(this, w, w & ~HINTED)) {
          return 0;
        }
      } else {
        return 0;
      }
    }
  }

  /**
   * Claims an idle worker through a thread's hint, leaving its queue entry in place.
   *
   * @return the new grant count, or 0 if the worker was not idle
   */
  long tryGrantHinted() {
    long w = word();
    if (state(w) != IDLE) {
      return 0;
    }
    long token = grants(w) + 1;
    return WORD.compareAndSet(this, w, pack(token, LEASED) | HINTED) ? token : 0;
  }

  /** Ends the lease with this token, moving the worker to {@code to}; false if the lease already ended. */
  boolean endLease(long token, int to) {
    return endLeaseKeepingEntry(token, to) != 0;
  }

  /**
   * Ends the lease with this token.
   *
   * @return 0 if the lease had already ended; 1 if it ended and the worker has no queue entry; 2 if it ended and
   *     the worker's queue entry is still in place (it was leased through a hint)
   */
  int endLeaseKeepingEntry(long token, int to) {
    while (true) {
      long w = word();
      if (grants(w) != token || state(w) != LEASED) {
        return 0;
      }
      if (WORD.compareAndSet(this, w, pack(token, to))) {
        return (w & HINTED) != 0 ? 2 : 1;
      }
      // a queue poll cleared the hint mark meanwhile: look again
    }
  }

  boolean isLeasedWith(long token) {
    long w = word();
    return grants(w) == token && state(w) == LEASED;
  }

  void ready(String resourceId, Map<String, String> attributes, Instant at) {
    this.worker = new Worker(id, template.name(), shelf.placement, resourceId, attributes);
    this.readyAt = at;
    this.idleSince = at;
  }

  @Override
  public String toString() {
    long w = word();
    return "Worker[" + id + ", " + template.name() + ", " + shelf.placement.key() + ", state=" + state(w)
        + ", grants=" + grants(w) + ", tenant=" + tenant + "]";
  }
}
