package dev.warmpool.core.internal;

import dev.warmpool.api.Alert;
import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.NoEligiblePlacementException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.StoreUnavailableLeaseException;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.Worker;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredCooldown;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a pool that several nodes share through a {@link PoolStore}.
 *
 * <p>Design: the store is the truth and the arbiter. Any node grants and releases leases, each in one store call
 * (the store takes an idle worker atomically, so no worker is granted twice across nodes). One node at a time leads:
 * it holds an expiring leadership with a fencing epoch, renews it every third of the leadership timeout, and is the
 * only one that provisions, recycles, expires leases, deletes and reconciles. Every leader write names the epoch, so a
 * leader that was paused while another took over is refused by the store and steps down; before any provider call
 * the leader records its intent in the store, so a crashed leader's calls are found and resolved by the next one.
 *
 * <p>All control work (the pass, provider answers, waiting requests) runs on one {@link SerialRunner}; the lease path
 * runs one store call on the caller's thread. When the store cannot be reached, new grants fail fast with
 * {@link StoreUnavailableLeaseException}, releases queue in memory and are written when the store answers again,
 * and the pass keeps retrying the store every tick.
 *
 * <p>Simpler than the single-JVM engine where it must agree across nodes: placement health is a run of failed calls
 * that opens the placement for a doubling cooldown (written to the store, so the next leader honours it); there are
 * no per-call retries (the next pass tries again), no probes, no degraded-mode fair shares and no forecasts.
 */
public final class SharedPoolEngine implements WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(SharedPoolEngine.class);
  private static final String OPEN = "OPEN";
  private static final String CAPACITY = "CAPACITY";
  private static final String INVALID = "INVALID";
  private static final String THROTTLED = "THROTTLED";
  private static final String STATE_ATTRIBUTE = "state";
  private static final Duration LIST_MARGIN = Duration.ofMinutes(1);
  private static final Duration DELETE_BACKOFF_FIRST = Duration.ofSeconds(10);
  private static final Duration DELETE_BACKOFF_MAX = Duration.ofMinutes(5);

  private final PoolConfig config;
  private final PoolStore store;
  private final String node;
  private final Duration leadershipTimeout;
  private final Duration pollInterval;
  private final PoolClock clock;
  private final String poolId;
  private final Map<String, WorkerTemplate> templates = new LinkedHashMap<>();
  private final Map<String, Placement> placements = new LinkedHashMap<>();
  private final EventBus events;
  /** This node's alerts: the store out of reach, and the rests in the store every node sees. */
  private final Alerts alerts;
  private final SerialRunner runner;
  private final Duration tick;

  // lease path: any thread
  private final Map<String, PriorityQueue<SharedWaiter>> waiters = new HashMap<>();
  /** How many requests wait, over all templates: read without the lock on the lease and release paths. */
  private final AtomicInteger waiterCount = new AtomicInteger();
  /** This node's leases that its holders have not ended, by lease id. */
  private final Map<String, SharedLease> live = new ConcurrentHashMap<>();
  private final Queue<SharedLease> unwrittenReleases = new ConcurrentLinkedQueue<>();
  private final AtomicLong leaseSeq = new AtomicLong();
  /** Makes this run's lease ids differ from an earlier run's of the same node id. */
  private final String leasePrefix;
  private final AtomicLong waiterSeq = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile StoreUnavailableException storeFailure;
  private volatile List<StoredWorker> lastWorkers = List.of();
  private volatile List<StoredCooldown> lastCooldowns = List.of();

  // runner only
  private volatile long epoch;
  /** When this node's leadership ends unless renewed, as the store last granted it. */
  private Instant leaderUntil = Instant.MIN;
  private long workerSeq;
  private final Map<String, StoredWorker> provisioning = new HashMap<>();
  private final Set<String> deleting = new HashSet<>();
  /** Failed deletes per worker, and when the next attempt may start: 10 s doubling to 5 min, or the retry-after. */
  private final Map<String, Integer> deleteFailures = new HashMap<>();
  private final Map<String, Instant> deleteRetryAt = new HashMap<>();
  private final Map<String, Integer> failureRuns = new HashMap<>();
  private final Map<String, Duration> openCooldowns = new HashMap<>();
  private final Map<String, Instant> firstSeen = new HashMap<>();
  private final List<CompletableFuture<Void>> reconcileWaiters = new ArrayList<>();
  // requests whose listing is in flight: answered by the listing, or by close (a stopped runner drops its answer)
  private final List<CompletableFuture<Void>> reconcilesListing = new ArrayList<>();
  private Instant nextReconcileAt;
  private int listingsInFlight;
  private PoolClock.Scheduled nextPass;
  private Instant closeDeadline;

  /**
   * Starts a node; the builder has validated the configuration. The node opens the store, then runs its first pass.
   *
   * @param config the pool's configuration
   * @param store the shared store
   * @param node this node's id, unique among the pool's nodes
   * @param leadershipTimeout how soon after the leader stops renewing another node takes over
   * @param pollInterval how often waiting requests look for workers freed on other nodes
   * @throws StoreUnavailableException if the store cannot be opened
   */
  public SharedPoolEngine(PoolConfig config, PoolStore store, String node, Duration leadershipTimeout,
      Duration pollInterval) {
    this.config = config;
    this.store = store;
    this.node = node;
    this.leadershipTimeout = leadershipTimeout;
    this.pollInterval = pollInterval;
    this.clock = config.clock();
    this.poolId = config.poolId();
    this.tick = min(config.controlInterval(), leadershipTimeout.dividedBy(3));
    this.leasePrefix = node + "." + Long.toString(clock.now().toEpochMilli(), 36) + ".";
    config.templates().forEach(t -> templates.put(t.name(), t));
    config.placements().forEach(p -> placements.put(p.key(), p));
    this.events = new EventBus(config.eventExecutor(), config.eventQueueCapacity());
    config.listeners().forEach(events::add);
    this.alerts = new Alerts(poolId, e -> {
      if (events.active()) {
        events.publish(e);
      }
    });
    this.runner = new SerialRunner(clock, this::pass);
    store.open(poolId);
    this.nextReconcileAt = clock.now();
    runner.wake();
  }

  @Override
  public String id() {
    return poolId;
  }

  // ---------------------------------------------------------------- lease path

  @Override
  public CompletableFuture<Lease> lease(LeaseRequest request) {
    WorkerTemplate t = TemplateResolver.resolve(poolId, templates, x -> x, request);
    Instant now = clock.now();
    if (closing.get()) {
      return CompletableFuture.failedFuture(closedException(t, request));
    }
    List<String> eligible = eligible(t, request);
    if (eligible.isEmpty()) {
      return CompletableFuture.failedFuture(new NoEligiblePlacementException("no placement of the template is"
          + " allowed by the request", poolId, t.name(), request.tenant(), Duration.ZERO, counts(t), 0, null));
    }
    StoreUnavailableException down = storeFailure;
    if (down != null) {
      return CompletableFuture.failedFuture(unavailable(t, request, Duration.ZERO, down));
    }
    if (waiterCount.get() == 0 || noneWaitFor(t)) {
      try {
        SharedLease l = grant(t, request, eligible, now, Duration.ZERO);
        if (l != null) {
          return CompletableFuture.completedFuture(l);
        }
      } catch (StoreUnavailableException e) {
        storeDown(e);
        return CompletableFuture.failedFuture(unavailable(t, request, Duration.ZERO, e));
      }
    }
    if (request.maxWait().isZero()) {
      return CompletableFuture.failedFuture(timeout(t, request, Duration.ZERO));
    }
    SharedWaiter w = new SharedWaiter(request, t, eligible, waiterSeq.incrementAndGet(), now);
    synchronized (waiters) {
      waiters.computeIfAbsent(t.name(), k -> new PriorityQueue<>()).add(w);
      waiterCount.incrementAndGet();
    }
    w.timeout = clock.schedule(request.maxWait(), () -> {
      if (removeWaiter(w)) {
        Duration waited = Duration.between(w.since, clock.now());
        if (events.active()) {
          events.publish(new PoolEvent.LeaseTimedOut(poolId, clock.now(), t.name(), request.tenant(), waited,
              "no idle worker within " + request.maxWait()));
        }
        w.future.completeExceptionally(timeout(t, request, waited));
      }
    });
    w.future.whenComplete((l, e) -> {
      if (e instanceof CancellationException) {
        removeWaiter(w);
      }
      w.timeout.cancel();
    });
    if (closing.get() && removeWaiter(w)) {
      w.future.completeExceptionally(closedException(t, request));
    }
    // tell the leader about the demand now, not at the next heartbeat (one queued heartbeat serves a burst)
    if (heartbeatQueued.compareAndSet(false, true)) {
      runner.execute(() -> {
        heartbeatQueued.set(false);
        heartbeat();
      });
    }
    schedulePoll();
    return w.future;
  }

  @Override
  public Lease acquire(LeaseRequest request, Duration timeout) {
    return Blocking.acquire(this, request, timeout);
  }

  @Override
  public Optional<Lease> tryLease(LeaseRequest request) {
    WorkerTemplate t = TemplateResolver.resolve(poolId, templates, x -> x, request);
    if (closing.get()) {
      throw closedException(t, request);
    }
    List<String> eligible = eligible(t, request);
    if (eligible.isEmpty()) {
      return Optional.empty();
    }
    StoreUnavailableException down = storeFailure;
    if (down != null) {
      throw unavailable(t, request, Duration.ZERO, down);
    }
    try {
      return Optional.ofNullable(grant(t, request, eligible, clock.now(), Duration.ZERO));
    } catch (StoreUnavailableException e) {
      storeDown(e);
      throw unavailable(t, request, Duration.ZERO, e);
    }
  }

  /** The placements of the template the request allows, most preferred first. */
  private List<String> eligible(WorkerTemplate t, LeaseRequest request) {
    List<String> keys = new ArrayList<>();
    for (Placement p : placements.values()) {
      if (t.allows(p) && request.allows(p)) {
        keys.add(p.key());
      }
    }
    return keys;
  }

  /** One store call: takes an idle worker or returns null. */
  private SharedLease grant(WorkerTemplate t, LeaseRequest request, List<String> eligible, Instant now,
      Duration waited) {
    String tenantKey = t.shareAcrossTenants() ? "*" : request.tenant();
    Instant deadline = request.leaseDuration().map(now::plus).orElse(null);
    String leaseId = leasePrefix + Long.toString(leaseSeq.incrementAndGet(), 36);
    Optional<StoredWorker> got = store.grant(poolId, new GrantQuery(t.name(), eligible, tenantKey, node, leaseId,
        now, deadline));
    if (got.isEmpty()) {
      return null;
    }
    StoredWorker w = got.get();
    Placement p = placements.get(w.placement());
    SharedLease lease = new SharedLease(this, w, new Worker(w.id(), w.template(), p, w.resourceId(), w.attributes()),
        request.tenant(), now, deadline);
    live.put(lease.id(), lease);
    if (closing.get()) {
      // close is draining this node's leases: end this one at once rather than leave it behind
      release(lease, false);
      return null;
    }
    if (events.active()) {
      events.publish(new PoolEvent.LeaseGranted(poolId, now, leaseId, w.id(), t.name(), p, request.tenant(), waited));
    }
    return lease;
  }

  void release(SharedLease lease, boolean discard) {
    if (!lease.end()) {
      return;
    }
    live.remove(lease.id());
    Instant now = clock.now();
    lease.keep = !discard && mayKeep(lease, now);
    lease.reason = discard ? "discarded" : lease.keep ? null : "released";
    if (events.active()) {
      events.publish(new PoolEvent.LeaseReleased(poolId, now, lease.id(), lease.worker().id(),
          lease.worker().template(), lease.tenant(), discard));
    }
    try {
      writeRelease(lease, now);
    } catch (StoreUnavailableException e) {
      storeDown(e);
      unwrittenReleases.add(lease);
      log.warn("pool {}: the store is unavailable; the release of lease {} is kept in memory and written when it"
          + " answers", poolId, lease.id());
    }
    if (lease.keep) {
      if (waiterCount.get() > 0) {
        runner.execute(this::serveWaiters);
      }
    } else {
      runner.wake();
    }
  }

  private void writeRelease(SharedLease lease, Instant now) {
    store.release(poolId, lease.worker().id(), lease.token, lease.keep, now, lease.reason);
  }

  private boolean mayKeep(SharedLease lease, Instant now) {
    // a node that closes still keeps what its holders release: the other nodes serve on (the last one drains)
    WorkerTemplate t = templates.get(lease.worker().template());
    if (lease.token >= t.maxUses()) {
      return false;
    }
    return t.maxAge().isEmpty() || lease.readyAt == null || now.isBefore(lease.readyAt.plus(t.maxAge().get()));
  }

  Instant renew(SharedLease lease, Duration duration) {
    Instant next = clock.now().plus(duration);
    if (!lease.isActive()) {
      throw new IllegalStateException("lease " + lease.id() + " is no longer active (released, discarded or"
          + " expired)");
    }
    if (store.renew(poolId, lease.worker().id(), lease.token, next).isEmpty()) {
      lease.end();
      live.remove(lease.id());
      throw new IllegalStateException("lease " + lease.id() + " is no longer active (expired and reclaimed)");
    }
    return next;
  }

  Instant now() {
    return clock.now();
  }

  private boolean removeWaiter(SharedWaiter w) {
    synchronized (waiters) {
      PriorityQueue<SharedWaiter> q = waiters.get(w.template.name());
      if (q != null && q.remove(w)) {
        waiterCount.decrementAndGet();
        return true;
      }
      return false;
    }
  }

  private boolean noneWaitFor(WorkerTemplate t) {
    synchronized (waiters) {
      PriorityQueue<SharedWaiter> q = waiters.get(t.name());
      return q == null || q.isEmpty();
    }
  }

  /** Serves waiting requests from the store, highest priority first; stops at the first template with no worker. */
  private void serveWaiters() {
    for (WorkerTemplate t : templates.values()) {
      while (storeFailure == null) {
        SharedWaiter w;
        synchronized (waiters) {
          PriorityQueue<SharedWaiter> q = waiters.get(t.name());
          w = q == null ? null : q.peek();
        }
        if (w == null) {
          break;
        }
        Instant now = clock.now();
        SharedLease l;
        try {
          l = grant(t, w.request, w.eligible, now, Duration.between(w.since, now));
        } catch (StoreUnavailableException e) {
          storeDown(e);
          return;
        }
        if (l == null) {
          break;
        }
        if (!removeWaiter(w) || !w.future.complete(l)) {
          release(l, false); // the request timed out or was cancelled meanwhile: the worker goes back
        }
      }
    }
  }

  private final AtomicBoolean pollScheduled = new AtomicBoolean();
  private final AtomicBoolean heartbeatQueued = new AtomicBoolean();

  /** While requests wait, looks for workers freed on other nodes every poll interval. */
  private void schedulePoll() {
    if (pollScheduled.compareAndSet(false, true)) {
      clock.schedule(pollInterval, () -> {
        pollScheduled.set(false);
        runner.execute(() -> {
          serveWaiters();
          if (waitingCount() > 0 && !closed.isDone()) {
            schedulePoll();
          }
        });
      });
    }
  }

  private int waitingCount() {
    return waiterCount.get();
  }

  private Map<String, Integer> waitingByTemplate() {
    Map<String, Integer> m = new HashMap<>();
    synchronized (waiters) {
      waiters.forEach((k, q) -> {
        if (!q.isEmpty()) {
          m.put(k, q.size());
        }
      });
    }
    return m;
  }

  private void storeDown(StoreUnavailableException e) {
    if (storeFailure == null) {
      log.warn("pool {}: node {} cannot reach the store; new grants fail until it answers: {}", poolId, node,
          e.getMessage());
    }
    storeFailure = e;
  }

  // ---------------------------------------------------------------- control pass

  private void pass() {
    Instant now = clock.now();
    try {
      // the first call that fails ends the pass: while the store is down a pass costs one failed call, not five
      flushReleases(now);
      store.heartbeat(poolId, node, now, waitingByTemplate(), closing.get());
      lead(now);
      List<StoredWorker> workers = store.workers(poolId);
      List<StoredCooldown> cooldowns = store.cooldowns(poolId);
      lastWorkers = workers;
      lastCooldowns = cooldowns;
      if (storeFailure != null) {
        storeFailure = null;
        log.info("pool {}: node {} reaches the store again", poolId, node);
      }
      retireUnknownLeases(now, workers);
      alertOnRests(now, cooldowns);
      if (epoch > 0) {
        leaderPass(now, workers, cooldowns);
      }
    } catch (StoreUnavailableException e) {
      storeDown(e);
    } catch (StaleLeaderException e) {
      stepDown(now, "the store refused a write: another node took over");
    }
    StoreUnavailableException down = storeFailure;
    if (down != null) {
      alerts.raise("store-unavailable", AlertSeverity.CRITICAL, "node " + node + " cannot reach"
          + " the pool's store, so it grants no new lease (leases already granted keep working): "
          + down.getMessage(), now);
    } else {
      alerts.clear("store-unavailable", now);
    }
    serveWaiters();
    if (closing.get()) {
      closePass(now);
    }
    if (!closed.isDone()) {
      if (nextPass != null) {
        nextPass.cancel();
      }
      nextPass = clock.schedule(tick, runner::wake);
    }
  }

  /**
   * Raises, on every node, the alerts the store's rests call for, and clears them when the rests end: an open
   * placement, and a placement and size that refused the template as invalid.
   */
  private void alertOnRests(Instant now, List<StoredCooldown> cooldowns) {
    Set<String> open = new HashSet<>();
    Set<String> invalid = new HashSet<>();
    for (StoredCooldown c : cooldowns) {
      if (!c.until().isAfter(now)) {
        continue;
      }
      if (OPEN.equals(c.kind())) {
        open.add(c.key());
        alerts.raise("placement-open:" + c.key(), AlertSeverity.WARNING, "placement " + c.key()
            + " is unhealthy until " + c.until() + ": " + c.reason(), now);
      } else if (INVALID.equals(c.kind())) {
        invalid.add(c.key());
        alerts.raise("invalid:" + c.key(), AlertSeverity.CRITICAL, "placement " + c.key()
            + " refuses the template as invalid; check the template's provider properties, the provider settings"
            + " and its credentials or role assignments: " + c.reason(), now);
      }
    }
    for (Alert a : alerts.raised()) {
      String key = a.key();
      if (key.startsWith("placement-open:") && !open.contains(key.substring("placement-open:".length()))
          || key.startsWith("invalid:") && !invalid.contains(key.substring("invalid:".length()))) {
        alerts.clear(key, now);
      }
    }
  }

  private void flushReleases(Instant now) {
    SharedLease l;
    while ((l = unwrittenReleases.peek()) != null) {
      writeRelease(l, now); // throws while the store is down: the rest stay queued
      unwrittenReleases.poll();
    }
  }

  private void heartbeat() {
    try {
      store.heartbeat(poolId, node, clock.now(), waitingByTemplate(), closing.get());
    } catch (StoreUnavailableException e) {
      storeDown(e);
    }
  }

  private void lead(Instant now) {
    if (closing.get() && epoch == 0 && (config.keepWarmPool() || !lastNode())) {
      return; // a closing node takes over only to drain a pool nobody else serves
    }
    // the leadership lasts two thirds of the timeout and is renewed every third: a dead leader's lease ends within
    // two thirds, and the next pass of another node (at most a third later) takes over
    Leadership l = store.lead(poolId, node, now, leadershipTimeout.multipliedBy(2).dividedBy(3));
    if (l.node().equals(node)) {
      leaderUntil = l.expiresAt();
      if (l.epoch() != epoch) {
        if (epoch > 0) {
          stepDown(now, "the leadership expired before it was renewed");
        }
        epoch = l.epoch();
        workerSeq = 0;
        nextReconcileAt = now;
        log.info("pool {}: node {} leads (epoch {})", poolId, node, epoch);
        if (events.active()) {
          events.publish(new PoolEvent.LeadershipAcquired(poolId, now, node, epoch));
        }
      }
    } else if (epoch > 0) {
      stepDown(now, "node " + l.node() + " took over with epoch " + l.epoch());
    }
  }

  /**
   * Ends the leases the store says this node holds but no holder here knows: an earlier run's of this node id (it
   * crashed and came back), or a grant whose answer was lost when the connection broke as it committed. Leases with
   * a deadline end there (the leader reclaims them); one without ends after the orphan grace period, as a gone
   * node's would. The worker retires: its last holder may still be using it.
   */
  private void retireUnknownLeases(Instant now, List<StoredWorker> workers) {
    Set<String> unwritten = new HashSet<>();
    unwrittenReleases.forEach(l -> unwritten.add(l.id()));
    for (StoredWorker w : workers) {
      if (w.state() == State.LEASED && node.equals(w.holder()) && w.deadline() == null && w.grantedAt() != null
          && !live.containsKey(w.leaseId()) && !unwritten.contains(w.leaseId())
          && !now.isBefore(w.grantedAt().plus(config.orphanGracePeriod()))) {
        log.warn("pool {}: node {} holds lease {} on worker {} in the store but not in memory; retiring it", poolId,
            node, w.leaseId(), w.id());
        store.release(poolId, w.id(), w.grants(), false, now, "lease unknown to its node");
      }
    }
  }

  private void stepDown(Instant now, String reason) {
    if (epoch == 0) {
      return;
    }
    log.warn("pool {}: node {} no longer leads (epoch {}): {}", poolId, node, epoch, reason);
    if (events.active()) {
      events.publish(new PoolEvent.LeadershipLost(poolId, now, node, epoch, reason));
    }
    epoch = 0;
    // calls in flight finish on their own; their store writes name the old epoch and are refused
    provisioning.clear();
    deleting.clear();
    deleteFailures.clear();
    deleteRetryAt.clear();
    failReconcileWaiters("node " + node + " stopped leading before it reconciled: " + reason);
  }

  /** Requests for a reconciliation this node will not run: answered, or they would wait forever. */
  private void failReconcileWaiters(String why) {
    WarmpoolException e = new WarmpoolException("pool " + poolId + ": " + why);
    reconcileWaiters.forEach(f -> f.completeExceptionally(e));
    reconcileWaiters.clear();
    reconcilesListing.forEach(f -> f.completeExceptionally(e));
    reconcilesListing.clear();
  }

  private void leaderPass(Instant now, List<StoredWorker> workers, List<StoredCooldown> cooldowns) {
    List<StoredNode> listed = store.nodes(poolId);
    // the last node to close drains the pool (unless it keeps it warm); others leave it to the nodes that stay
    boolean draining = closing.get() && !config.keepWarmPool() && noOtherServes(listed, now);
    Map<String, StoredNode> nodes = new HashMap<>();
    listed.forEach(n -> nodes.put(n.node(), n));
    for (StoredWorker w : workers) {
      WorkerTemplate t = templates.get(w.template());
      Placement p = placements.get(w.placement());
      if (t == null || p == null) {
        continue; // another configuration's worker: left to the node that knows it
      }
      switch (w.state()) {
        case LEASED -> {
          if (draining) {
            startDelete(w, "pool closed", now); // no node is left to hold it
          } else if (w.deadline() != null && !now.isBefore(w.deadline())) {
            if (events.active()) {
              events.publish(new PoolEvent.LeaseExpired(poolId, now, w.leaseId(), w.id(), w.template(),
                  String.valueOf(w.tenant())));
            }
            startDelete(w, "lease expired", now);
          } else if (w.deadline() == null && holderGone(w, nodes, now)) {
            startDelete(w, "holder node " + w.holder() + " is gone", now);
          }
        }
        case IDLE -> {
          if (draining) {
            startDelete(w, "pool closed", now);
          } else if (t.maxIdleTime().isPresent() && w.idleSince() != null
              && !now.isBefore(w.idleSince().plus(t.maxIdleTime().get()))) {
            startDelete(w, "idle too long", now);
          } else if (t.maxAge().isPresent() && w.readyAt() != null
              && !now.isBefore(w.readyAt().plus(t.maxAge().get()))) {
            startDelete(w, "too old", now);
          }
        }
        case RETIRED -> startDelete(w, w.reason() == null ? "released" : w.reason(), now);
        case DELETING -> {
          Instant retryAt = deleteRetryAt.get(w.id());
          if (!deleting.contains(w.id()) && (retryAt == null || !now.isBefore(retryAt))) {
            startDelete(w, w.reason() == null ? "deleting" : w.reason(), now); // a previous leader's delete
          }
        }
        case PROVISIONING -> {
          if (!provisioning.containsKey(w.id()) && (w.epoch() != epoch
              || !now.isBefore(w.createdAt().plus(t.provisioningTimeout())))) {
            // a previous leader's call, or one that outlived its timeout: its outcome is unknown, so the worker is
            // deleted by name (idempotent) and forgotten; a resource created after that is an orphan for
            // reconciliation
            startDelete(w, "provision of a previous leader", now);
          }
        }
        default -> throw new IllegalStateException("unknown state " + w.state());
      }
    }
    if (!draining) {
      replenish(now, workers, cooldowns, nodes);
      if (!now.isBefore(nextReconcileAt) || !reconcileWaiters.isEmpty()) {
        startReconcile(now, workers);
      }
    }
  }

  private boolean holderGone(StoredWorker w, Map<String, StoredNode> nodes, Instant now) {
    StoredNode n = nodes.get(w.holder());
    return n == null ? w.grantedAt() != null && !now.isBefore(w.grantedAt().plus(config.orphanGracePeriod()))
        : !now.isBefore(n.lastSeen().plus(config.orphanGracePeriod()));
  }

  private void replenish(Instant now, List<StoredWorker> workers, List<StoredCooldown> cooldowns,
      Map<String, StoredNode> nodes) {
    Map<String, Instant> resting = new HashMap<>();
    for (StoredCooldown c : cooldowns) {
      if (c.until().isAfter(now)) {
        resting.put(c.key(), c.until());
      }
    }
    for (WorkerTemplate t : templates.values()) {
      int ready = 0;
      int total = 0;
      for (StoredWorker w : workers) {
        if (!w.template().equals(t.name())) {
          continue;
        }
        if (deleting.contains(w.id())) {
          continue; // this pass started deleting it (idle too long, too old): it is no longer stock
        }
        if (w.state() == State.IDLE || w.state() == State.PROVISIONING) {
          ready++;
        }
        if (w.state() != State.DELETING && w.state() != State.RETIRED) {
          total++;
        }
      }
      int demand = 0;
      for (StoredNode n : nodes.values()) {
        if (now.isBefore(n.lastSeen().plus(leadershipTimeout))) {
          demand += n.waiting().getOrDefault(t.name(), 0);
        }
      }
      long inFlight = provisioning.values().stream().filter(w -> w.template().equals(t.name())).count();
      int want = Math.min(t.warmTarget() + demand - ready, t.maxTotal() - total);
      want = (int) Math.min(want, config.maxConcurrentProvisions() - inFlight);
      for (int i = 0; i < want; i++) {
        Placement p = choose(t, resting);
        if (p == null) {
          break;
        }
        startProvision(t, p, now);
      }
    }
  }

  /** The most preferred placement of the template that is not resting; null if all are. */
  private Placement choose(WorkerTemplate t, Map<String, Instant> resting) {
    for (Placement p : placements.values()) {
      if (t.allows(p) && !resting.containsKey(p.key()) && !resting.containsKey(p.key() + "#" + t.size())
          && !(probing(p) && provisioning.values().stream().anyMatch(w -> w.placement().equals(p.key())))) {
        return p;
      }
    }
    return null;
  }

  /**
   * Whether a placement is being probed: it was opened, its cooldown ended, and no call has succeeded there since. One
   * provision at a time goes there; the rest of the deficit goes to the next placement until one succeeds.
   */
  private boolean probing(Placement p) {
    return openCooldowns.containsKey(p.key());
  }

  /**
   * Whether this node may still act as leader: it leads and its leadership has not run out on its own clock (a pass
   * that ran long, or a pause between the renewal and now). The store's epoch check on the write before each provider
   * call is the fence; this keeps a node that knows it is late from even trying.
   */
  private boolean mayAct() {
    return epoch > 0 && clock.now().isBefore(leaderUntil);
  }

  private void startProvision(WorkerTemplate t, Placement p, Instant now) {
    if (!mayAct()) {
      return;
    }
    String id = "w" + Long.toString(epoch, 36) + "-" + Long.toString(++workerSeq, 36);
    StoredWorker row = StoredWorker.provisioning(id, t.name(), p.key(), node, epoch, now);
    if (!store.insert(poolId, epoch, row)) {
      return; // the id is taken (cannot happen within one epoch): skip it
    }
    provisioning.put(id, row);
    long myEpoch = epoch;
    Map<String, String> tags = Map.of(WorkerTags.POOL, poolId, WorkerTags.WORKER, id,
        WorkerTags.GENERATION, Long.toString(myEpoch), WorkerTags.TEMPLATE, t.name());
    ProvisionRequest request = new ProvisionRequest(poolId, id, myEpoch, t, p, tags,
        now.plus(t.provisioningTimeout()));
    WorkerProvider provider = config.providers().get(p.provider());
    PoolClock.Scheduled timer = clock.schedule(t.provisioningTimeout(), () -> runner.execute(() ->
        onProvisioned(row, myEpoch, null, ProviderException.transientFailure("ProvisioningTimeout",
            "provisioning took longer than " + t.provisioningTimeout()))));
    call(() -> provider.provision(request)).whenComplete((ok, failure) -> {
      timer.cancel();
      runner.execute(() -> onProvisioned(row, myEpoch, ok, unwrap(failure)));
    });
  }

  private void onProvisioned(StoredWorker row, long callEpoch, ProvisionedWorker ok, Throwable failure) {
    if (callEpoch != epoch || provisioning.remove(row.id()) == null) {
      return; // answered after this node stopped leading (the next leader resolves the row), or already timed out
    }
    Instant now = clock.now();
    Placement p = placements.get(row.placement());
    WorkerTemplate t = templates.get(row.template());
    try {
      if (failure == null) {
        onCallSucceeded(p, now);
        if (store.replace(poolId, epoch, row.ready(ok.resourceId(), ok.attributes(), epoch, now))) {
          if (events.active()) {
            events.publish(new PoolEvent.WorkerProvisioned(poolId, now, row.id(), row.template(), p,
                Duration.between(row.createdAt(), now)));
          }
          runner.execute(this::serveWaiters);
        }
        return;
      }
      FailureKind kind = failure instanceof ProviderException pe ? pe.kind() : FailureKind.TRANSIENT;
      if (events.active()) {
        events.publish(new PoolEvent.ProvisioningFailed(poolId, now, row.id(), row.template(), p, kind,
            failure instanceof ProviderException pe ? pe.code() : "", String.valueOf(failure.getMessage())));
      }
      onCallFailed(p, t, failure, now);
      // delete by name: the call may have created the resource before it failed or timed out
      startDelete(row, "provisioning failed", now);
    } catch (StaleLeaderException e) {
      stepDown(now, "the store refused a write: another node took over");
    } catch (StoreUnavailableException e) {
      storeDown(e); // the row stays PROVISIONING; the next leader pass resolves it after the timeout
    }
  }

  private void onCallSucceeded(Placement p, Instant now) {
    Integer run = failureRuns.remove(p.key());
    if (openCooldowns.remove(p.key()) != null || run != null && run >= config.health().minCalls()) {
      store.putCooldown(poolId, epoch, new StoredCooldown(p.key(), OPEN, now, "closed after a successful call"));
      if (events.active()) {
        events.publish(new PoolEvent.PlacementClosed(poolId, now, p));
      }
    }
  }

  private void onCallFailed(Placement p, WorkerTemplate t, Throwable failure, Instant now) {
    PlacementHealthPolicy h = config.health();
    String reason = String.valueOf(failure.getMessage());
    if (failure instanceof ProviderException pe) {
      switch (pe.kind()) {
        case CAPACITY -> {
          store.putCooldown(poolId, epoch, new StoredCooldown(p.key() + "#" + t.size(), CAPACITY,
              now.plus(h.capacityCooldown()), reason));
          return;
        }
        case INVALID -> {
          store.putCooldown(poolId, epoch, new StoredCooldown(p.key() + "#" + t.size(), INVALID,
              now.plus(h.capacityCooldown()), reason));
          log.error("pool {}: provider refused template {} in {} as invalid: {}", poolId, t.name(), p.key(), reason);
          return;
        }
        case THROTTLED -> {
          store.putCooldown(poolId, epoch, new StoredCooldown(p.key(), THROTTLED,
              now.plus(pe.retryAfter().orElse(h.throttleDefault())), reason));
          return;
        }
        default -> {
          // TRANSIENT and NOT_FOUND count towards the placement's health
        }
      }
    }
    int run = failureRuns.merge(p.key(), 1, Integer::sum);
    if (run >= h.minCalls()) {
      Duration last = openCooldowns.get(p.key());
      Duration next = last == null ? h.openCooldown() : min(last.multipliedBy(2), h.maxOpenCooldown());
      openCooldowns.put(p.key(), next);
      failureRuns.put(p.key(), 0);
      store.putCooldown(poolId, epoch, new StoredCooldown(p.key(), OPEN, now.plus(next), reason));
      log.warn("pool {}: placement {} opened for {} after {} failed calls: {}", poolId, p.key(), next, run, reason);
      if (events.active()) {
        events.publish(new PoolEvent.PlacementOpened(poolId, now, p, reason));
      }
    }
  }

  private void startDelete(StoredWorker w, String reason, Instant now) {
    if (!mayAct()) {
      return;
    }
    StoredWorker mine = w.deleting(node, epoch, reason);
    if (!store.replace(poolId, epoch, mine)) {
      return; // the row changed meanwhile (a grant, a release): look again next pass
    }
    StoredWorker row = mine.nextGeneration();
    deleting.add(row.id());
    Placement p = placements.get(row.placement());
    WorkerProvider provider = config.providers().get(p.provider());
    long myEpoch = epoch;
    DeprovisionRequest request = new DeprovisionRequest(poolId, row.id(),
        row.resourceId().isEmpty() ? Optional.empty() : Optional.of(row.resourceId()), p,
        now.plus(config.deleteTimeout()));
    call(() -> provider.deprovision(request)).whenComplete((ok, failure) ->
        runner.execute(() -> onDeleted(row, myEpoch, unwrap(failure))));
  }

  private void onDeleted(StoredWorker row, long callEpoch, Throwable failure) {
    if (callEpoch != epoch || !deleting.remove(row.id())) {
      return;
    }
    Instant now = clock.now();
    Placement p = placements.get(row.placement());
    try {
      if (failure == null || failure instanceof ProviderException pe && pe.kind() == FailureKind.NOT_FOUND) {
        deleteFailures.remove(row.id());
        deleteRetryAt.remove(row.id());
        if (store.delete(poolId, epoch, row.id(), row.generation()) && events.active()) {
          events.publish(new PoolEvent.WorkerDeprovisioned(poolId, now, row.id(), row.template(), p,
              String.valueOf(row.reason())));
        }
        runner.wake();
        return;
      }
      FailureKind kind = failure instanceof ProviderException pe ? pe.kind() : FailureKind.TRANSIENT;
      int failures = deleteFailures.merge(row.id(), 1, Integer::sum);
      Duration backoff = min(DELETE_BACKOFF_FIRST.multipliedBy(1L << Math.min(failures - 1, 10)), DELETE_BACKOFF_MAX);
      if (failure instanceof ProviderException pe && pe.retryAfter().filter(r -> r.compareTo(backoff) > 0)
          .isPresent()) {
        deleteRetryAt.put(row.id(), now.plus(pe.retryAfter().get()));
      } else {
        deleteRetryAt.put(row.id(), now.plus(backoff));
      }
      if (failures == 1) {
        log.warn("pool {}: deleting worker {} failed ({}); retrying with backoff: {}", poolId, row.id(), kind,
            failure.getMessage());
      } else {
        log.debug("pool {}: deleting worker {} failed again ({}, {} times): {}", poolId, row.id(), kind, failures,
            failure.getMessage());
      }
      if (events.active()) {
        events.publish(new PoolEvent.DeprovisioningFailed(poolId, now, row.id(), p, kind,
            String.valueOf(failure.getMessage())));
      }
    } catch (StaleLeaderException e) {
      stepDown(now, "the store refused a write: another node took over");
    } catch (StoreUnavailableException e) {
      storeDown(e);
    }
  }

  // ---------------------------------------------------------------- reconciliation

  @Override
  public CompletableFuture<Void> reconcile() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    runner.execute(() -> {
      if (epoch == 0) {
        String leader;
        try {
          leader = store.leadership(poolId).map(l -> "node " + l.node()).orElse("none yet");
        } catch (StoreUnavailableException e) {
          // the answer must not depend on the store: thrown here, it would leave the future pending forever
          leader = "unknown: the store is unavailable";
        }
        f.completeExceptionally(new WarmpoolException("pool " + poolId + ": node " + node + " does not lead; the"
            + " leader reconciles (" + leader + ")"));
        return;
      }
      reconcileWaiters.add(f);
      runner.wake();
    });
    return f;
  }

  private void startReconcile(Instant now, List<StoredWorker> workers) {
    if (listingsInFlight > 0) {
      return;
    }
    nextReconcileAt = now.plus(config.reconcileInterval());
    List<CompletableFuture<Void>> waiting = new ArrayList<>(reconcileWaiters);
    reconcileWaiters.clear();
    reconcilesListing.addAll(waiting);
    Map<String, StoredWorker> known = new HashMap<>();
    workers.forEach(w -> known.put(w.id(), w));
    long myEpoch = epoch;
    List<Throwable> failures = new ArrayList<>();
    Set<String> providers = new HashSet<>();
    placements.values().forEach(p -> providers.add(p.provider()));
    listingsInFlight = providers.size();
    for (String name : providers) {
      WorkerProvider provider = config.providers().get(name);
      call(() -> provider.list(poolId)).whenComplete((resources, failure) -> runner.execute(() -> {
        listingsInFlight--;
        if (failure != null) {
          failures.add(unwrap(failure));
        } else if (myEpoch == epoch) {
          try {
            reconcileProvider(name, resources, known, now);
          } catch (StaleLeaderException e) {
            stepDown(clock.now(), "the store refused a write: another node took over");
          } catch (StoreUnavailableException e) {
            storeDown(e);
            failures.add(e);
          }
        }
        if (listingsInFlight == 0) {
          reconcilesListing.removeAll(waiting);
          if (failures.isEmpty() && myEpoch == epoch) {
            waiting.forEach(f -> f.complete(null));
          } else {
            WarmpoolException e = new WarmpoolException("pool " + poolId + ": reconciliation did not finish"
                + (myEpoch != epoch ? " (node " + node + " stopped leading)" : ""),
                failures.isEmpty() ? null : failures.get(0));
            waiting.forEach(f -> f.completeExceptionally(e));
          }
        }
      }));
    }
  }

  private void reconcileProvider(String providerName, List<ProviderResource> resources,
      Map<String, StoredWorker> known, Instant listedAt) {
    Instant now = clock.now();
    if (!mayAct()) {
      return;
    }
    // orphan deletes are the only provider writes with no row of their own to fence: renew the leadership first, so
    // a leader that slept through a take-over with a listing in flight stops here
    Leadership l = store.lead(poolId, node, now, leadershipTimeout.multipliedBy(2).dividedBy(3));
    if (!l.node().equals(node) || l.epoch() != epoch) {
      stepDown(now, "node " + l.node() + " leads with epoch " + l.epoch());
      return;
    }
    leaderUntil = l.expiresAt();
    Set<String> listed = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (ProviderResource r : resources) {
      if (!poolId.equals(r.tags().get(WorkerTags.POOL))) {
        continue;
      }
      String workerId = r.workerId().orElse(null);
      if (workerId != null) {
        listed.add(workerId);
        if (known.containsKey(workerId) || provisioning.containsKey(workerId)) {
          continue;
        }
      }
      String key = providerName + "|" + r.resourceId();
      seen.add(key);
      Instant first = firstSeen.computeIfAbsent(key, k -> now);
      Instant born = r.createdAt().filter(c -> c.isBefore(first)).orElse(first);
      if (born.plus(config.orphanGracePeriod()).isAfter(now)
          || "deleting".equals(r.attributes().get(STATE_ATTRIBUTE))) {
        continue; // young (perhaps a call we do not know of yet), or already going
      }
      firstSeen.remove(key);
      Placement p = placementOf(providerName, r.region());
      if (p == null) {
        continue; // a region this configuration does not know: left alone
      }
      WorkerProvider provider = config.providers().get(providerName);
      DeprovisionRequest request = new DeprovisionRequest(poolId, workerId == null ? r.resourceId() : workerId,
          Optional.of(r.resourceId()), p, now.plus(config.deleteTimeout()));
      log.info("pool {}: deleting orphan {} in {} (no worker in the store)", poolId, r.resourceId(), p.key());
      call(() -> provider.deprovision(request)).whenComplete((ok, failure) -> {
        if (failure == null && events.active()) {
          events.publish(new PoolEvent.OrphanRemoved(poolId, clock.now(), r.resourceId(), p,
              "no worker in the store"));
        }
      });
    }
    firstSeen.keySet().removeIf(k -> k.startsWith(providerName + "|") && !seen.contains(k));
    for (StoredWorker w : known.values()) {
      Placement p = placements.get(w.placement());
      if (p == null || !p.provider().equals(providerName) || listed.contains(w.id())) {
        continue;
      }
      boolean readyLongBefore = w.readyAt() != null && w.readyAt().isBefore(listedAt.minus(LIST_MARGIN));
      if (readyLongBefore && (w.state() == State.IDLE || w.state() == State.LEASED)) {
        // gone from the cloud: forget it (a delete by id answers NOT_FOUND); a holder finds out when it releases
        if (events.active()) {
          events.publish(new PoolEvent.WorkerLost(poolId, now, w.id(), w.template(), p,
              Optional.ofNullable(w.leaseId())));
        }
        startDelete(w, "lost", now);
      }
    }
  }

  private Placement placementOf(String providerName, String region) {
    for (Placement p : placements.values()) {
      if (p.provider().equals(providerName) && p.region().equals(region)) {
        return p;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- close

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (closing.compareAndSet(false, true)) {
      runner.execute(this::beginClose);
    }
    return closed;
  }

  @Override
  public void close() {
    Blocking.close(closeAsync(), config, log);
  }

  private void beginClose() {
    List<SharedWaiter> dropped = new ArrayList<>();
    synchronized (waiters) {
      waiters.values().forEach(dropped::addAll);
      waiters.clear();
      waiterCount.addAndGet(-dropped.size());
    }
    for (SharedWaiter w : dropped) {
      w.future.completeExceptionally(closedException(w.template, w.request));
    }
    closeDeadline = clock.now().plus(config.closeGracePeriod());
    runner.wake();
  }

  private void closePass(Instant now) {
    if (closeDeadline == null) {
      return;
    }
    if (!live.isEmpty()) {
      if (now.isBefore(closeDeadline)) {
        return; // holders have until the grace period ends
      }
      for (SharedLease l : List.copyOf(live.values())) {
        release(l, true);
      }
    }
    if (!unwrittenReleases.isEmpty()) {
      if (now.isBefore(closeDeadline.plus(config.deleteTimeout()))) {
        return; // the store is down: wait for it, within the delete timeout, so no release is lost
      }
      log.warn("pool {}: node {} closes with {} releases the store never took; their leases end at their deadline"
          + " or when the leader finds this node gone", poolId, node, unwrittenReleases.size());
      unwrittenReleases.clear();
    }
    if (epoch > 0 && lastNode() && !config.keepWarmPool()) {
      boolean left = lastWorkers.stream().anyMatch(w -> templates.containsKey(w.template()));
      if (left && now.isBefore(closeDeadline.plus(config.deleteTimeout()))) {
        return; // the last node drains the pool: the leader pass deletes every worker while closing
      }
    }
    finishClose(now);
  }

  private boolean lastNode() {
    try {
      return noOtherServes(store.nodes(poolId), clock.now());
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  /** Whether no other live node serves the pool: nodes that close too do not count, so one of them still drains. */
  private boolean noOtherServes(List<StoredNode> nodes, Instant now) {
    return nodes.stream().noneMatch(n -> !n.node().equals(node) && !n.closing()
        && now.isBefore(n.lastSeen().plus(leadershipTimeout)));
  }

  private void finishClose(Instant now) {
    try {
      if (epoch > 0) {
        store.resign(poolId, node, epoch, now);
        if (events.active()) {
          events.publish(new PoolEvent.LeadershipLost(poolId, now, node, epoch, "node closed"));
        }
        epoch = 0;
      }
      store.leave(poolId, node);
    } catch (StoreUnavailableException e) {
      log.warn("pool {}: node {} closed without telling the store; its leadership expires by itself", poolId, node);
    }
    failReconcileWaiters("node " + node + " closed before it reconciled");
    if (nextPass != null) {
      nextPass.cancel();
    }
    runner.stop();
    for (WorkerProvider p : config.providers().values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        log.warn("pool {}: closing provider {} failed", poolId, p, e);
      }
    }
    if (config.ownedClock() != null) {
      config.ownedClock().close();
    }
    if (config.ownedEvents() != null) {
      config.ownedEvents().shutdown(); // delivers what is queued, then its thread ends; close() waits for it
    }
    log.info("pool {}: node {} closed", poolId, node);
    closed.complete(null);
  }

  // ---------------------------------------------------------------- snapshot and listeners

  @Override
  public PoolSnapshot snapshot() {
    Instant now = clock.now();
    try {
      // the store's picture, as every node sees it; the last one read if the store does not answer
      lastWorkers = store.workers(poolId);
      lastCooldowns = store.cooldowns(poolId);
    } catch (StoreUnavailableException e) {
      storeDown(e);
    }
    List<StoredWorker> workers = lastWorkers;
    Map<String, Instant> resting = new HashMap<>();
    Map<String, String> kinds = new HashMap<>();
    for (StoredCooldown c : lastCooldowns) {
      if (c.until().isAfter(now)) {
        resting.put(c.key(), c.until());
        kinds.put(c.key(), c.kind());
      }
    }
    List<TemplateStatus> ts = new ArrayList<>();
    Map<String, Integer> waiting = waitingByTemplate();
    for (WorkerTemplate t : templates.values()) {
      Map<String, WorkerCounts> byPlacement = new LinkedHashMap<>();
      boolean anyUsable = false;
      for (Placement p : placements.values()) {
        if (t.allows(p)) {
          byPlacement.put(p.key(), counts(workers, t.name(), p.key()));
          anyUsable |= !resting.containsKey(p.key()) && !resting.containsKey(p.key() + "#" + t.size());
        }
      }
      ts.add(new TemplateStatus(t.name(), byPlacement, counts(workers, t.name(), null),
          waiting.getOrDefault(t.name(), 0), !anyUsable, Optional.empty()));
    }
    List<PlacementStatus> ps = new ArrayList<>();
    for (Placement p : placements.values()) {
      Set<String> sizes = new HashSet<>();
      resting.keySet().stream().filter(k -> k.startsWith(p.key() + "#"))
          .forEach(k -> sizes.add(k.substring(p.key().length() + 1)));
      boolean open = OPEN.equals(kinds.get(p.key()));
      Optional<Instant> throttled = THROTTLED.equals(kinds.get(p.key())) ? Optional.of(resting.get(p.key()))
          : Optional.empty();
      ps.add(new PlacementStatus(p, open ? PlacementState.OPEN : PlacementState.CLOSED, 0, 0, sizes, throttled));
    }
    return new PoolSnapshot(poolId, now, ts, ps, alerts.raised(), events.dropped());
  }

  private WorkerCounts counts(WorkerTemplate t) {
    return counts(lastWorkers, t.name(), null);
  }

  private static WorkerCounts counts(List<StoredWorker> workers, String template, String placement) {
    int[] c = new int[State.values().length];
    for (StoredWorker w : workers) {
      if (w.template().equals(template) && (placement == null || w.placement().equals(placement))) {
        c[w.state().ordinal()]++;
      }
    }
    // a RETIRED worker is no longer held by a lease (the API's "draining"): it waits for the leader's delete
    return new WorkerCounts(c[State.PROVISIONING.ordinal()], c[State.IDLE.ordinal()], c[State.LEASED.ordinal()], 0,
        c[State.RETIRED.ordinal()] + c[State.DELETING.ordinal()]);
  }

  /** @return whether this node currently leads, as far as it knows */
  public boolean leads() {
    return epoch > 0;
  }

  @Override
  public void addListener(PoolListener listener) {
    events.add(Objects.requireNonNull(listener, "listener cannot be null"));
  }

  @Override
  public void removeListener(PoolListener listener) {
    events.remove(Objects.requireNonNull(listener, "listener cannot be null"));
  }

  @Override
  public String toString() {
    return "WorkerPool[" + poolId + ", node " + node + ", shared" + (closing.get() ? ", closing" : "") + "]";
  }

  // ---------------------------------------------------------------- helpers

  private LeaseTimeoutException timeout(WorkerTemplate t, LeaseRequest r, Duration waited) {
    StoreUnavailableException down = storeFailure;
    return new LeaseTimeoutException(down != null ? "no idle worker in time; the store is unavailable"
        : "no idle worker in time", poolId, t.name(), r.tenant(), waited, counts(t), waitingCount(), down);
  }

  private StoreUnavailableLeaseException unavailable(WorkerTemplate t, LeaseRequest r, Duration waited,
      StoreUnavailableException cause) {
    return new StoreUnavailableLeaseException("the pool's store is unavailable, so no lease can be granted; leases"
        + " already granted keep working and the pool retries the store by itself", poolId, t.name(), r.tenant(),
        waited, counts(t), waitingCount(), cause);
  }

  private PoolClosedException closedException(WorkerTemplate t, LeaseRequest r) {
    return new PoolClosedException("pool closed", poolId, t.name(), r.tenant(), Duration.ZERO, counts(t),
        waitingCount(), null);
  }

  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> f = call.get();
      return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("provider returned null"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A lease request waiting on this node, ordered by priority (highest first), then arrival. */
  private static final class SharedWaiter implements Comparable<SharedWaiter> {
    final LeaseRequest request;
    final WorkerTemplate template;
    final List<String> eligible;
    final long seq;
    final Instant since;
    final CompletableFuture<Lease> future = new CompletableFuture<>();
    volatile PoolClock.Scheduled timeout = () -> false;

    SharedWaiter(LeaseRequest request, WorkerTemplate template, List<String> eligible, long seq, Instant since) {
      this.request = request;
      this.template = template;
      this.eligible = eligible;
      this.seq = seq;
      this.since = since;
    }

    @Override
    public int compareTo(SharedWaiter o) {
      int c = Integer.compare(o.request.priority(), request.priority());
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
