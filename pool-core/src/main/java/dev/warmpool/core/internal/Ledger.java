package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import java.util.Collection;

/**
 * Where the truth about the pool's workers and leases lives: the boundary between the control logic, written once,
 * and the place it keeps its records.
 *
 * <p>The control logic (expire, recycle, dispatch, replenish, placement health, failover, degraded mode, forecasts,
 * reconciliation) reads the worker table through {@link #workers()} and changes a worker only through a
 * {@link WorkerSlot}'s compare-and-swap transitions, which the ledger arbitrates. {@link LocalLedger} keeps the table
 * in this JVM and always leads. A ledger over a shared store (grants and releases through the store, an epoch,
 * leadership, releases queued while the store is away) is the next implementation of this boundary; see the
 * CHANGELOG for what it must still carry over from the shared engine.
 *
 * <p>Implementations are thread-safe: the lease path calls {@link #claim} and {@link #remember} from any thread,
 * the control path calls the rest from the engine's serial runner.
 */
interface Ledger {

  /** Whether this node runs the control loop now. */
  boolean leads();

  /**
   * Claims an idle worker for a request with one compare-and-swap, or returns null.
   *
   * @param t the request's template
   * @param request the request
   * @param tenantKey the tenant key the worker serves
   * @return the slot, LEASED for the caller, or null
   */
  WorkerSlot claim(TemplateRuntime t, LeaseRequest request, String tenantKey);

  /** Notes the worker a thread released last, for its next claim. */
  void remember(WorkerSlot slot);

  /** A new worker id, unique across this pool's runs. */
  String newWorkerId();

  /**
   * The fencing-token floor of the workers this run creates or adopts: above every token an earlier run of the pool
   * can have handed out for them.
   */
  long tokenFloor();

  /** The pool's generation: what this run writes in its resources' generation tag. */
  long generation();

  /** Records a worker (an intent to provision, or an adopted resource). */
  void add(WorkerSlot slot);

  /** Forgets a worker whose resource is gone. */
  void forget(WorkerSlot slot);

  /** Whether a worker id is known. */
  boolean knows(String workerId);

  /** Every known worker, in no particular order; weakly consistent. */
  Collection<WorkerSlot> workers();

  /** Whether no worker is known. */
  boolean isEmpty();
}
