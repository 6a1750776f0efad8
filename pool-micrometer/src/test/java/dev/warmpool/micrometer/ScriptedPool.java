package dev.warmpool.micrometer;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.WorkerPool;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerPool} test double: it returns the snapshot a test sets, counts how often it was asked for one, and
 * delivers the events a test fires to its listeners. It grants no leases.
 */
final class ScriptedPool implements WorkerPool {
  private final String id;
  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger snapshotsTaken = new AtomicInteger();
  private volatile PoolSnapshot snapshot;
  private volatile boolean closed;

  ScriptedPool(String id, PoolSnapshot snapshot) {
    this.id = id;
    this.snapshot = snapshot;
  }

  void setSnapshot(PoolSnapshot snapshot) {
    this.snapshot = Objects.requireNonNull(snapshot);
  }

  /** Delivers an event to every listener, as the pool does: in order, one at a time. */
  void fire(PoolEvent... events) {
    for (PoolEvent event : events) {
      for (PoolListener listener : listeners) {
        listener.onEvent(event);
      }
    }
  }

  /** Delivers an event to a listener that the pool had already queued it for, even if it was removed since. */
  static void deliverLate(PoolListener listener, PoolEvent event) {
    listener.onEvent(event);
  }

  List<PoolListener> listeners() {
    return List.copyOf(listeners);
  }

  int snapshotsTaken() {
    return snapshotsTaken.get();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletableFuture<Lease> lease(LeaseRequest request) {
    throw new UnsupportedOperationException("ScriptedPool grants no leases");
  }

  @Override
  public Lease acquire(LeaseRequest request, Duration timeout) {
    throw new UnsupportedOperationException("ScriptedPool grants no leases");
  }

  @Override
  public Optional<Lease> tryLease(LeaseRequest request) {
    throw new UnsupportedOperationException("ScriptedPool grants no leases");
  }

  @Override
  public PoolSnapshot snapshot() {
    if (closed) {
      throw new IllegalStateException("pool " + id + " is closed");
    }
    snapshotsTaken.incrementAndGet();
    return snapshot;
  }

  @Override
  public void addListener(PoolListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  @Override
  public void removeListener(PoolListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public dev.warmpool.api.PoolConfiguration configuration() {
    throw new UnsupportedOperationException("a scripted pool has no configuration");
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> reconfigure(dev.warmpool.api.PoolConfiguration c) {
    throw new UnsupportedOperationException("a scripted pool cannot be reconfigured");
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> reconcile() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> closeAsync() {
    close();
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }
}
