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
 * <p>Design: the worker's state and its grant count live in one {@code long} word ({@code grants << 3 | state}).
 * Every transition is a compare-and-swap from an exact word, so a grant, a release, an expiry and a recycle can race
 * and exactly one wins; a stale lease (whose grant count no longer matches) can change nothing. The grant count is
 * the lease's fencing token. Other fields are written by the thread that owns the current state (the grantor, the
 * releaser or the engine) before the state is published, and read after it.
 */
final class WorkerSlot {
  static final int PROVISIONING = 0;
  static final int IDLE = 1;
  static final int LEASED = 2;
  static final int DELETING = 3;
  static final int GONE = 4;

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

  @SuppressWarnings("unused") // accessed through WORD
  private volatile long word;

  /** Set once the provider reports the worker ready. */
  volatile Worker worker;
  volatile Instant readyAt;
  volatile Instant idleSince;
  /** The tenant the worker first served; null while fresh. */
  volatile String tenant;
  volatile int uses;
  /** Destroy instead of keeping when the current lease ends (draining). */
  volatile boolean retireOnRelease;
  volatile LeaseImpl lease;
  /** Engine-only: a deprovision call is in flight. */
  boolean deleteInFlight;
  /** Engine-only: when the next delete attempt may run, after a failure. */
  Instant nextDeleteAt;
  int deleteFailures;
  /** Engine-only: provisioned as a probe of a half-open placement, and whether its outcome was counted. */
  boolean probe;
  boolean probeCounted;
  /** Engine-only: a provision answered after a delete by name started; delete once more by id. */
  boolean deleteAgain;
  /** Engine-only: why the worker is being deleted, for the event. */
  String deleteReason;

  WorkerSlot(String id, TemplateRuntime template, PlacementShelf shelf, Instant intendedAt) {
    this.id = id;
    this.template = template;
    this.shelf = shelf;
    this.intendedAt = intendedAt;
    WORD.setRelease(this, (long) PROVISIONING);
  }

  static int state(long word) {
    return (int) (word & 7);
  }

  static long grants(long word) {
    return word >>> 3;
  }

  static long pack(long grants, int state) {
    return grants << 3 | state;
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
    long w = word();
    if (state(w) != IDLE) {
      return 0;
    }
    long token = grants(w) + 1;
    return WORD.compareAndSet(this, w, pack(token, LEASED)) ? token : 0;
  }

  /** Moves an idle or provisioning worker to deleting; false if it was in another state. */
  boolean retireIfIdle() {
    long w = word();
    return state(w) == IDLE && transition(w, DELETING);
  }

  /** Ends the lease with this token, moving the worker to {@code to}; false if the lease already ended. */
  boolean endLease(long token, int to) {
    return WORD.compareAndSet(this, pack(token, LEASED), pack(token, to));
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
