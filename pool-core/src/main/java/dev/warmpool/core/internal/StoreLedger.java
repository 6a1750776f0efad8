package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The ledger of a pool that several nodes share through a {@link PoolStore}: grants and releases are one store call
 * each from any node; one node at a time leads (an expiring leadership with a fencing epoch) and runs the control
 * loop over a mirror of the store's rows.
 *
 * <p>Design: every pass reads the rows once and mirrors them into {@link WorkerSlot}s, so the control logic that the
 * local ledger runs (expire, recycle, replenish, delete, reconcile, placement health) runs unchanged on the leader.
 * Each change the control logic makes goes to the store first, guarded by the row's generation and the leader's
 * epoch; only a write the store took changes the mirror. A leader that was paused while another took over is refused
 * by the store ({@link StaleLeaderException}) and steps down; answers to calls it made before are then ignored
 * ({@link #owns}). Before any provider call the leader records its intent (a PROVISIONING or DELETING row naming its
 * node and epoch), so the next leader finds and resolves what a crashed one left. Placement health is written to the
 * store after every change and read back by every node, so the next leader continues where the last one stopped.
 *
 * <p>When the store cannot be reached, grants fail fast ({@link #unavailable()}), releases queue in memory and are
 * written when it answers, and the pass retries it every tick. The lease path runs on the caller's thread; everything
 * else on the engine's serial runner.
 */
final class StoreLedger implements Ledger {

  /** What a pass found about the leadership. */
  enum Lead { FOLLOWS, LEADS, TOOK_OVER, STEPPED_DOWN, CUT_OFF }

  private final PoolRuntime rt;
  private final PoolStore store;
  private final String poolId;
  private final String node;
  private final NodeSettings settings;
  private final Map<String, TemplateRuntime> templates;
  private final Map<String, PlacementShelf[]> shelves = new HashMap<>();
  /** Templates a run-time change removed, by name: their rows are mirrored until their workers are gone. Runner only. */
  private final Map<String, TemplateRuntime> retired = new HashMap<>();
  private final StoreLeases leases;
  private volatile List<StoredWorker> lastRows = List.of();

  // runner only
  private volatile long epoch;
  private volatile Instant leaderUntil = Instant.MIN;
  private long workerSeq;
  private long termStart;
  /** Read by retry predicates off the runner (through {@link #owns}): a concurrent map. */
  private final Map<String, WorkerSlot> mirror = new ConcurrentHashMap<>();
  private final Map<String, StoredWorker> rows = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private List<StoredNode> nodes = List.of();
  private Map<String, StoredPlacementHealth> health = Map.of();

  StoreLedger(PoolRuntime rt, PoolStore store, NodeSettings settings, Map<String, TemplateRuntime> templates,
      DegradedMode degraded) {
    this.rt = rt;
    this.store = store;
    this.poolId = rt.poolId;
    this.node = settings.nodeId();
    this.settings = settings;
    this.templates = templates;
    this.leases = new StoreLeases(rt, store, node, degraded);
    templates.values().forEach(this::register);
    store.open(poolId);
  }

  /** Indexes a template's shelves, so rows of its placements are mirrored; again after a run-time change. */
  void register(TemplateRuntime t) {
    // a removed template's rows stay mirrored until its workers are gone, so the leader deletes them
    if (t.removed) {
      retired.put(t.name(), t);
      return;
    }
    retired.remove(t.name());
    for (PlacementShelf s : t.shelves) {
      shelves.computeIfAbsent(t.name() + "|" + s.placement.key(), k -> new PlacementShelf[] {s})[0] = s;
    }
  }

  String node() {
    return node;
  }

  /** How often every node passes: the leader renews its leadership every third of the timeout. */
  Duration tick() {
    Duration third = settings.leadershipTimeout().dividedBy(3);
    return third.compareTo(rt.config.controlInterval()) < 0 ? third : rt.config.controlInterval();
  }

  Duration pollInterval() {
    return settings.pollInterval();
  }

  // ---------------------------------------------------------------- lease path (any thread)

  @Override
  public boolean leads() {
    return epoch > 0;
  }

  @Override
  public WorkerSlot claim(TemplateRuntime t, LeaseRequest request, String tenantKey) {
    return leases.claim(t, request, tenantKey);
  }

  StoreLeases leases() {
    return leases;
  }

  @Override
  public void remember(WorkerSlot slot) {
    // grants go through the store: there is no local hint
  }

  // ---------------------------------------------------------------- the pass (runner only)

  /**
   * Talks to the store once per pass: writes queued releases, heartbeats, takes or renews the leadership, reads the
   * rows and the placements' health, retires leases of this node that no holder here knows, works out the fair shares
   * across nodes, and mirrors the rows.
   */
  Lead beginPass(Instant now) {
    long before = epoch;
    try {
      // the first call that fails ends the talk: while the store is down a pass costs one failed call, not five
      leases.flush(now);
      store.heartbeat(poolId, node, now, FairSharesAcrossNodes.waitingHere(templates.values()), rt.closing());
      nodes = store.nodes(poolId);
      lead(now, rt.closing() && !rt.config.keepWarmPool() && lastNode(now));
      Collection<LeaseImpl> liveBefore = leases.liveLeases();
      List<StoredWorker> read = store.workers(poolId);
      Map<String, StoredPlacementHealth> h = new HashMap<>();
      store.placementHealth(poolId).forEach(x -> h.put(x.placement(), x));
      health = h;
      lastRows = read;
      leases.shares(FairSharesAcrossNodes.of(read, nodes, node, now, settings.leadershipTimeout(),
          settings.pollInterval().multipliedBy(2)));
      leases.up();
      leases.retireUnknown(now, read);
      leases.settle(read, liveBefore);
      sync(read, now);
    } catch (StoreUnavailableException e) {
      leases.down(e);
    } catch (StaleLeaderException e) {
      stepDown(now, "the store refused a write: another node took over");
    }
    StoreUnavailableException d = leases.unavailable();
    if (d != null) {
      rt.alerts.raise("store-unavailable", AlertSeverity.CRITICAL, "node " + node + " cannot reach the pool's"
          + " store, so it grants no new lease (leases already granted keep working): " + d.getMessage(), now);
    } else {
      rt.alerts.clear("store-unavailable", now);
    }
    if (epoch == 0) {
      return before > 0 ? Lead.STEPPED_DOWN : Lead.FOLLOWS;
    }
    if (d != null) {
      return Lead.CUT_OFF; // it may still lead, but it cannot know: it acts on nothing until the store answers
    }
    return before != epoch ? Lead.TOOK_OVER : Lead.LEADS;
  }

  private void lead(Instant now, boolean lastNodeDrains) {
    if (rt.closing() && epoch == 0 && !lastNodeDrains) {
      return; // a closing node takes over only to drain a pool nobody else serves
    }
    // the leadership lasts two thirds of the timeout and is renewed every third: a dead leader's lease ends within
    // two thirds, and the next pass of another node (at most a third later) takes over
    Leadership l = store.lead(poolId, node, now, settings.leadershipTimeout().multipliedBy(2).dividedBy(3));
    if (l.node().equals(node)) {
      leaderUntil = l.expiresAt();
      if (l.epoch() != epoch) {
        if (epoch > 0) {
          stepDown(now, "the leadership expired before it was renewed");
        }
        epoch = l.epoch();
        workerSeq = 0;
        termStart = now.toEpochMilli();
        PoolLog.info(poolId).node(node).log("leads (epoch {})", epoch);
        rt.publish(new PoolEvent.LeadershipAcquired(poolId, now, node, epoch));
      }
    } else if (epoch > 0) {
      stepDown(now, "node " + l.node() + " took over with epoch " + l.epoch());
    }
  }

  /** Stops leading: forgets the mirror; calls in flight finish on their own and their writes are refused. */
  void stepDown(Instant now, String reason) {
    if (epoch == 0) {
      return;
    }
    PoolLog.warn(poolId).node(node).log("no longer leads (epoch {}): {}", epoch, reason);
    rt.publish(new PoolEvent.LeadershipLost(poolId, now, node, epoch, reason));
    epoch = 0;
    mirror.clear();
    rows.clear();
    inFlight.clear();
  }

  /** Gives the leadership up and leaves the store, at close. */
  void leave(Instant now) {
    try {
      if (epoch > 0) {
        store.resign(poolId, node, epoch, now);
        rt.publish(new PoolEvent.LeadershipLost(poolId, now, node, epoch, "node closed"));
        epoch = 0;
      }
      store.leave(poolId, node);
    } catch (StoreUnavailableException | StaleLeaderException e) {
      PoolLog.storeWarn(poolId).node(node)
          .log("closed without telling the store; its leadership expires by itself");
    }
  }

  /** Mirrors the rows this configuration knows into slots; rows of other templates or placements are left alone. */
  private void sync(List<StoredWorker> read, Instant now) {
    Set<String> seen = new HashSet<>();
    for (StoredWorker w : read) {
      TemplateRuntime t = templates.get(w.template());
      if (t == null) {
        t = retired.get(w.template());
      }
      PlacementShelf shelf = t == null ? null : shelf(t.name(), w.placement());
      if (shelf == null) {
        continue; // another configuration's worker: left to the node that knows it
      }
      seen.add(w.id());
      WorkerSlot slot = mirror.get(w.id());
      if (slot == null) {
        slot = new WorkerSlot(w.id(), t, shelf, w.createdAt(), floorOf(w));
        mirror.put(w.id(), slot);
        if (w.state() == State.DELETING) {
          // a delete this process did not start (a previous leader's, or this node's before a restart under the same
          // id, which renews the same epoch) may still be in flight: a second one would overlap it (the local ledger
          // leaves a resource listed as deleting alone for the grace period too); after it, the delete goes again (a
          // resource already gone deletes as success)
          slot.nextDeleteAt = now.plus(rt.config.orphanGracePeriod());
        }
      }
      rows.put(w.id(), w);
      apply(slot, w, now);
    }
    mirror.keySet().removeIf(id -> !seen.contains(id) && !inFlight.contains(id));
    rows.keySet().removeIf(id -> !seen.contains(id));
  }

  private void apply(WorkerSlot slot, StoredWorker w, Instant now) {
    int state = switch (w.state()) {
      case PROVISIONING -> WorkerSlot.PROVISIONING;
      case IDLE -> WorkerSlot.IDLE;
      case LEASED -> WorkerSlot.LEASED;
      case RETIRED, DELETING -> WorkerSlot.DELETING;
    };
    if (!w.resourceId().isEmpty() && slot.worker == null) {
      slot.ready(w.resourceId(), TemplateVersion.without(w.attributes()), w.readyAt() != null ? w.readyAt() : now);
    }
    String version = w.attributes().get(TemplateVersion.ATTRIBUTE);
    if (version != null) {
      slot.version = version;
    }
    if (w.readyAt() != null) {
      slot.readyAt = w.readyAt();
    }
    if (w.idleSince() != null) {
      slot.idleSince = w.idleSince();
    }
    slot.tenant = w.tenant();
    slot.leaseId = w.leaseId();
    slot.heldBy = w.holder();
    slot.heldUntil = w.deadline();
    slot.heldSince = w.grantedAt();
    if (state == WorkerSlot.DELETING && slot.deleteReason == null) {
      slot.deleteReason = w.reason() != null ? w.reason() : w.state() == State.RETIRED ? "released" : "deleting";
    }
    // a provision this leader did not start (a previous leader's, or one whose answer this one lost): its outcome is
    // unknown, so the engine deletes it by name once its provisioning timeout passed or at once if older leader's
    // (a row older than this term is an earlier process's even when a node restarted under the same id renewed the
    // same epoch)
    slot.foreign = state == WorkerSlot.PROVISIONING && !inFlight.contains(w.id()) && (w.epoch() != epoch
        || w.createdAt().toEpochMilli() < termStart
        || !now.isBefore(w.createdAt().plus(slot.template.template.provisioningTimeout())));
    slot.mirror(w.grants(), state);
  }

  /** The health a leader wrote for a placement, or null. */
  StoredPlacementHealth health(String placementKey) {
    return health.get(placementKey);
  }

  /** Requests waiting on the other live nodes for a template, as the last pass read them: the leader provisions too. */
  int waitingElsewhere(String template) {
    return leases.shares(template).waitingElsewhere();
  }

  /** Whether a lease's holder node is gone (left, or silent for the orphan grace period). */
  boolean holderGone(WorkerSlot slot, Instant now) {
    if (slot.heldUntil != null || slot.heldBy == null) {
      return false;
    }
    Duration grace = rt.config.orphanGracePeriod();
    for (StoredNode x : nodes) {
      if (x.node().equals(slot.heldBy)) {
        return !now.isBefore(x.lastSeen().plus(grace));
      }
    }
    return slot.heldSince != null && !now.isBefore(slot.heldSince.plus(grace));
  }

  /** Whether no other live node serves the pool: nodes that close too do not count, so one of them still drains. */
  boolean lastNode(Instant now) {
    return nodes.stream().noneMatch(n -> !n.node().equals(node) && !n.closing()
        && now.isBefore(n.lastSeen().plus(settings.leadershipTimeout())));
  }

  /** Live leases per tenant key of a template, as the last pass read the store: fair shares on every node. */
  Map<String, Integer> leasedByTenant(String template) {
    return leases.shares(template).held();
  }

  /** Whether any row of this configuration's templates is left, as the last pass read them. */
  boolean anyWorkerLeft() {
    return lastRows.stream().anyMatch(w -> templates.containsKey(w.template()));
  }

  /** The leader at the store, for a message. */
  String leaderName() {
    try {
      return store.leadership(poolId).map(l -> "node " + l.node()).orElse("none yet");
    } catch (StoreUnavailableException e) {
      return "unknown: the store is unavailable";
    }
  }

  // ---------------------------------------------------------------- leader writes (runner only)

  /**
   * Whether this node may still act as leader: it leads, reaches the store, and its leadership has not run out on its
   * own clock (a pass that ran long, a pause). The store's epoch check on every write is the fence; this keeps a node
   * that knows it is late or cut off from even trying, and from calling providers.
   */
  @Override
  public boolean mayAct() {
    return epoch > 0 && leases.unavailable() == null && rt.clock.now().isBefore(leaderUntil);
  }

  @Override
  public boolean confirmLeadership() {
    if (!mayAct()) {
      return false;
    }
    Instant now = rt.clock.now();
    try {
      Leadership l = store.lead(poolId, node, now, settings.leadershipTimeout().multipliedBy(2).dividedBy(3));
      if (!l.node().equals(node) || l.epoch() != epoch) {
        stepDown(now, "node " + l.node() + " leads with epoch " + l.epoch());
        return false;
      }
      leaderUntil = l.expiresAt();
      return mayAct();
    } catch (StoreUnavailableException e) {
      leases.down(e);
      return false;
    }
  }

  @Override
  public boolean owns(WorkerSlot slot) {
    return epoch > 0 && mirror.get(slot.id) == slot;
  }

  @Override
  public String newWorkerId() {
    // the epoch alone repeats when a pool starts over on an empty store; the time the term began does not
    return "w" + Long.toString(epoch, 36) + "-" + Long.toString(termStart, 36) + "-" + Long.toString(++workerSeq, 36);
  }

  @Override
  public long tokenFloor() {
    return 0; // the store keeps each worker's grant count for as long as it keeps the worker
  }

  @Override
  public long adoptionFloor(String taggedGeneration) {
    // a resource with no row: its tokens start above anything an earlier row (or an earlier store) can have handed
    // out, derived from the time of adoption as the local ledger derives its floor from its start
    return rt.clock.now().toEpochMilli() << LocalLedger.TOKEN_BITS;
  }

  /**
   * The term's start in milliseconds: the epoch alone repeats when a pool starts over on an empty store, so a
   * previous run's resources would look like this term's own.
   */
  @Override
  public long generation() {
    return termStart;
  }

  @Override
  public long term() {
    return epoch;
  }

  @Override
  public boolean add(WorkerSlot slot) {
    if (!mayAct()) {
      return false;
    }
    long floor = WorkerSlot.grants(slot.word());
    // an adopted row's creation time is its floor's, so every node derives the same floor from the row
    Instant created = floor > 0 ? Instant.ofEpochMilli(floor >>> LocalLedger.TOKEN_BITS) : rt.clock.now();
    // the version goes with the intent: a node that continues the provision after a crash or a change of leader
    // knows which version is being made, and does not roll the worker as stale the moment it is ready
    StoredWorker row = new StoredWorker(slot.id, slot.template.name(), slot.placement().key(), State.PROVISIONING, 0,
        floor, epoch, "", TemplateVersion.withVersion(Map.of(), slot.version), null, node, null, null, null, created,
        null, null, null);
    if (!guard(() -> store.insert(poolId, epoch, row))) {
      return false;
    }
    rows.put(slot.id, row);
    mirror.put(slot.id, slot);
    inFlight.add(slot.id);
    return true;
  }

  @Override
  public void joined(WorkerSlot slot) {
    inFlight.add(slot.id);
    slot.foreign = false;
  }

  @Override
  public boolean toIdle(WorkerSlot slot) {
    StoredWorker row = rows.get(slot.id);
    inFlight.remove(slot.id);
    if (!owns(slot) || row == null) {
      return false;
    }
    StoredWorker ready = row.ready(slot.worker.resourceId(),
        TemplateVersion.withVersion(slot.worker.attributes(), slot.version), epoch, slot.readyAt);
    if (!replace(slot, ready)) {
      return false;
    }
    slot.transition(slot.word(), WorkerSlot.IDLE);
    return true;
  }

  @Override
  public boolean toDeleting(WorkerSlot slot, long expected, String reason) {
    inFlight.remove(slot.id);
    StoredWorker row = rows.get(slot.id);
    if (!owns(slot) || row == null || slot.word() != expected) {
      return false;
    }
    if (!replace(slot, row.deleting(node, epoch, reason))) {
      return false;
    }
    slot.deleteReason = reason;
    slot.mirror(WorkerSlot.grants(expected), WorkerSlot.DELETING);
    return true;
  }

  @Override
  public boolean claimDelete(WorkerSlot slot) {
    StoredWorker row = rows.get(slot.id);
    if (!owns(slot) || !mayAct() || row == null) { // a provider call follows: only a leader that knows it leads
      return false;
    }
    if (row.state() == State.DELETING && row.epoch() == epoch && node.equals(row.holder())) {
      return true;
    }
    return replace(slot, row.deleting(node, epoch, slot.deleteReason));
  }

  @Override
  public void forget(WorkerSlot slot) {
    inFlight.remove(slot.id);
    StoredWorker row = rows.get(slot.id);
    if (!owns(slot) || row == null) {
      return;
    }
    if (guard(() -> store.delete(poolId, epoch, slot.id, row.generation()))) {
      rows.remove(slot.id);
      mirror.remove(slot.id);
      slot.transition(slot.word(), WorkerSlot.GONE);
    }
  }

  @Override
  public void keep(WorkerSlot slot) {
    mirror.remove(slot.id); // the store keeps it for the nodes that stay, or the next start
  }

  @Override
  public boolean knows(String workerId) {
    return mirror.containsKey(workerId);
  }

  @Override
  public Collection<WorkerSlot> workers() {
    return List.copyOf(mirror.values());
  }

  @Override
  public boolean isEmpty() {
    return mirror.isEmpty();
  }

  @Override
  public void keepHealth(PlacementHealth h) {
    if (!h.takeChanged() || !mayAct()) {
      return;
    }
    StoredPlacementHealth state = h.export();
    guard(() -> {
      store.putPlacementHealth(poolId, epoch, state);
      return true;
    });
  }

  /** Writes hours of learned demand where the next leader finds them (issue 24); false if the store refused. */
  boolean keepDemand(List<dev.warmpool.spi.StoredDemand> demand) {
    if (demand.isEmpty() || !mayAct()) {
      return false;
    }
    return guard(() -> {
      store.putDemand(poolId, epoch, demand);
      return true;
    });
  }

  /** The learned demand the last leaders kept; empty if the store cannot be read now. */
  List<dev.warmpool.spi.StoredDemand> demand() {
    try {
      return store.demand(poolId);
    } catch (StoreUnavailableException e) {
      return List.of();
    }
  }

  /** A store-only write: the store's epoch check fences it, so a late leader learns here that it was replaced. */
  private boolean replace(WorkerSlot slot, StoredWorker next) {
    if (!guard(() -> store.replace(poolId, epoch, next))) {
      return false; // the row changed meanwhile (a grant, a release): the next pass sees it as it is
    }
    rows.put(slot.id, next.nextGeneration());
    return true;
  }

  /** Runs a leader write; a refused epoch steps down, an unreachable store marks it down: both count as not done. */
  private boolean guard(Supplier<Boolean> write) {
    try {
      return write.get();
    } catch (StaleLeaderException e) {
      stepDown(rt.clock.now(), "the store refused a write: another node took over");
      return false;
    } catch (StoreUnavailableException e) {
      leases.down(e);
      return false;
    }
  }

  // ---------------------------------------------------------------- counts for snapshots (any thread)

  /** Counts per template and placement from the store's rows, read now (the last read if the store is away). */
  @Override
  public Map<String, Map<String, WorkerCounts>> counts() {
    try {
      lastRows = store.workers(poolId);
    } catch (StoreUnavailableException e) {
      leases.down(e);
    }
    Map<String, Map<String, int[]>> c = new HashMap<>();
    for (StoredWorker w : lastRows) {
      int[] n = c.computeIfAbsent(w.template(), k -> new HashMap<>()).computeIfAbsent(w.placement(),
          k -> new int[5]);
      switch (w.state()) {
        case PROVISIONING -> n[0]++;
        case IDLE -> n[1]++;
        case LEASED -> n[2]++;
        // a RETIRED worker is held by no lease (the API's "draining" is): it waits for the leader's delete
        case RETIRED, DELETING -> n[4]++;
        default -> throw new IllegalStateException("unknown state " + w.state());
      }
    }
    Map<String, Map<String, WorkerCounts>> out = new HashMap<>();
    c.forEach((t, byPlacement) -> {
      Map<String, WorkerCounts> m = new HashMap<>();
      byPlacement.forEach((p, n) -> m.put(p, new WorkerCounts(n[0], n[1], n[2], n[3], n[4])));
      out.put(t, m);
    });
    return out;
  }

  private PlacementShelf shelf(String template, String placementKey) {
    PlacementShelf[] s = shelves.get(template + "|" + placementKey);
    return s == null ? null : s[0];
  }

  /**
   * A row's token floor: an adopted row starts its grant count at its creation time in milliseconds shifted by
   * {@link LocalLedger#TOKEN_BITS}; a provisioned one at 0. Uses are grants above the floor.
   */
  static long floorOf(StoredWorker w) {
    long floor = w.createdAt().toEpochMilli() << LocalLedger.TOKEN_BITS;
    return w.grants() >= floor ? floor : 0;
  }

  /** For messages that name the leader. */
  WarmpoolException notLeading() {
    return new WarmpoolException("pool " + poolId + ": node " + node + " does not lead; the leader reconciles ("
        + leaderName() + ")");
  }
}
