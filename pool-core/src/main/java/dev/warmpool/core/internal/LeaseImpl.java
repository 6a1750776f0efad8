package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A grant of one slot, identified by the slot's grant count at the time (the fencing token). */
final class LeaseImpl implements Lease {
  final PoolEngine engine;
  final WorkerSlot slot;
  final long token;
  final String tenant;
  final Instant grantedAt;
  volatile Instant expiresAt;
  /** Store ledger only: the id the store granted the lease under; null on the local ledger (derived, no allocation). */
  private final String storeId;
  /** Store ledger only: written by the releasing thread before the release is written or queued. */
  volatile boolean keep;
  volatile String reason;

  LeaseImpl(PoolEngine engine, WorkerSlot slot, long token, String tenant, Instant grantedAt, Instant expiresAt) {
    this.engine = engine;
    this.slot = slot;
    this.token = token;
    this.tenant = tenant;
    this.grantedAt = grantedAt;
    this.expiresAt = expiresAt;
    this.storeId = slot.leaseId;
  }

  @Override
  public String id() {
    return storeId != null ? storeId : slot.id + "." + (token - slot.tokenFloor); // the n-th lease in this run
  }

  @Override
  public Worker worker() {
    return slot.worker;
  }

  @Override
  public String tenant() {
    return tenant;
  }

  @Override
  public Instant grantedAt() {
    return grantedAt;
  }

  @Override
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  @Override
  public long fencingToken() {
    return token;
  }

  /**
   * Whether the lease is live as this node knows it. On a shared store the leader may also end it (at its deadline,
   * or when the worker is lost); the holder's node then learns it at {@link #renew}, so a lease past its deadline
   * counts as ended here too.
   */
  @Override
  public boolean isActive() {
    if (!slot.isLeasedWith(token)) {
      return false;
    }
    Instant e;
    return storeId == null || (e = expiresAt) == null || engine.clock.now().isBefore(e);
  }

  @Override
  public Instant renew(Duration duration) {
    checkRenewal(duration);
    Instant next = engine.clock.now().plus(duration);
    if (storeId != null) {
      engine.renewInStore(this, next); // throws if the store ended the lease, or cannot be reached
    }
    expiresAt = next;
    // the engine expires a lease by CAS on the slot word after reading expiresAt; checking the word after writing
    // the new expiry means either the engine saw the renewal or we see the expiry
    if (!isActive()) {
      throw new IllegalStateException("lease " + id() + " is no longer active (released, discarded, expired or lost)");
    }
    return next;
  }

  @Override
  public void close() {
    engine.release(this, false);
  }

  @Override
  public void discard() {
    engine.release(this, true);
  }

  @Override
  public String toString() {
    return "Lease[" + id() + ", tenant=" + tenant + ", " + slot.placement().key() + (isActive() ? "" : ", ended") + "]";
  }

  /** The argument rule of {@link Lease#renew}, for every lease type. */
  static void checkRenewal(Duration duration) {
    LeaseRequest.LEASE_DURATION_RANGE.checkArgument(duration, "duration");
  }
}
