package dev.warmpool.core;

import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A node's connection to a shared store that can go down (every call throws {@link StoreUnavailableException}, as a
 * stopped database does) and that counts the leader writes the store refused as stale.
 */
final class OutageStore implements PoolStore {
  private final PoolStore delegate;
  private volatile boolean down;
  private volatile CountDownLatch stall;
  final AtomicInteger staleRefusals = new AtomicInteger();
  final AtomicInteger callsWhileDown = new AtomicInteger();

  OutageStore(PoolStore delegate) {
    this.delegate = delegate;
  }

  void down(boolean down) {
    this.down = down;
  }

  /**
   * Makes every call hang until {@code until} counts down (at most 30 seconds), as a database that restarts does for
   * a client waiting on its socket; {@code null} ends the stall for new calls.
   */
  void stall(CountDownLatch until) {
    this.stall = until;
  }

  private <T> T call(Supplier<T> op) {
    CountDownLatch s = stall;
    if (s != null) {
      try {
        s.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while the store stalled (test)", e);
      }
    }
    if (down) {
      callsWhileDown.incrementAndGet();
      throw new StoreUnavailableException("store is down (test)", null);
    }
    try {
      return op.get();
    } catch (StaleLeaderException e) {
      staleRefusals.incrementAndGet();
      throw e;
    }
  }

  private void run(Runnable op) {
    call(() -> {
      op.run();
      return null;
    });
  }

  @Override
  public void open(String poolId) {
    run(() -> delegate.open(poolId));
  }

  @Override
  public List<StoredWorker> workers(String poolId) {
    return call(() -> delegate.workers(poolId));
  }

  @Override
  public Optional<StoredWorker> grant(String poolId, GrantQuery query) {
    return call(() -> delegate.grant(poolId, query));
  }

  @Override
  public Optional<StoredWorker> release(String poolId, String workerId, long token, boolean keep, Instant now,
      String reason) {
    return call(() -> delegate.release(poolId, workerId, token, keep, now, reason));
  }

  @Override
  public Optional<StoredWorker> renew(String poolId, String workerId, long token, Instant deadline) {
    return call(() -> delegate.renew(poolId, workerId, token, deadline));
  }

  @Override
  public boolean insert(String poolId, long epoch, StoredWorker worker) {
    return call(() -> delegate.insert(poolId, epoch, worker));
  }

  @Override
  public boolean replace(String poolId, long epoch, StoredWorker worker) {
    return call(() -> delegate.replace(poolId, epoch, worker));
  }

  @Override
  public boolean delete(String poolId, long epoch, String workerId, long generation) {
    return call(() -> delegate.delete(poolId, epoch, workerId, generation));
  }

  @Override
  public Leadership lead(String poolId, String node, Instant now, Duration duration) {
    return call(() -> delegate.lead(poolId, node, now, duration));
  }

  @Override
  public Optional<Leadership> leadership(String poolId) {
    return call(() -> delegate.leadership(poolId));
  }

  @Override
  public void resign(String poolId, String node, long epoch, Instant now) {
    run(() -> delegate.resign(poolId, node, epoch, now));
  }

  @Override
  public void heartbeat(String poolId, String node, Instant now, List<StoredNode.Waiting> waiting, boolean closing) {
    run(() -> delegate.heartbeat(poolId, node, now, waiting, closing));
  }

  @Override
  public void leave(String poolId, String node) {
    run(() -> delegate.leave(poolId, node));
  }

  @Override
  public List<StoredNode> nodes(String poolId) {
    return call(() -> delegate.nodes(poolId));
  }

  @Override
  public void putPlacementHealth(String poolId, long epoch, StoredPlacementHealth health) {
    run(() -> delegate.putPlacementHealth(poolId, epoch, health));
  }

  @Override
  public List<StoredPlacementHealth> placementHealth(String poolId) {
    return call(() -> delegate.placementHealth(poolId));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
