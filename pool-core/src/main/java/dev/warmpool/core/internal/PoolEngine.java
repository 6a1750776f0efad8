package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.NoEligiblePlacementException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-pool engine behind {@link WorkerPool}: the lease path, the control pass that runs the rooms, and close.
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
 */
public final class PoolEngine implements WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(PoolEngine.class);
  private static final Duration MIN_PASS_GAP = Duration.ofMillis(100);

  final PoolClock clock;
  private final PoolRuntime rt;
  private final PoolConfig config;
  private final String poolId;
  private final Ledger ledger;
  private final Map<String, TemplateRuntime> templates = new LinkedHashMap<>();
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
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean closedFlag;
  /** Runner only: set by the close task, so a pass between closeAsync and it never sees a half-begun close. */
  private Instant closeDeadline;
  private PoolClock.Scheduled timer;
  private Instant timerAt;

  /**
   * Starts an engine on the local ledger; the configuration records checked their rules when they were built.
   *
   * @param config the configuration
   */
  public PoolEngine(PoolConfig config) {
    this.config = config;
    this.rt = new PoolRuntime(config);
    this.clock = rt.clock;
    this.poolId = rt.poolId;
    this.events = rt.events;
    this.ledger = new LocalLedger(clock.now().toEpochMilli());
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
    this.failover = new Failover(rt, degraded);
    this.deleter = new Deleter(rt, ledger, board, this);
    this.provisioner = new Provisioner(rt, ledger, board, new ProviderCalls(rt), failover, deleter);
    this.waiters = new Waiters(rt, this, degraded);
    provisioner.waiters(waiters);
    this.depletion = new DepletionWatch(rt);
    this.reconciler = new Reconciler(rt, ledger, templates, board, deleter);
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
      return CompletableFuture.failedFuture(noPlacement(t, request));
    }
    t.forecaster.requests.increment();
    String tenantKey = t.tenantKey(request.tenant());
    if (t.waiting() == 0) {
      Lease l = grant(t, request, tenantKey, now, Duration.ZERO);
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
    return Blocking.acquire(this, request, timeout);
  }

  @Override
  public Optional<Lease> tryLease(LeaseRequest request) {
    TemplateRuntime t = resolve(request);
    if (closedFlag || rt.closing()) {
      throw closedException(t, request, Duration.ZERO);
    }
    t.forecaster.requests.increment();
    return Optional.ofNullable(grant(t, request, t.tenantKey(request.tenant()), clock.now(), Duration.ZERO));
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
    if (events.active()) {
      events.publish(new PoolEvent.LeaseGranted(poolId, now, lease.id(), slot.id, t.name(), slot.placement(),
          request.tenant(), waited));
    }
    if (t.template.maxUses() == 1 || !slot.shelf.maybeHasIdle(tenantKey)) {
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
    if (events.active()) {
      events.publish(new PoolEvent.LeaseReleased(poolId, now, lease.id(), slot.id, t.name(), lease.tenant, discard));
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
      String reason = discard ? "discarded" : slot.retireOnRelease ? "drained" : "released";
      runner.execute(() -> deleter.start(slot, reason));
    }
  }

  private TemplateRuntime resolve(LeaseRequest request) {
    return TemplateResolver.resolve(poolId, templates, t -> t.template, request);
  }

  LeaseTimeoutException timeout(TemplateRuntime t, LeaseRequest r, Duration waited) {
    return new LeaseTimeoutException("no worker within the maximum wait of " + r.maxWait(), poolId, t.name(),
        r.tenant(), waited, counts(t), t.waiting(), t.lastFailure);
  }

  private NoEligiblePlacementException noPlacement(TemplateRuntime t, LeaseRequest r) {
    List<String> offered = t.shelves.stream().map(s -> s.placement.toString()).toList();
    return new NoEligiblePlacementException("no placement of the template is allowed by the request (geographies "
        + r.geographies() + ", regions " + r.regions() + "; the template runs in " + offered + ")", poolId, t.name(),
        r.tenant(), Duration.ZERO, counts(t), t.waiting(), null);
  }

  PoolClosedException closedException(TemplateRuntime t, LeaseRequest r, Duration waited) {
    return new PoolClosedException("pool closed", poolId, t.name(), r.tenant(), waited, counts(t), t.waiting(),
        t.lastFailure);
  }

  // ---------------------------------------------------------------- control path (serial runner only)

  private void pass() {
    Instant now = clock.now();
    Instant next = now.plus(config.controlInterval());
    next = PlacementBoard.min(next, board.tick(now));
    boolean anyDegraded = false;
    for (TemplateRuntime t : templates.values()) {
      t.tallyTotal = 0;
      t.leasedByTenant.clear();
      anyDegraded |= t.degraded;
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
          if (anyDegraded && lease != null) {
            slot.template.leasedByTenant.merge(lease.tenant, 1, Integer::sum);
          }
        }
        case WorkerSlot.IDLE -> {
          String reason = degraded.recycleReason(slot, now, due);
          if (reason != null && slot.retireIfIdle()) {
            slot.shelf.remove(slot);
            deleter.start(slot, reason);
          } else if (reason == null) {
            next = PlacementBoard.min(next, due[0]);
            slot.shelf.tallyIdle++;
          }
        }
        case WorkerSlot.DELETING -> next = PlacementBoard.min(next, deleter.due(slot, now));
        default -> { }
      }
    }
    if (!rt.closing()) {
      next = PlacementBoard.min(next, reconciler.tick(now));
    }
    if (closeDeadline != null) {
      next = PlacementBoard.min(next, closePass(now));
    } else if (!rt.closing()) {
      boolean adoptFirst = config.keepWarmPool() && !reconciler.doneOnce();
      for (TemplateRuntime t : templates.values()) {
        failover.update(t, now);
        if (adoptFirst) {
          continue; // a warm restart adopts the previous generation's workers before it provisions new ones
        }
        waiters.dispatch(t);
        provisioner.replenish(t, now);
        depletion.forecast(t, now);
        waiters.clearQuiet(t, now);
      }
      if (!adoptFirst) {
        board.clearQuiet(now);
      }
    }
    if (!closedFlag) {
      arm(next);
    }
  }

  /** Expires a lease past its deadline; returns when to look again. */
  private Instant checkLease(WorkerSlot slot, long word, Instant now) {
    LeaseImpl lease = slot.lease;
    if (lease == null || lease.token != WorkerSlot.grants(word)) {
      return Instant.MAX; // being granted or released right now; the next pass sees it settled
    }
    Instant expires = lease.expiresAt;
    if (expires == null) {
      return Instant.MAX;
    }
    if (now.isBefore(expires)) {
      return expires;
    }
    if (slot.endLease(lease.token, WorkerSlot.DELETING)) {
      slot.lease = null;
      rt.publish(new PoolEvent.LeaseExpired(poolId, now, lease.id(), slot.id, slot.template.name(), lease.tenant));
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
  public CompletableFuture<Void> reconcile() {
    if (rt.closing()) {
      return CompletableFuture.failedFuture(new WarmpoolException("pool " + poolId + " is closed"));
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    runner.execute(() -> {
      if (rt.closing()) {
        f.completeExceptionally(new WarmpoolException("pool " + poolId + " is closed"));
      } else {
        reconciler.request(f);
      }
    });
    return f;
  }

  // ---------------------------------------------------------------- close

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (rt.closing.compareAndSet(false, true)) {
      runner.execute(this::beginClose);
    }
    return closed;
  }

  @Override
  public void close() {
    Blocking.close(closeAsync(), config, log);
  }

  private void beginClose() {
    Instant now = clock.now();
    closeDeadline = now.plus(config.closeGracePeriod());
    log.info("pool {}: closing; live leases have until {}", poolId, closeDeadline);
    reconciler.closeRequests();
    for (TemplateRuntime t : templates.values()) {
      waiters.closeAll(t, now);
    }
    for (WorkerSlot slot : ledger.workers()) {
      if (slot.state() == WorkerSlot.LEASED) {
        slot.retireOnRelease = true;
      }
    }
    runner.wake();
  }

  /** One control pass while closing; returns when to look again. */
  private Instant closePass(Instant now) {
    boolean pastGrace = !now.isBefore(closeDeadline);
    for (WorkerSlot slot : ledger.workers()) {
      long w = slot.word();
      int state = WorkerSlot.state(w);
      if (state == WorkerSlot.IDLE && config.keepWarmPool() && slot.transition(w, WorkerSlot.GONE)) {
        // kept for the next start of a pool with this id, which adopts it
        slot.shelf.remove(slot);
        ledger.forget(slot);
      } else if (state == WorkerSlot.IDLE && slot.retireIfIdle()) {
        slot.shelf.remove(slot);
        deleter.start(slot, "close");
      } else if (state == WorkerSlot.LEASED && pastGrace && slot.endLease(WorkerSlot.grants(w), WorkerSlot.DELETING)) {
        LeaseImpl lease = slot.lease;
        slot.lease = null;
        log.warn("pool {}: lease {} still held after the close grace period; destroying its worker", poolId,
            lease == null ? slot.id : lease.id());
        deleter.start(slot, "close");
      }
    }
    if (ledger.isEmpty()) {
      finishClose();
      return Instant.MAX;
    }
    return pastGrace ? Instant.MAX : closeDeadline;
  }

  private void finishClose() {
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
        log.warn("pool {}: closing provider {} failed", poolId, p, e);
      }
    }
    log.info("pool {}: closed", poolId);
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
    Map<TemplateRuntime, Map<String, int[]>> counts = new HashMap<>();
    for (WorkerSlot slot : ledger.workers()) {
      int state = slot.state();
      if (state == WorkerSlot.GONE) {
        continue;
      }
      int[] c = counts.computeIfAbsent(slot.template, k -> new LinkedHashMap<>())
          .computeIfAbsent(slot.placement().key(), k -> new int[5]);
      switch (state) {
        case WorkerSlot.PROVISIONING -> c[0]++;
        case WorkerSlot.IDLE -> c[1]++;
        case WorkerSlot.LEASED -> c[slot.retireOnRelease ? 3 : 2]++;
        default -> c[4]++;
      }
    }
    List<TemplateStatus> ts = new ArrayList<>();
    for (TemplateRuntime t : templates.values()) {
      Map<String, WorkerCounts> byPlacement = new LinkedHashMap<>();
      WorkerCounts total = WorkerCounts.ZERO;
      for (PlacementShelf s : t.shelves) {
        int[] c = counts.getOrDefault(t, Map.of()).get(s.placement.key());
        WorkerCounts wc = c == null ? WorkerCounts.ZERO : new WorkerCounts(c[0], c[1], c[2], c[3], c[4]);
        byPlacement.put(s.placement.key(), wc);
        total = total.plus(wc);
      }
      ts.add(new TemplateStatus(t.name(), byPlacement, total, t.waiting(), t.degraded, t.forecaster.latest()));
    }
    return new PoolSnapshot(poolId, now, ts, board.statuses(now), rt.alerts.raised(), events.dropped());
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
    return "WorkerPool[" + poolId + ", " + snapshot().total() + "]";
  }
}
