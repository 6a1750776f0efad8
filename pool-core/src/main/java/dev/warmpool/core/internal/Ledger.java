package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerCounts;
import java.util.Collection;
import java.util.Map;

/**
 * Where the truth about the pool's workers and leases lives: the one boundary between the control logic, written
 * once, and the place that keeps its records.
 *
 * <p>The control logic (expire, recycle, dispatch, replenish, placement health, failover, degraded mode, forecasts,
 * reconciliation) reads the worker table through {@link #workers()} and changes a worker only through the transitions
 * here, which the ledger arbitrates: {@link LocalLedger} with one compare-and-swap on the slot's word, in this JVM,
 * always leading; {@link StoreLedger} with a write to a shared store guarded by the row's generation and the leader's
 * epoch, leading only while it holds the leadership. A transition that returns false did not happen: the control
 * logic looks again at the next pass.
 *
 * <p>Implementations are thread-safe: the lease path calls {@link #claim} and {@link #remember} from any thread; the
 * control path calls the rest from the engine's serial runner.
 */
interface Ledger {

  /** Whether this node runs the control loop now. */
  boolean leads();

  /** Whether this node may act as leader right now (call providers, retry): it leads and knows it is not late. */
  boolean mayAct();

  /**
   * Renews the leadership now and says whether this node still leads: before provider writes that have no record of
   * their own to fence them (deleting orphans a listing found).
   */
  boolean confirmLeadership();

  /**
   * Claims an idle worker for a request, or returns null.
   *
   * @param t the request's template
   * @param request the request
   * @param tenantKey the tenant key the worker serves
   * @return the slot, LEASED for the caller (its grant count is the lease's token), or null
   * @throws dev.warmpool.spi.StoreUnavailableException if a store ledger cannot reach its store
   */
  WorkerSlot claim(TemplateRuntime t, LeaseRequest request, String tenantKey);

  /** Notes the worker a thread released last, for its next claim. */
  void remember(WorkerSlot slot);

  /** Whether a slot is still this ledger's (an answer to a call made before a change of leader is not). */
  boolean owns(WorkerSlot slot);

  /** A new worker id, unique across this pool's runs and leaders. */
  String newWorkerId();

  /**
   * The fencing-token floor of the workers this run provisions: above every token an earlier run of the pool can
   * have handed out for them.
   */
  long tokenFloor();

  /** The token floor of an adopted resource, whose generation tag says which run created it. */
  long adoptionFloor(String taggedGeneration);

  /** The pool's generation: what this run (or this leader) writes in its resources' generation tag. */
  long generation();

  /** Changes whenever the leadership changes hands; answers from an earlier term are ignored. */
  long term();

  /** Records a new worker (the intent before a provision, or an adopted resource); false if it was refused. */
  boolean add(WorkerSlot slot);

  /**
   * This leader joins the creation of a PROVISIONING worker that another run started: from now on it counts as one
   * of this leader's own provisions in flight (nothing to do on one node).
   */
  default void joined(WorkerSlot slot) {
  }

  /** A provisioned or adopted worker is ready and idle; false if the ledger refused. */
  boolean toIdle(WorkerSlot slot);

  /**
   * Moves a worker from the exact state word read to DELETING with a reason (a recycle, an expiry, a loss, a failed
   * provision, close); a LEASED worker's lease ends. False if the word changed meanwhile or the ledger refused.
   */
  boolean toDeleting(WorkerSlot slot, long expected, String reason);

  /** Records that this node is about to call the provider to delete a DELETING worker; false if refused. */
  boolean claimDelete(WorkerSlot slot);

  /** Forgets a worker whose resource is gone. */
  void forget(WorkerSlot slot);

  /** Leaves an idle worker for the next start (a warm pool kept over close); this node forgets it. */
  void keep(WorkerSlot slot);

  /** Whether a worker id is known. */
  boolean knows(String workerId);

  /** Every known worker, in no particular order; weakly consistent. */
  Collection<WorkerSlot> workers();

  /** Whether no worker is known. */
  boolean isEmpty();

  /** Keeps a placement's health where the next leader finds it, if it changed. */
  void keepHealth(PlacementHealth health);

  /**
   * Worker counts per template name and placement key, for snapshots: what this JVM holds, or what the store holds
   * for every node. Any thread.
   */
  Map<String, Map<String, WorkerCounts>> counts();
}
