package dev.warmpool.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A warm pool of cloud workers that leases them to jobs.
 *
 * <p>The pool keeps a stock of idle workers per template, grants leases from it without calling the cloud, and
 * refills it in the background through its providers. It fails over between placements when one turns unhealthy and
 * protects its stock when none can provision. Build one with {@code dev.warmpool.core.WorkerPools.builder()}.
 *
 * <p>Guarantees: a worker is held by at most one live lease; a worker that served one tenant never serves another
 * unless its template allows sharing; a request gets a worker or fails with a {@link LeaseFailedException} that says
 * why, never later than its maximum wait.
 *
 * <p>Thread-safe: every method may be called from any thread.
 *
 * @since 0.1
 */
public interface WorkerPool extends AutoCloseable {

  /** {@return the pool's id; resources it creates are tagged with it} */
  String id();

  /**
   * Asks for a worker. Completes at once when an idle worker fits the request; otherwise the request waits, highest
   * priority first and then in arrival order, until a worker is provisioned or returned.
   *
   * <p>The future fails with {@link LeaseTimeoutException} when the request's maximum wait passes, with
   * {@link NoEligiblePlacementException} when no allowed placement can ever serve it, and with
   * {@link PoolClosedException} when the pool closes. Cancelling the future withdraws the request; a worker granted
   * at the same moment goes back to the pool.
   *
   * @param request what is asked for
   * @return the lease, when granted
   * @throws NullPointerException if request is null
   * @throws InvalidConfigurationException if the request names a template the pool does not have, or its labels
   *     select no template or several
   */
  CompletableFuture<Lease> lease(LeaseRequest request);

  /**
   * Asks for a worker and blocks the calling thread until it is granted or {@code timeout} passes on the pool's
   * clock. The shorter of {@code timeout} and the request's maximum wait applies.
   *
   * @param request what is asked for
   * @param timeout the longest wait; zero or positive, at most 1 day ({@link LeaseRequest#MAX_WAIT_RANGE})
   * @return the lease
   * @throws LeaseTimeoutException if no worker was granted in time
   * @throws NoEligiblePlacementException if no allowed placement can ever serve the request
   * @throws PoolClosedException if the pool closed while waiting or before
   * @throws WarmpoolException if the calling thread was interrupted (the interrupt flag is kept)
   * @throws NullPointerException if request or timeout is null
   * @throws IllegalArgumentException if timeout is out of range, naming the value and the range
   */
  Lease acquire(LeaseRequest request, Duration timeout);

  /**
   * Takes an idle worker that fits the request if there is one, without waiting and without calling the cloud.
   *
   * @param request what is asked for; its maximum wait is ignored
   * @return the lease, or empty if no idle worker fits
   * @throws PoolClosedException if the pool is closed
   */
  Optional<Lease> tryLease(LeaseRequest request);

  /**
   * Compares the pool's known workers with its providers' inventories now, instead of at the next reconciliation
   * interval: adopts tagged resources the pool meant to keep, deletes the ones nobody owns (once they are older than
   * the grace period), and marks workers that vanished as lost (a lease that held one ends).
   *
   * @return completes when the pass is done; fails if a provider's inventory could not be listed
   * @throws PoolClosedException if the pool is closed
   */
  CompletableFuture<Void> reconcile();

  /**
   * The configuration a running pool may change: its templates, placements, drained placements and roll bounds, as
   * they stand now.
   *
   * @return the current configuration
   * @since 0.1
   */
  PoolConfiguration configuration();

  /**
   * Applies a new configuration to the running pool: adds, changes or removes templates; changes warm targets, max
   * total, max age and the other limits (at once); adds placements, changes their preference or drains them. A
   * template whose provider properties, size or labels changed gets a new version and rolls: idle workers of the old
   * version are replaced at a pace that keeps the idle stock at what the warm target and the waiting requests need
   * (see {@link PoolConfiguration}); leased ones finish their lease and are not granted again. The roll pauses while
   * no placement can provision the template. A placement removed from the configuration is drained. On a pool that
   * shares a store, the change is written to the store, every node applies it and the leader rolls.
   *
   * <p>The configuration is checked as {@code build()} checks it, with the same messages; an invalid one is refused
   * whole and nothing changes.
   *
   * @param configuration the new configuration, typically {@code configuration().toBuilder()...build()}
   * @return completes when this node applied the change
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   * @throws WarmpoolException if the pool is closing or closed, or a shared pool's store cannot take the change now
   *     (nothing changed)
   * @since 0.1
   */
  CompletableFuture<Void> reconfigure(PoolConfiguration configuration);

  /** {@return a consistent picture of the pool now} */
  PoolSnapshot snapshot();

  /**
   * Adds a listener; it receives events that happen from now on. See {@link PoolListener} for its contract.
   *
   * @param listener the listener
   */
  void addListener(PoolListener listener);

  /**
   * Removes a listener. Events already queued for it may still arrive.
   *
   * @param listener the listener
   */
  void removeListener(PoolListener listener);

  /**
   * Starts closing the pool: stops granting, fails waiting requests with {@link PoolClosedException}, gives live
   * leases the configured grace period to end, then destroys every worker (or keeps the idle ones for the next start,
   * when so configured) and closes the providers. Calling it again returns the same future.
   *
   * <p>Work happens on the pool's clock: with a virtual clock, move the clock to let it finish.
   *
   * @return completes when every worker the pool created is destroyed or kept, and the providers are closed
   */
  CompletableFuture<Void> closeAsync();

  /**
   * Closes the pool as {@link #closeAsync()} does. On the pool's default (system) clock it blocks until closing is
   * done; on a clock of your own it starts closing and returns, since only you can move that clock. Calling it again
   * does nothing.
   */
  @Override
  void close();
}
