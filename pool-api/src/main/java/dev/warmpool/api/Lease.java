package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One worker granted to one holder until it is released, discarded or expires.
 *
 * <p>A lease is {@link AutoCloseable}: {@link #close()} releases the worker, which the pool may give to a later lease
 * of the same tenant when its template allows reuse. {@link #discard()} says the worker is broken or must not be
 * reused: the pool destroys it. A lease that passes {@link #expiresAt()} is reclaimed by the pool and its worker is
 * destroyed, never handed out again, since the old holder may still be using it.
 *
 * <p>Each lease carries a {@link #fencingToken()} that grows with every grant of the same worker, so a system that
 * the worker talks to can refuse a stale holder.
 *
 * <p>Thread-safe: any thread may renew, release or discard a lease; the first of release, discard and expiry wins and
 * the others do nothing.
 *
 * @since 0.1
 */
public interface Lease extends AutoCloseable {

  /** {@return the lease's id, unique within the pool} */
  String id();

  /** {@return the worker this lease holds} */
  Worker worker();

  /** {@return the tenant the lease was granted to} */
  String tenant();

  /** {@return when the lease was granted, on the pool's clock} */
  Instant grantedAt();

  /** {@return when the lease expires unless renewed; empty if it lasts until released} */
  Optional<Instant> expiresAt();

  /**
   * A number that grows with every grant of this worker; a later holder always has a larger token.
   *
   * @return the fencing token
   */
  long fencingToken();

  /**
   * Whether the lease still holds its worker: not released, discarded, expired or lost.
   *
   * @return true while the lease is live
   */
  boolean isActive();

  /**
   * Extends the lease to {@code duration} from now on the pool's clock.
   *
   * @param duration the new remaining time; positive, at most 365 days ({@link LeaseRequest#LEASE_DURATION_RANGE})
   * @return the new expiry
   * @throws NullPointerException if duration is null
   * @throws IllegalArgumentException if duration is out of range, naming the value and the range
   * @throws IllegalStateException if the lease is no longer active
   */
  Instant renew(Duration duration);

  /**
   * Releases the worker. The pool keeps it for a later lease of the same tenant if the template allows reuse and the
   * worker is within its max uses and max age; otherwise it is destroyed. Does nothing if the lease already ended.
   */
  @Override
  void close();

  /** Ends the lease and destroys the worker. Does nothing if the lease already ended. */
  void discard();
}
