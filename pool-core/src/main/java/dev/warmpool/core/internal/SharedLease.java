package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.Worker;
import dev.warmpool.spi.StoredWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A lease granted through a shared pool's store; the worker's grant count at the grant is its token. */
final class SharedLease implements Lease {
  private final SharedPoolEngine engine;
  private final String id;
  private final Worker worker;
  private final String tenant;
  private final Instant grantedAt;
  private final AtomicBoolean ended = new AtomicBoolean();
  final long token;
  final Instant readyAt;
  private volatile Instant expiresAt;
  // written by the releasing thread before the release is written or queued
  volatile boolean keep;
  volatile String reason;

  SharedLease(SharedPoolEngine engine, StoredWorker row, Worker worker, String tenant, Instant grantedAt,
      Instant expiresAt) {
    this.engine = engine;
    this.id = row.leaseId();
    this.token = row.grants();
    this.readyAt = row.readyAt();
    this.worker = worker;
    this.tenant = tenant;
    this.grantedAt = grantedAt;
    this.expiresAt = expiresAt;
  }

  /** Ends the lease locally; true for the one caller that ended it. */
  boolean end() {
    return ended.compareAndSet(false, true);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Worker worker() {
    return worker;
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
   * Whether the lease is live as this node knows it: not ended here and not past its deadline. The leader may also
   * end it when the worker is lost; a holder then learns it at {@link #renew}.
   */
  @Override
  public boolean isActive() {
    Instant e = expiresAt;
    return !ended.get() && (e == null || engine.now().isBefore(e));
  }

  /**
   * {@inheritDoc}
   *
   * <p>In a shared pool this writes the new deadline to the store.
   *
   * @throws dev.warmpool.spi.StoreUnavailableException if the store cannot be reached: the deadline did not move
   */
  @Override
  public Instant renew(Duration duration) {
    LeaseImpl.checkRenewal(duration);
    Instant next = engine.renew(this, duration);
    expiresAt = next;
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
    return "Lease[" + id + ", worker " + worker.id() + ", tenant=" + tenant + ", " + worker.placement().key()
        + (isActive() ? "" : ", ended") + "]";
  }
}
