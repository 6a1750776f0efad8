package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.PoolConfiguration;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one warm-pool engine behind {@link WorkerPool}, on one node or on many: the lease path, the control pass that
 * runs the rooms, and close.
 *
 * <p>Design: two paths. The <em>lease path</em> runs on the caller's thread: the {@link Ledger} claims an idle worker
 * with one CAS on its state word; release is one CAS back and a push onto a shelf. It takes no lock and calls no
 * provider. Everything else, the <em>control path</em>, runs on a {@link SerialRunner} on the pool's clock, where the
 * ledger leads: each pass ticks the {@link PlacementBoard}, expires leases, recycles idle workers (the
 * {@link DegradedMode} decides what stays), moves the warm stock ({@link Failover}), serves {@link Waiters},
 * replenishes ({@link Provisioner}), forecasts ({@link DepletionWatch}) and reconciles ({@link Reconciler}); deletes go
 * through the {@link Deleter} and provider calls through {@link ProviderCalls}. Each pass reconciles desired with
 * actual state, so a lost wake-up only delays work until the next pass; passes run when something wakes them and at
 * least every control interval. The ledger's table is the pool's known set: every resource the pool may have
 * created has a slot there until its delete succeeded.
 *
 * <p>Where the truth lives is the ledger's business: on one node the {@link LocalLedger} (always leads), on several
 * the {@link StoreLedger} (grants and releases through the store, and the control pass runs on the node that holds
 * the leadership, over a mirror of the store's rows; other nodes follow the leader's placement health and serve their
 * waiting requests from the store). The few places where the modes differ (the store's availability on the lease
 * path, the lease's writes, the leadership, close) branch on {@link #shared}.
 */
public final class PoolEngine implements WorkerPool {
  private static final Duration MIN_PASS_GAP = Duration.ofMillis(100);

  final PoolClock clock;
  private final PoolRuntime rt;
  private final PoolConfig config;
  private final String poolId;
  private final Ledger ledger;
  /** Whether the pool shares a store with other nodes: set once, read on the lease path (a plain final field). */
  private final boolean shared;
  private final StoreLedger storeLedger;
  private final TemplateTable templates = new TemplateTable();
  private final SerialRunner runner;
  private final EventBus events;
  private final PlacementBoard board;
  private final DegradedMode degraded;
  private final Failover failover;
  private final Deleter deleter;
  private final Provisioner provisioner;
  private final Waiters waiters;
  private final DepletionWatch depletion;
  private final Reconciler reconciler;
  private final TargetKeeper targets;
  private final LeaseFailures failures;
  private final Closing closing;
  private final LeadershipTerms terms;
  private final Rollout rollout;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean closedFlag;
  private PoolClock.Scheduled timer;
  private Instant timerAt;

  /**
   * Starts an engine on the local ledger; the configuration records checked their rules when they were built.
   *
   * @param config the configuration
   */
  public PoolEngine(PoolConfig config) {
    this(config, null, null);
  }

  /**
   * Starts an engine: on a store ledger if a store is given (a node of a shared pool), else on the local ledger.
   *
   * @param config the configuration
   * @param store the shared store, or null
   * @param node this node's settings, or null without a store
   * @throws dev.warmpool.spi.StoreUnavailableException if the store cannot be opened
   */
  public PoolEngine(PoolConfig config, PoolStore store, NodeSettings node) {
    this.config = config;
    this.rt = new PoolRuntime(config);
    this.clock = rt.clock;
    this.poolId = rt.poolId;
    this.events = rt.events;
    this.shared = store != null;
    this.runner = new SerialRunner(clock, this::pass);
    rt.runner(runner);
    this.board = new PlacementBoard(rt);
    for (WorkerTemplate t : config.templates()) {
      List<PlacementShelf> shelves = new ArrayList<>();
      for (PlacementHealth h : board.all()) {
        if (t.allows(h.placement)) {
          shelves.add(new PlacementShelf(h));
        }
      }
      templates.put(t.name(), new TemplateRuntime(t, shelves, config.forecast().demandSmoothing()));
    }
    this.degraded = new DegradedMode(rt);
    if (shared) {
      this.storeLedger = new StoreLedger(rt, store, node, templates, degraded);
      this.ledger = storeLedger;
    } else {
      this.storeLedger = null;
      this.ledger = new LocalLedger(clock.now().toEpochMilli());
    }
    this.failover = new Failover(rt, degraded);
    this.deleter = new Deleter(rt, ledger, board, this);
    this.provisioner = new Provisioner(rt, ledger, board, new ProviderCalls(rt), failover, deleter);
    this.waiters = new Waiters(rt, this, degraded);
    provisioner.waiters(waiters);
    if (shared) {
      provisioner.waitingElsewhere(t -> storeLedger.waitingElsewhere(t.name()));
    }
    this.rollout = new Rollout(rt, ledger, templates, board, deleter, shared ? storeLedger::register : t -> { },
        store, shared ? storeLedger.node() : null);
    this.depletion = new DepletionWatch(rt);
    this.targets = new TargetKeeper(rt, ledger, deleter, shared);
    if (shared) {
      targets.store(storeLedger::keepDemand, storeLedger::demand);
    }
    this.reconciler = new Reconciler(rt, ledger, templates, board, deleter);
    this.terms = shared ? new LeadershipTerms(rt, storeLedger, templates.values(), board, failover, waiters,
        reconciler) : null;
    this.closing = new Closing(rt, ledger, storeLedger, templates.values(), deleter, waiters, reconciler, this);
    this.failures = new LeaseFailures(poolId, this::counts, () -> shared ? storeLedger.leases().unavailable() : null,
        ledger::workers);
    runner.wake();
  }

  @Override
  public String id() {
    return poolId;
  }

  // ---------------------------------------------------------------- lease path

  @Override
  public CompletableFuture<Lease> lease(LeaseRequest request) {
    TemplateRuntime t = resolve(request);
    Instant now = clock.now();
    if (closedFlag || rt.closing()) {
      return CompletableFuture.failedFuture(closedException(t, request, Duration.ZERO));
    }
    if (!t.servable(request)) {
      return CompletableFuture.failedFuture(failures.noPlacement(t, request));
    }
    if (shared && storeLedger.leases().unavailable() != null) {
      return CompletableFuture.failedFuture(failures.unavailable(t, request, storeLedger.leases().unavailable()));
    }
    t.forecaster.requests.increment();
    String tenantKey = t.tenantKey(request.tenant());
    if (t.waiting() == 0) {
      Lease l;
      try {
        l = grant(t, request, tenantKey, now, Duration.ZERO);
      } catch (StoreUnavailableException e) {
        return CompletableFuture.failedFuture(failures.unavailable(t, request, e));
      }
      if (l != null) {
        return CompletableFuture.completedFuture(l);
      }
    }
    if (request.maxWait().isZero()) {
      return CompletableFuture.failedFuture(timeout(t, request, Duration.ZERO));
    }
    return waiters.enqueue(t, request, tenantKey, now);
  }

  @Override
  public Lease acquire(LeaseRequest request, Duration timeout) {
    return Blocking.acquire(this, request, timeout, config);
  }

  @Override
  public Optional<Lease> tryLease(LeaseRequest request) {
    TemplateRuntime t = resolve(request);
    if (closedFlag || rt.closing()) {
      throw closedException(t, request, Duration.ZERO);
    }
    if (shared) {
      if (!t.servable(request)) {
        return Optional.empty(); // a store needs the placements to grant from; the local claim finds none anyway
      }
      if (storeLedger.leases().unavailable() != null) {
        throw failures.unavailable(t, request, storeLedger.leases().unavailable());
      }
    }
    t.forecaster.requests.increment();
    try {
      return Optional.ofNullable(grant(t, request, t.tenantKey(request.tenant()), clock.now(), Duration.ZERO));
    } catch (StoreUnavailableException e) {
      throw failures.unavailable(t, request, e);
    }
  }

  /** Claims an idle worker and makes the lease, or returns null. Runs on any thread. */
  LeaseImpl grant(TemplateRuntime t, LeaseRequest request, String tenantKey, Instant now, Duration waited) {
    WorkerSlot slot = ledger.claim(t, request, tenantKey);
    if (slot == null) {
      return null;
    }
    // the slot is ours (LEASED with our token) until we release it: plain field writes are safe
    slot.uses++;
    if (slot.tenant == null && !t.template.shareAcrossTenants()) {
      slot.tenant = request.tenant();
    }
    Instant expires = request.leaseDuration().map(now::plus).orElse(null);
    // the slot is leased to us and only a grant changes its grant count, so the count read now is our token
    LeaseImpl lease = new LeaseImpl(this, slot, WorkerSlot.grants(slot.word()), request.tenant(), now, expires);
    slot.lease = lease;
    if (shared) {
      storeLedger.leases().granted(lease);
      if (rt.closing()) {
        release(lease, false); // close is draining this node's leases: end this one at once
        return null;
      }
    }
    t.sizing.waits.granted(waited);
    if (events.active()) {
      events.publish(new PoolEvent.LeaseGranted(poolId, now, lease.id(), slot.id, t.name(), slot.placement(),
          request.tenant(), waited));
    }
    if (!shared && (t.template.maxUses() == 1 || !slot.shelf.maybeHasIdle(tenantKey))) {
      // the stock went down for good: let the control pass replace it
      runner.wake();
    }
    return lease;
  }

  /** A lease granted to a request that completed meanwhile: the worker was never used, so it goes back as it was. */
  void giveBack(LeaseImpl lease) {
    WorkerSlot slot = lease.slot;
    slot.uses--;
    if (slot.uses == 0 && !slot.template.template.shareAcrossTenants()) {
      slot.tenant = null;
    }
    release(lease, false);
  }

  void release(LeaseImpl lease, boolean discard) {
    WorkerSlot slot = lease.slot;
    TemplateRuntime t = slot.template;
    Instant now = clock.now();
    boolean keep = !discard && degraded.mayKeep(slot, now);
    if (keep && lease.isActive()) {
      // written before the state turns idle, so the engine never sees an idle worker with last time's idle stamp
      // (if the lease ended meanwhile, the worker is not idle and the stamp is rewritten at its next release)
      slot.idleSince = now;
    }
    int ended = slot.endLeaseKeepingEntry(lease.token, keep ? WorkerSlot.IDLE : WorkerSlot.DELETING);
    if (ended == 0) {
      return; // already released, discarded, expired or lost
    }
    slot.lease = null;
    t.sizing.released(lease.grantedAt, now);
    if (events.active()) {
      events.publish(new PoolEvent.LeaseReleased(poolId, now, lease.id(), slot.id, t.name(), lease.tenant, discard));
    }
    String reason = discard ? "discarded" : slot.retireOnRelease ? "drained" : "released";
    if (shared) {
      storeLedger.leases().released(lease, keep, keep ? null : reason, now);
      if (!keep || t.waiting() > 0) {
        runner.wake();
      }
      return;
    }
    if (keep) {
      if (ended == 1) {
        slot.shelf.offer(slot, t.template.shareAcrossTenants() ? PlacementShelf.SHARED : slot.tenant);
      }
      ledger.remember(slot);
      if (t.waiting() > 0) {
        runner.wake();
      }
    } else {
      runner.execute(() -> deleter.start(slot, reason));
      runner.wake(); // a worker left: its replacement starts now, not at the next control interval
    }
  }

  /** A lease of a shared pool moves its deadline in the store; the lease ends if the store ended it. */
  void renewInStore(LeaseImpl lease, Instant deadline) {
    if (!lease.isActive()) {
      throw new IllegalStateException("lease " + lease.id() + " is no longer active (released, discarded or"
          + " expired)");
    }
    if (!storeLedger.leases().renew(lease, deadline)) {
      lease.slot.endLease(lease.token, WorkerSlot.DELETING);
      throw new IllegalStateException("lease " + lease.id() + " is no longer active (expired and reclaimed)");
    }
  }

  private TemplateRuntime resolve(LeaseRequest request) {
    return TemplateResolver.resolve(poolId, templates, t -> t.template, request);
  }

  LeaseTimeoutException timeout(TemplateRuntime t, LeaseRequest r, Duration waited) {
    return failures.timeout(t, r, waited);
  }

  PoolClosedException closedException(TemplateRuntime t, LeaseRequest r, Duration waited) {
    return failures.closed(t, r, waited);
  }

  // ---------------------------------------------------------------- control path (serial runner only)

  private void pass() {
    Instant now = clock.now();
    Instant next = now.plus(shared ? storeLedger.tick() : config.controlInterval());
    if (shared) {
      StoreLedger.Lead lead = storeLedger.beginPass(now);
      if (!rt.closing()) {
        rollout.follow(now); // a change another node wrote: every node applies it
      }
      if (lead == StoreLedger.Lead.TOOK_OVER || lead == StoreLedger.Lead.STEPPED_DOWN) {
        terms.newTerm(now, lead);
        if (lead == StoreLedger.Lead.TOOK_OVER) {
          targets.restore(templates.values(), now);
        }
      }
      rt.draining = rt.closing() && !config.keepWarmPool() && ledger.leads() && storeLedger.lastNode(now);
      if (anyWaiting()) {
        next = PlacementBoard.min(next, now.plus(storeLedger.pollInterval()));
      }
      if (!ledger.leads() || lead == StoreLedger.Lead.CUT_OFF) {
        terms.follow(now);
        if (closing.begun()) {
          next = PlacementBoard.min(next, closing.pass(now));
        }
        if (!closedFlag) {
          arm(next);
        }
        return;
      }
    } else {
      rt.draining = rt.closing();
    }
    next = PlacementBoard.min(next, board.tick(now));
    for (TemplateRuntime t : templates.values()) {
      t.tallyTotal = 0;
      t.leasedByTenant.clear();
      for (PlacementShelf s : t.shelves) {
        s.tallyIdle = 0;
      }
    }
    Instant[] due = new Instant[1];
    for (WorkerSlot slot : ledger.workers()) {
      long w = slot.word();
      slot.template.tallyTotal++;
      switch (WorkerSlot.state(w)) {
        case WorkerSlot.LEASED -> {
          next = PlacementBoard.min(next, checkLease(slot, w, now));
          LeaseImpl lease = slot.lease;
          String tenant = lease != null ? lease.tenant : slot.tenant;
          if (tenant != null) { // counted always: the first pass after the template degrades shares fairly too
            slot.template.leasedByTenant.merge(tenant, 1, Integer::sum);
          }
        }
        case WorkerSlot.IDLE -> {
          String reason = degraded.recycleReason(slot, now, due);
          if (reason != null && ledger.toDeleting(slot, w, reason)) {
            deleter.start(slot, reason);
          } else if (reason == null) {
            next = PlacementBoard.min(next, due[0]);
            slot.shelf.tallyIdle++;
          }
        }
        case WorkerSlot.DELETING -> next = PlacementBoard.min(next, deleter.due(slot, now));
        case WorkerSlot.PROVISIONING -> {
          if (slot.foreign) {
            reconciler.joinForeign(slot); // a previous leader's provision: joined, adopted when it is ready
          }
        }
        default -> { }
      }
    }
    if (!rt.closing()) {
      next = PlacementBoard.min(next, reconciler.tick(now));
    }
    if (closing.begun()) {
      next = PlacementBoard.min(next, closing.pass(now));
    } else if (!rt.closing()) {
      boolean adoptFirst = config.keepWarmPool() && !reconciler.doneOnce();
      if (!adoptFirst) {
        rollout.pass(now);
      }
      for (TemplateRuntime t : templates.values()) {
        failover.update(t, now);
        if (adoptFirst) {
          continue; // a warm restart adopts the previous generation's workers before it provisions new ones
        }
        waiters.dispatch(t);
        int elsewhere = shared ? storeLedger.waitingElsewhere(t.name()) : 0;
        targets.update(t, now, elsewhere);
        provisioner.replenish(t, now);
        targets.retire(t, now, elsewhere);
        depletion.forecast(t, now);
        waiters.clearQuiet(t, now);
      }
      if (!adoptFirst) {
        board.clearQuiet(now);
      }
      targets.keep(templates.values(), now);
    }
    for (PlacementHealth h : board.all()) {
      ledger.keepHealth(h); // where the next leader of a shared pool finds it
    }
    if (!closedFlag) {
      arm(next);
    }
  }

  private boolean anyWaiting() {
    for (TemplateRuntime t : templates.values()) {
      if (t.waiting() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Expires a lease past its deadline (or whose holder node is gone); returns when to look again. */
  private Instant checkLease(WorkerSlot slot, long word, Instant now) {
    Instant expires;
    String leaseId;
    String tenant;
    if (shared) {
      if (storeLedger.holderGone(slot, now)) {
        if (ledger.toDeleting(slot, word, "holder node " + slot.heldBy + " is gone")) {
          deleter.start(slot, slot.deleteReason);
        }
        return Instant.MAX;
      }
      expires = slot.heldUntil;
      leaseId = slot.leaseId;
      tenant = String.valueOf(slot.tenant);
    } else {
      LeaseImpl lease = slot.lease;
      if (lease == null || lease.token != WorkerSlot.grants(word)) {
        return Instant.MAX; // being granted or released right now; the next pass sees it settled
      }
      expires = lease.expiresAt;
      leaseId = lease.id();
      tenant = lease.tenant;
    }
    if (expires == null) {
      return Instant.MAX;
    }
    if (now.isBefore(expires)) {
      return expires;
    }
    if (ledger.toDeleting(slot, word, "lease-expired")) {
      rt.publish(new PoolEvent.LeaseExpired(poolId, now, leaseId, slot.id, slot.template.name(), tenant));
      deleter.start(slot, "lease-expired");
    }
    return Instant.MAX;
  }

  /** Sets the next pass for {@code at} unless an earlier one is set. */
  void arm(Instant at) {
    Instant now = clock.now();
    if (!at.isAfter(now)) {
      // what is due now was handled by this pass; never spin on the same instant
      at = now.plus(MIN_PASS_GAP);
    }
    if (timer != null && timerAt != null && !at.isBefore(timerAt) && timerAt.isAfter(now)) {
      return; // an earlier or equal wake-up is already set
    }
    if (timer != null) {
      timer.cancel();
    }
    timerAt = at;
    timer = clock.schedule(Duration.between(now, at), runner::wake);
  }

  @Override
  public PoolConfiguration configuration() {
    return rollout.configuration();
  }

  @Override
  public CompletableFuture<Void> reconfigure(PoolConfiguration next) {
    if (rt.closing()) {
      throw new WarmpoolException("pool " + poolId + " is closed");
    }
    rollout.check(next); // refused whole before anything changes
    rollout.write(next, clock.now());
    CompletableFuture<Void> f = new CompletableFuture<>();
    runner.execute(() -> {
      rollout.apply(next, clock.now());
      runner.wake();
      f.complete(null);
    });
    return f;
  }

  @Override
  public CompletableFuture<Void> reconcile() {
    if (rt.closing()) {
      return CompletableFuture.failedFuture(new WarmpoolException("pool " + poolId + " is closed"));
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    runner.execute(() -> {
      if (rt.closing()) {
        f.completeExceptionally(new WarmpoolException("pool " + poolId + " is closed"));
      } else if (!ledger.leads()) {
        // the answer must not depend on the store: a throw here would leave the future pending forever
        f.completeExceptionally(storeLedger.notLeading());
      } else {
        reconciler.request(f);
      }
    });
    return f;
  }

  /**
   * Whether this node runs the control loop now: always on one node; on a shared pool, while it holds the
   * leadership.
   *
   * @return whether this node leads, as far as it knows
   */
  public boolean leads() {
    return ledger.leads();
  }

  // ---------------------------------------------------------------- close

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (rt.closing.compareAndSet(false, true)) {
      runner.execute(() -> closing.begin(clock.now()));
    }
    return closed;
  }

  @Override
  public void close() {
    Blocking.close(closeAsync(), config);
  }

  /** Stops the engine once the close is done: the runner, the timer, the providers, and the owned threads. */
  void finishClose() {
    if (closedFlag) {
      return;
    }
    closedFlag = true;
    if (timer != null) {
      timer.cancel();
    }
    runner.stop();
    for (WorkerProvider p : config.providers().values()) {
      try {
        p.close();
      } catch (Exception e) {
        PoolLog.warn(poolId).log("closing provider {} failed: {}", p.getClass().getName(), e);
      }
    }
    PoolLog.info(poolId).log("closed");
    closed.complete(null);
    if (config.ownedClock() != null) {
      config.ownedClock().close();
    }
    if (config.ownedEvents() != null) {
      config.ownedEvents().shutdown(); // delivers what is queued, then its thread ends; close() waits for it
    }
  }

  // ---------------------------------------------------------------- snapshot and listeners

  @Override
  public PoolSnapshot snapshot() {
    Instant now = clock.now();
    Map<String, Map<String, WorkerCounts>> counts = ledger.counts();
    List<TemplateStatus> ts = new ArrayList<>();
    for (TemplateRuntime t : templates.values()) {
      Map<String, WorkerCounts> byPlacement = new LinkedHashMap<>();
      WorkerCounts total = WorkerCounts.ZERO;
      for (PlacementShelf s : t.shelves) {
        WorkerCounts wc = counts.getOrDefault(t.name(), Map.of()).getOrDefault(s.placement.key(), WorkerCounts.ZERO);
        byPlacement.put(s.placement.key(), wc);
        total = total.plus(wc);
      }
      ts.add(new TemplateStatus(t.name(), byPlacement, total, t.waiting(), t.degraded, t.forecaster.latest(),
          Optional.of(t.sizing.status())));
    }
    return new PoolSnapshot(poolId, now, ts, board.statuses(now), rt.alerts.raised(), events.dropped(),
        rollout.statuses());
  }

  private WorkerCounts counts(TemplateRuntime t) {
    return snapshot().template(t.name()).map(TemplateStatus::total).orElse(WorkerCounts.ZERO);
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
    return "WorkerPool[" + poolId + (shared ? ", node " + storeLedger.node() + ", shared" : "")
        + (rt.closing() ? ", closing" : "") + "]";
  }
}
