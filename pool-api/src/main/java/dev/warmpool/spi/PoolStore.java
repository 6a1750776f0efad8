package dev.warmpool.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the nodes of a shared pool keep its state, so that several orchestrator nodes serve one warm pool: workers
 * (with their leases and pending provisions), the leadership, the nodes and their demand, and each placement's
 * health.
 *
 * <p>A pool built without a store keeps its state in its own memory (one JVM; the fast path). With a store, every
 * node builds a pool with the same id and configuration over the same store: any node grants and releases leases;
 * one node at a time, the leader, provisions, recycles, deletes and reconciles. The store is the arbiter: a grant
 * takes a worker in one atomic step, so no worker is ever granted twice across nodes; every leader write names the
 * leader's {@linkplain Leadership#epoch() epoch} and the store refuses it with {@link StaleLeaderException} once
 * another node took over.
 *
 * <p>Times are written as the nodes' pool clocks read them; nodes that share a store must have clocks that agree to
 * well within the leadership time (NTP does this). A store may keep times to the microsecond only (a database does):
 * an {@code Instant} read back may have lost its nanoseconds, so callers compare times, never expect them equal to
 * the nanosecond.
 *
 * <p>Every method is short and blocking, safe to call from any thread, and throws {@link StoreUnavailableException}
 * when the store cannot be reached. What failed did not happen, with one exception a database cannot rule out: a
 * connection that broke while a write committed leaves its outcome unknown. The pool copes with both outcomes (a
 * grant whose answer was lost leaves a lease its node does not know, which the node retires). All arguments are
 * non-null except {@code reason} and {@link GrantQuery#deadline()}. One store may hold many pools: every method names its
 * pool.
 *
 * @since 0.1
 */
public interface PoolStore extends AutoCloseable {

  /**
   * Makes the store ready for a pool: creates or migrates what it needs. Idempotent; nodes may call it at once.
   *
   * @param poolId the pool
   * @throws StoreUnavailableException if the store cannot be reached
   */
  void open(String poolId);

  /**
   * Every worker of the pool, in no particular order.
   *
   * @param poolId the pool
   * @return the workers' rows
   */
  List<StoredWorker> workers(String poolId);

  /**
   * Grants a lease in one atomic step: takes an IDLE worker the query allows (see {@link GrantQuery} for the order of
   * preference) and makes it LEASED by the query's node, with one more grant, the query's lease id, grant time and
   * deadline, and the tenant key bound. A worker another call is granting at the same time is skipped, not waited
   * for.
   *
   * @param poolId the pool
   * @param query what to grant
   * @return the granted worker's new row, or empty if no worker is eligible
   */
  Optional<StoredWorker> grant(String poolId, GrantQuery query);

  /**
   * Ends a lease if it is still the worker's current one (LEASED with {@code token} grants). If {@code keep}, the
   * worker becomes IDLE (idle since {@code now}, still bound to its tenant); otherwise RETIRED, for the leader to
   * delete.
   *
   * @param poolId the pool
   * @param workerId the worker
   * @param token the lease's fencing token (the worker's grant count when it was granted)
   * @param keep whether the worker may serve again
   * @param now the pool clock's time
   * @param reason why it retires, if it does
   * @return the worker's new row, or empty if the lease had already ended
   */
  Optional<StoredWorker> release(String poolId, String workerId, long token, boolean keep, Instant now,
      String reason);

  /**
   * Moves a lease's deadline if it is still the worker's current lease.
   *
   * @param poolId the pool
   * @param workerId the worker
   * @param token the lease's fencing token
   * @param deadline the new deadline
   * @return the worker's new row, or empty if the lease had already ended
   */
  Optional<StoredWorker> renew(String poolId, String workerId, long token, Instant deadline);

  /**
   * A leader records a new worker (the intent before a provision, or an adopted resource).
   *
   * @param poolId the pool
   * @param epoch the leader's epoch
   * @param worker the row; its generation is written as given
   * @return false if a worker with that id exists
   * @throws StaleLeaderException if {@code epoch} is not the current one
   */
  boolean insert(String poolId, long epoch, StoredWorker worker);

  /**
   * A leader changes a worker if nobody changed it since it was read: writes {@code worker} with its generation plus
   * one if the stored generation is still {@code worker.generation()}.
   *
   * @param poolId the pool
   * @param epoch the leader's epoch
   * @param worker the new row, carrying the generation that was read
   * @return false if the row changed meanwhile or is gone
   * @throws StaleLeaderException if {@code epoch} is not the current one
   */
  boolean replace(String poolId, long epoch, StoredWorker worker);

  /**
   * A leader forgets a worker (its resource is deleted) if nobody changed it since it was read.
   *
   * @param poolId the pool
   * @param epoch the leader's epoch
   * @param workerId the worker
   * @param generation the generation that was read
   * @return false if the row changed meanwhile or is gone
   * @throws StaleLeaderException if {@code epoch} is not the current one
   */
  boolean delete(String poolId, long epoch, String workerId, long generation);

  /**
   * Takes or renews the leadership: a node that leads renews it until {@code now + duration}; a node takes it, with
   * the next epoch, when nobody leads or the leadership expired by {@code now}. Otherwise nothing changes.
   *
   * @param poolId the pool
   * @param node the asking node
   * @param now the node's pool clock
   * @param duration how long the leadership lasts unless renewed
   * @return the leadership after the call: the asking node's if it leads
   */
  Leadership lead(String poolId, String node, Instant now, Duration duration);

  /**
   * The current leadership, as stored (it may have expired).
   *
   * @param poolId the pool
   * @return the leadership, or empty if no node ever led the pool
   */
  Optional<Leadership> leadership(String poolId);

  /**
   * Gives the leadership up at once if {@code node} holds it with {@code epoch}, so another node takes over without
   * waiting for it to expire. The epoch is kept: the next leader's is larger.
   *
   * @param poolId the pool
   * @param node the leading node
   * @param epoch its epoch
   * @param now the node's pool clock
   */
  void resign(String poolId, String node, long epoch, Instant now);

  /**
   * Records that a node is alive, which lease requests wait on it, and whether it is closing (a closing node still
   * holds leases for its grace period, but the pool must not count on it to stay: the last node that is not closing
   * drains the pool when it closes). Replaces what the node's last heartbeat said.
   *
   * @param poolId the pool
   * @param node the node
   * @param now the node's pool clock
   * @param waiting waiting requests per template, tenant and priority
   * @param closing whether the node is closing
   */
  void heartbeat(String poolId, String node, Instant now, List<StoredNode.Waiting> waiting, boolean closing);

  /**
   * Forgets a node that closed.
   *
   * @param poolId the pool
   * @param node the node
   */
  void leave(String poolId, String node);

  /**
   * The nodes that sent a heartbeat and did not leave.
   *
   * @param poolId the pool
   * @return the nodes
   */
  List<StoredNode> nodes(String poolId);

  /**
   * A leader writes (or replaces) the health of one placement, so that the next leader continues where it stopped
   * (an open placement stays open until its cooldown ends, a window of failures keeps counting, a half-open placement
   * keeps its successful probes). One per placement key.
   *
   * @param poolId the pool
   * @param epoch the leader's epoch
   * @param health the placement's health
   * @throws StaleLeaderException if {@code epoch} is not the current one
   */
  void putPlacementHealth(String poolId, long epoch, StoredPlacementHealth health);

  /**
   * The health of every placement a leader wrote, in no particular order.
   *
   * @param poolId the pool
   * @return the placements' health
   */
  List<StoredPlacementHealth> placementHealth(String poolId);

  /** Releases the store's resources (not the data). Pools do not close a store they were given. */
  @Override
  void close();
}
