package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolConfiguration;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.RolloutStatus;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredConfiguration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run-time changes and rolling replacement: applies a new {@link PoolConfiguration} to the running engine (templates
 * added, changed or removed, placements added, reordered or drained) and replaces the workers that no longer match
 * it, a few at a time.
 *
 * <p>Design: a worker is <em>stale</em> when its version is not its template's ({@link TemplateVersion}), when its
 * placement is drained for its template, or when its template was removed. Staleness is derived from the worker and
 * its template each pass, never recorded as a step of a plan, so a roll survives a restart (adopted workers carry
 * their version tag) or a change of leader without a plan to restore. Each pass, per template: an idle stale worker
 * is removed only while the idle stock left stays at or above the warm target plus the waiting requests, less
 * {@code maxUnavailable}; replenishment is asked for up to {@code maxSurge} extra workers ({@link TemplateRuntime#surge})
 * so that there is stock to remove against. A leased stale worker is not kept at release ({@link DegradedMode}).
 * While no placement can provision the template the roll pauses: nothing stale is removed, and released stale
 * workers are kept (the degraded mode protects the stock). Runner only, but for {@link #configuration()},
 * {@link #statuses()} and {@link #stale}, which any thread may call.
 */
final class Rollout {
  private static final Logger log = LoggerFactory.getLogger(Rollout.class);
  static final String REASON = "rollout";

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final TemplateTable templates;
  private final PlacementBoard board;
  private final Deleter deleter;
  /** Called with each template a change adds or reshapes (a store ledger indexes its shelves). */
  private final Consumer<TemplateRuntime> registered;
  private volatile PoolConfiguration current;
  private final Map<TemplateRuntime, Roll> rolls = new LinkedHashMap<>();
  /** A shared pool's store, where a change is written so every node applies it; null on one node. */
  private final PoolStore store;
  private final String node;
  /** The store's revision this node applied last (runner only, but for the write that a change makes). */
  private volatile long revision;
  /** How often a node of a shared pool looks for a change another node made. */
  static final java.time.Duration FOLLOW_INTERVAL = java.time.Duration.ofSeconds(30);
  /** Runner only: when {@link #follow} reads the store next. */
  private Instant nextFollowAt = Instant.MIN;
  private volatile List<RolloutStatus> statuses = List.of();

  /** One template's roll: runner only. */
  private static final class Roll {
    final Instant startedAt;
    int replaced;
    int remaining = -1;
    boolean paused;

    Roll(Instant startedAt) {
      this.startedAt = startedAt;
    }
  }

  Rollout(PoolRuntime rt, Ledger ledger, TemplateTable templates, PlacementBoard board, Deleter deleter,
      Consumer<TemplateRuntime> registered, PoolStore store, String node) {
    this.rt = rt;
    this.store = store;
    this.node = node;
    this.ledger = ledger;
    this.templates = templates;
    this.board = board;
    this.deleter = deleter;
    this.registered = registered;
    PoolConfiguration.Builder b = PoolConfiguration.builder();
    rt.config.templates().forEach(b::template);
    rt.config.placements().forEach(b::placement);
    this.current = b.build();
  }

  PoolConfiguration configuration() {
    return current;
  }

  List<RolloutStatus> statuses() {
    return statuses;
  }

  /** Whether a worker no longer matches the configuration: another version, a drained placement, a removed template. */
  static boolean stale(WorkerSlot slot) {
    TemplateRuntime t = slot.template;
    return t.removed || slot.shelf.draining || !Objects.equals(slot.version, t.version);
  }

  /** Checks a configuration as {@code build()} does; throws and changes nothing if it breaks a rule. Any thread. */
  void check(PoolConfiguration next) {
    Objects.requireNonNull(next, "configuration cannot be null");
    ConfigRules.check(next.templates(), next.placements(), rt.config.providers().keySet());
    ConfigRules.checkDraining(next.templates(), next.placements(), next.draining());
    ConfigRules.checkWithProviders(rt.config.providers(), next.templates(), next.placements());
  }

  /**
   * Writes a checked change to a shared pool's store, as the next revision, so that every node applies it. Any
   * thread; nothing on one node.
   *
   * @throws WarmpoolException if the store cannot be reached, or another node changed the pool since this one read it
   */
  void write(PoolConfiguration next, Instant now) {
    if (store == null) {
      return;
    }
    try {
      long stored = store.configuration(rt.poolId).map(StoredConfiguration::revision).orElse(0L);
      if (stored > revision) {
        throw new WarmpoolException("pool " + rt.poolId + ": another node changed the configuration (revision "
            + stored + ") since this node applied revision " + revision + "; read configuration() again once it"
            + " applied, and retry");
      }
      StoredConfiguration c = new StoredConfiguration(stored + 1, ConfigurationDocument.write(next), node, now);
      if (!store.putConfiguration(rt.poolId, c)) {
        throw new WarmpoolException("pool " + rt.poolId + ": another node changed the configuration meanwhile;"
            + " read configuration() again and retry");
      }
      revision = stored + 1;
    } catch (StoreUnavailableException e) {
      throw new WarmpoolException("pool " + rt.poolId + ": the store cannot take the change now; nothing changed",
          e);
    }
  }

  /**
   * On a shared pool, applies a change another node wrote to the store. Called every pass, leader or not, it reads
   * the store at most once per {@link #FOLLOW_INTERVAL}, so a change costs the other nodes no more than that delay and
   * the store one small read per node in that time.
   */
  void follow(Instant now) {
    if (store == null || now.isBefore(nextFollowAt)) {
      return;
    }
    nextFollowAt = now.plus(FOLLOW_INTERVAL);
    Optional<StoredConfiguration> c;
    try {
      c = store.configuration(rt.poolId);
    } catch (StoreUnavailableException e) {
      return; // the next pass looks again
    }
    if (c.isPresent() && c.get().revision() > revision) {
      PoolConfiguration next;
      try {
        next = ConfigurationDocument.read(c.get().document());
        check(next);
      } catch (RuntimeException e) {
        // written by a node of another version, or checked against providers this node lacks: keep what runs
        log.error("pool {}: the store's configuration revision {} cannot be applied on node {}: {}", rt.poolId,
            c.get().revision(), node, e.toString());
        revision = c.get().revision();
        return;
      }
      revision = c.get().revision();
      apply(next, now);
    }
  }

  /** Applies a checked configuration. */
  void apply(PoolConfiguration next, Instant now) {
    PoolConfiguration prev = current;
    if (prev.equals(next)) {
      return;
    }
    List<Placement> ordered = new ArrayList<>(next.placements());
    ordered.sort(Comparator.comparingInt(Placement::preference).thenComparing(Placement::key));
    for (Placement p : ordered) {
      if (board.health(p.key()) == null) {
        board.add(p);
        log.info("pool {}: placement {} added", rt.poolId, p.key());
      }
    }
    Set<String> drainedBefore = drained(prev);
    Set<String> drainedNow = drained(next);
    for (PlacementHealth h : board.all()) {
      String key = h.placement.key();
      if (drainedBefore.contains(key) != drainedNow.contains(key)) {
        boolean draining = drainedNow.contains(key);
        log.info("pool {}: placement {} {}", rt.poolId, key, draining ? "drains" : "takes new workers again");
        rt.publish(new PoolEvent.PlacementDraining(rt.poolId, now, h.placement, draining));
      }
    }
    Set<String> names = new HashSet<>();
    for (WorkerTemplate wt : next.templates()) {
      names.add(wt.name());
      TemplateRuntime t = templates.get(wt.name());
      if (t == null) {
        t = new TemplateRuntime(wt, shelves(null, wt, ordered, drainedNow), rt.config.forecast().demandSmoothing());
        registered.accept(t);
        templates.put(wt.name(), t);
        log.info("pool {}: template {} added (version {})", rt.poolId, wt.name(), t.version);
        rt.publish(new PoolEvent.TemplateChanged(rt.poolId, now, wt.name(), "added", t.version));
        continue;
      }
      String before = t.version;
      boolean shelvesChanged = !t.template.equals(wt) || !drainedBefore.equals(drainedNow)
          || !prev.placements().equals(next.placements());
      if (!shelvesChanged) {
        continue;
      }
      t.reshape(wt, shelves(t, wt, ordered, drainedNow));
      registered.accept(t);
      boolean newVersion = !before.equals(t.version);
      if (newVersion) {
        rolls.put(t, new Roll(now));
        log.info("pool {}: template {} has a new version {} (was {}): its workers roll", rt.poolId, wt.name(),
            t.version, before);
      }
      if (newVersion || !prev.templates().contains(wt)) {
        rt.publish(new PoolEvent.TemplateChanged(rt.poolId, now, wt.name(), newVersion ? "new-version" : "changed",
            t.version));
      }
    }
    for (TemplateRuntime t : List.copyOf(templates.values())) {
      if (!names.contains(t.name())) {
        t.removed = true;
        t.shelves.forEach(s -> s.draining = true);
        templates.remove(t.name());
        registered.accept(t);
        rolls.put(t, new Roll(now));
        log.info("pool {}: template {} removed: its workers go", rt.poolId, t.name());
        rt.publish(new PoolEvent.TemplateChanged(rt.poolId, now, t.name(), "removed", ""));
      }
    }
    current = next;
  }

  private static Set<String> drained(PoolConfiguration c) {
    return c.draining();
  }

  /** A template's shelves for the new configuration: allowed placements by preference, then the drained ones. */
  private List<PlacementShelf> shelves(TemplateRuntime t, WorkerTemplate wt, List<Placement> ordered,
      Set<String> drainedNow) {
    Map<String, PlacementShelf> existing = new HashMap<>();
    if (t != null) {
      t.shelves.forEach(s -> existing.put(s.placement.key(), s));
    }
    List<PlacementShelf> open = new ArrayList<>();
    List<PlacementShelf> draining = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (Placement p : ordered) {
      if (!wt.allows(p)) {
        continue;
      }
      PlacementShelf s = existing.get(p.key());
      if (s == null) {
        s = new PlacementShelf(board.health(p.key()));
      }
      placed.add(p.key());
      s.draining = drainedNow.contains(p.key());
      (s.draining ? draining : open).add(s);
    }
    for (PlacementShelf s : existing.values()) {
      if (!placed.contains(s.placement.key())) {
        s.draining = true; // removed from the configuration, or no longer allowed: drained, kept while workers sit
        draining.add(s);
      }
    }
    open.addAll(draining);
    return open;
  }

  /** Per template in one pass: stale workers, idle workers, and the idle stale ones in the order met. */
  private static final class Tally {
    int idle;
    int stale;
    final List<WorkerSlot> staleIdle = new ArrayList<>();
    final List<Long> staleIdleWords = new ArrayList<>();
  }

  /**
   * Steps every roll: removes idle stale workers within the bound, asks for surge, publishes progress. Runs on the
   * leader's pass after the pass's recycling and before replenishment.
   */
  void pass(Instant now) {
    Map<TemplateRuntime, Tally> tallies = new HashMap<>();
    for (WorkerSlot slot : ledger.workers()) {
      long w = slot.word();
      int state = WorkerSlot.state(w);
      if (state == WorkerSlot.DELETING || state == WorkerSlot.GONE) {
        continue;
      }
      Tally c = tallies.computeIfAbsent(slot.template, k -> new Tally());
      boolean stale = stale(slot);
      if (state == WorkerSlot.IDLE) {
        c.idle++;
        if (stale) {
          c.staleIdle.add(slot);
          c.staleIdleWords.add(w);
        }
      }
      if (stale) {
        c.stale++;
      }
    }
    for (Map.Entry<TemplateRuntime, Tally> e : tallies.entrySet()) {
      if (e.getValue().stale > 0 && !rolls.containsKey(e.getKey())) {
        rolls.put(e.getKey(), new Roll(now)); // stale workers without a change here: adopted after a restart
      }
    }
    List<RolloutStatus> out = new ArrayList<>();
    for (var it = rolls.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      TemplateRuntime t = e.getKey();
      Roll roll = e.getValue();
      Tally c = tallies.getOrDefault(t, new Tally());
      boolean paused = !t.removed && (t.degraded || t.active == null);
      int retired = 0;
      t.surge = 0;
      if (!paused) {
        int need = t.removed ? 0 : Math.max(0, t.template.warmTarget() + t.waiting() - current.maxUnavailable());
        for (int i = 0; i < c.staleIdle.size() && c.idle - 1 >= need; i++) {
          WorkerSlot slot = c.staleIdle.get(i);
          if (ledger.toDeleting(slot, c.staleIdleWords.get(i), REASON)) {
            deleter.start(slot, REASON);
            c.idle--;
            c.stale--;
            retired++;
          }
        }
        t.surge = t.removed ? 0 : Math.min(current.maxSurge(), c.staleIdle.size() - retired);
      }
      if (roll.remaining >= 0 && roll.remaining > c.stale) {
        roll.replaced += roll.remaining - c.stale;
      } else if (roll.remaining < 0) {
        roll.replaced += retired;
      }
      roll.remaining = c.stale;
      RolloutStatus status = new RolloutStatus(t.name(), t.version, c.stale, roll.replaced, paused, roll.startedAt);
      if (retired > 0 || paused != roll.paused) {
        if (paused != roll.paused) {
          log.info("pool {}: roll of template {} {}", rt.poolId, t.name(), paused ? "paused: no placement can"
              + " provision it" : "resumed");
        }
        rt.publish(new PoolEvent.RolloutProgressed(rt.poolId, now, status, c.idle));
      }
      roll.paused = paused;
      if (c.stale == 0) {
        it.remove();
        t.surge = 0;
        log.info("pool {}: template {} rolled to version {} ({} workers replaced)", rt.poolId, t.name(), t.version,
            roll.replaced);
        rt.publish(new PoolEvent.RolloutFinished(rt.poolId, now, t.name(), t.version, roll.replaced));
        continue;
      }
      out.add(status);
    }
    statuses = List.copyOf(out);
  }
}
