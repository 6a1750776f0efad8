package dev.warmpool.core;

import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PoolStore} in this JVM's memory: several pools built over one instance behave as nodes of one shared pool.
 *
 * <p>Use it to test an orchestrator's multi-node code without a database (each "node" a pool with its own node id, all
 * on one {@code VirtualClock} and one fake cloud), or to run several pools in one JVM that share their workers. It
 * follows the same contract as the JDBC store, with one lock around each call. A pool built without any store does
 * not use this class: it keeps its state in its own lock-free structures, the fast path.
 *
 * @since 0.1
 */
public final class InMemoryPoolStore implements PoolStore {

  private final Map<String, Pool> pools = new HashMap<>();

  /** The state of one pool. */
  private static final class Pool {
    final Map<String, StoredWorker> workers = new LinkedHashMap<>();
    final Map<String, StoredNode> nodes = new LinkedHashMap<>();
    final Map<String, StoredPlacementHealth> health = new LinkedHashMap<>();
    Leadership leadership;
  }

  /** Creates an empty store. */
  public InMemoryPoolStore() {}

  private Pool pool(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    return pools.computeIfAbsent(poolId, id -> new Pool());
  }

  @Override
  public synchronized void open(String poolId) {
    pool(poolId);
  }

  @Override
  public synchronized List<StoredWorker> workers(String poolId) {
    return List.copyOf(pool(poolId).workers.values());
  }

  @Override
  public synchronized Optional<StoredWorker> grant(String poolId, GrantQuery q) {
    Objects.requireNonNull(q, "query cannot be null");
    Comparator<StoredWorker> order = Comparator
        .comparingInt((StoredWorker w) -> q.placements().indexOf(w.placement()))
        .thenComparingInt(w -> w.tenant() == null ? 1 : 0)
        .thenComparing(w -> w.idleSince() == null ? Instant.MIN : w.idleSince());
    Pool p = pool(poolId);
    Optional<StoredWorker> pick = p.workers.values().stream()
        .filter(w -> w.state() == State.IDLE && w.template().equals(q.template())
            && q.placements().contains(w.placement())
            && (w.tenant() == null || w.tenant().equals(q.tenantKey()))
            && (q.idleBefore() == null || w.idleSince() == null || !w.idleSince().isAfter(q.idleBefore())))
        .min(order);
    return pick.map(w -> put(p, new StoredWorker(w.id(), w.template(), w.placement(), State.LEASED, w.generation(),
        w.grants() + 1, w.epoch(), w.resourceId(), w.attributes(), q.tenantKey(), q.node(), q.leaseId(), q.now(),
        q.deadline(), w.createdAt(), w.readyAt(), w.idleSince(), null)));
  }

  @Override
  public synchronized Optional<StoredWorker> release(String poolId, String workerId, long token, boolean keep,
      Instant now, String reason) {
    Objects.requireNonNull(now, "now cannot be null");
    Pool p = pool(poolId);
    StoredWorker w = current(p, workerId, token);
    if (w == null) {
      return Optional.empty();
    }
    return Optional.of(put(p, new StoredWorker(w.id(), w.template(), w.placement(),
        keep ? State.IDLE : State.RETIRED, w.generation(), w.grants(), w.epoch(), w.resourceId(), w.attributes(),
        w.tenant(), null, null, null, null, w.createdAt(), w.readyAt(), keep ? now : w.idleSince(),
        keep ? null : reason)));
  }

  @Override
  public synchronized Optional<StoredWorker> renew(String poolId, String workerId, long token, Instant deadline) {
    Objects.requireNonNull(deadline, "deadline cannot be null");
    Pool p = pool(poolId);
    StoredWorker w = current(p, workerId, token);
    if (w == null) {
      return Optional.empty();
    }
    return Optional.of(put(p, new StoredWorker(w.id(), w.template(), w.placement(), w.state(), w.generation(),
        w.grants(), w.epoch(), w.resourceId(), w.attributes(), w.tenant(), w.holder(), w.leaseId(), w.grantedAt(),
        deadline, w.createdAt(), w.readyAt(), w.idleSince(), w.reason())));
  }

  private static StoredWorker current(Pool p, String workerId, long token) {
    StoredWorker w = p.workers.get(Objects.requireNonNull(workerId, "workerId cannot be null"));
    return w != null && w.state() == State.LEASED && w.grants() == token ? w : null;
  }

  /** Writes a row with the next generation. */
  private static StoredWorker put(Pool p, StoredWorker w) {
    StoredWorker next = w.nextGeneration();
    p.workers.put(next.id(), next);
    return next;
  }

  @Override
  public synchronized boolean insert(String poolId, long epoch, StoredWorker worker) {
    Objects.requireNonNull(worker, "worker cannot be null");
    Pool p = fenced(poolId, epoch);
    return p.workers.putIfAbsent(worker.id(), worker) == null;
  }

  @Override
  public synchronized boolean replace(String poolId, long epoch, StoredWorker worker) {
    Objects.requireNonNull(worker, "worker cannot be null");
    Pool p = fenced(poolId, epoch);
    StoredWorker was = p.workers.get(worker.id());
    if (was == null || was.generation() != worker.generation()) {
      return false;
    }
    put(p, worker);
    return true;
  }

  @Override
  public synchronized boolean delete(String poolId, long epoch, String workerId, long generation) {
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Pool p = fenced(poolId, epoch);
    StoredWorker was = p.workers.get(workerId);
    if (was == null || was.generation() != generation) {
      return false;
    }
    p.workers.remove(workerId);
    return true;
  }

  private Pool fenced(String poolId, long epoch) {
    Pool p = pool(poolId);
    if (p.leadership == null || p.leadership.epoch() != epoch) {
      throw new StaleLeaderException(poolId, epoch);
    }
    return p;
  }

  @Override
  public synchronized Leadership lead(String poolId, String node, Instant now, Duration duration) {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    Objects.requireNonNull(duration, "duration cannot be null");
    Pool p = pool(poolId);
    Leadership l = p.leadership;
    if (l == null || !l.expiresAt().isAfter(now)) {
      p.leadership = new Leadership(node, l == null ? 1 : l.epoch() + 1, now.plus(duration));
    } else if (l.node().equals(node)) {
      p.leadership = new Leadership(node, l.epoch(), now.plus(duration));
    }
    return p.leadership;
  }

  @Override
  public synchronized Optional<Leadership> leadership(String poolId) {
    return Optional.ofNullable(pool(poolId).leadership);
  }

  @Override
  public synchronized void resign(String poolId, String node, long epoch, Instant now) {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    Pool p = pool(poolId);
    Leadership l = p.leadership;
    if (l != null && l.node().equals(node) && l.epoch() == epoch && l.expiresAt().isAfter(now)) {
      p.leadership = new Leadership(node, epoch, now);
    }
  }

  @Override
  public synchronized void heartbeat(String poolId, String node, Instant now, List<StoredNode.Waiting> waiting,
      boolean closing) {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
    Objects.requireNonNull(waiting, "waiting cannot be null");
    pool(poolId).nodes.put(node, new StoredNode(node, now, waiting, closing));
  }

  @Override
  public synchronized void leave(String poolId, String node) {
    Objects.requireNonNull(node, "node cannot be null");
    pool(poolId).nodes.remove(node);
  }

  @Override
  public synchronized List<StoredNode> nodes(String poolId) {
    return List.copyOf(pool(poolId).nodes.values());
  }

  @Override
  public synchronized void putPlacementHealth(String poolId, long epoch, StoredPlacementHealth health) {
    Objects.requireNonNull(health, "health cannot be null");
    fenced(poolId, epoch).health.put(health.placement(), health);
  }

  @Override
  public synchronized List<StoredPlacementHealth> placementHealth(String poolId) {
    return List.copyOf(pool(poolId).health.values());
  }

  @Override
  public void close() {
    // nothing to release: the state is plain memory
  }

  @Override
  public synchronized String toString() {
    return "InMemoryPoolStore" + pools.keySet();
  }
}
