package dev.warmpool.core.internal;

import dev.warmpool.api.PoolEvent;
import java.time.Duration;
import java.time.Instant;
import dev.warmpool.spi.StoredDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each template's warm target each control pass: asks its {@link Sizing} for the target, tells listeners when
 * a computed target moved (at most one {@link PoolEvent.TargetChanged} a minute per template, with the latest
 * target), and retires idle workers above a computed target, gently.
 *
 * <p>Design: retiring is the only way a computed target shrinks the stock, so it is careful: never while requests
 * wait, the template is degraded (then the stock is all there is) or on an {@link OutageRunway} (the stock is the
 * outage's buffer, and the oldest workers sit where deletes would meet the failing control plane), never below the
 * target plus what demand takes within the dwell anyway (a single-use pool would otherwise retire a worker now and
 * provision its replacement minutes later: churn), oldest first (the one {@code maxAge} retires next anyway), and at
 * most one worker per template every {@link #RETIRE_GAP}. Fixed targets keep today's behaviour: nothing is retired for
 * them. The outage runway is decided here, each pass, just before the target. Runner only.
 */
final class TargetKeeper {
  static final Duration EVENT_GAP = Duration.ofMinutes(1);
  static final Duration RETIRE_GAP = Duration.ofSeconds(30);
  static final String RETIRED = "above-target";

  private final PoolRuntime rt;
  private final Ledger ledger;
  private final Deleter deleter;
  private final Map<TemplateRuntime, Instant> lastEvent = new HashMap<>();
  private final Map<TemplateRuntime, Integer> published = new HashMap<>();
  private final Map<TemplateRuntime, Instant> lastRetired = new HashMap<>();
  /** Shared pool: grants the leader saw in the store's rows, per template, and up to when it looked. */
  private final Map<TemplateRuntime, long[]> grantsSeen = new HashMap<>();
  private final boolean shared;
  private final OutageRunway runway;
  /** Shared pool: where the leader keeps the learned demand, and reads what earlier leaders kept. */
  private java.util.function.Predicate<List<StoredDemand>> keep = d -> false;
  private java.util.function.Supplier<List<StoredDemand>> kept = List::of;
  private Instant lastKept;

  TargetKeeper(PoolRuntime rt, Ledger ledger, Deleter deleter, boolean shared) {
    this.rt = rt;
    this.ledger = ledger;
    this.deleter = deleter;
    this.shared = shared;
    this.runway = new OutageRunway(rt.config.health().failover(), rt.config.forecast().failureBurst());
  }

  /** A shared pool's store of learned demand. */
  void store(java.util.function.Predicate<List<StoredDemand>> keep,
      java.util.function.Supplier<List<StoredDemand>> kept) {
    this.keep = keep;
    this.kept = kept;
  }

  /**
   * A new leader continues from what the last leaders learned: the hours of the week, the rate of the last hour until
   * its own windows have seen some, and the provisioning times of the workers the store holds (created and ready), so
   * that its target does not start again from the floor, nor from the provisioning timeout.
   */
  void restore(Iterable<TemplateRuntime> templates, Instant now) {
    List<WorkerSlot> ready = new ArrayList<>();
    for (WorkerSlot slot : ledger.workers()) {
      if (slot.readyAt != null && slot.intendedAt != null && !slot.readyAt.isBefore(slot.intendedAt)) {
        ready.add(slot);
      }
    }
    for (TemplateRuntime t : templates) {
      if (t.sizing.computed()) {
        for (PlacementShelf shelf : t.shelves) {
          if (t.sizing.latency(shelf) == null) {
            for (WorkerSlot slot : ready) {
              if (slot.template == t && slot.shelf == shelf) {
                t.sizing.provisioned(shelf, slot.intendedAt, slot.readyAt); // kept by start: any order will do
              }
            }
          }
        }
      }
    }
    List<StoredDemand> all = kept.get();
    for (TemplateRuntime t : templates) {
      SeasonalHistory h = t.sizing.history();
      if (h != null) {
        for (StoredDemand d : all) {
          if (d.template().equals(t.name())) {
            h.merge(d.hourOfWeek(), d.peak(), d.recordedHour());
          }
        }
        h.takeChanged(); // what came from the store needs no write back
        t.sizing.inherit(now);
      }
    }
  }

  /** Writes the hours learned since the last write, at most once a minute. */
  void keep(Iterable<TemplateRuntime> templates, Instant now) {
    if (!shared || lastKept != null && now.isBefore(lastKept.plus(EVENT_GAP))) {
      return;
    }
    lastKept = now;
    List<StoredDemand> out = new ArrayList<>();
    for (TemplateRuntime t : templates) {
      SeasonalHistory h = t.sizing.history();
      if (h != null) {
        for (long[] b : h.takeChanged()) {
          out.add(new StoredDemand(t.name(), (int) b[0], (int) b[1], b[2]));
        }
      }
    }
    keep.test(out);
  }

  /**
   * Lease requests so far: this node's count on the local ledger; on a shared pool, where requests arrive at every
   * node, the grants the leader sees in the store's rows (each lease's grant time, counted once) plus this node's
   * requests that are still waiting are counted through the waiting term.
   */
  private long requests(TemplateRuntime t, Instant now) {
    if (!shared) {
      return t.forecaster.requests.sum();
    }
    long[] seen = grantsSeen.computeIfAbsent(t, k -> new long[] {0, now.toEpochMilli()});
    long after = seen[1];
    for (WorkerSlot slot : ledger.workers()) {
      Instant since = slot.heldSince;
      if (slot.template == t && since != null && since.toEpochMilli() > after
          && since.toEpochMilli() <= now.toEpochMilli()) {
        seen[0]++;
      }
    }
    seen[1] = Math.max(after, now.toEpochMilli());
    return seen[0];
  }

  /**
   * Decides the template's outage runway and computes its target from this pass's tallies, before the provisioner
   * reads them.
   */
  void update(TemplateRuntime t, Instant now, int waitingElsewhere) {
    int idle = 0;
    for (PlacementShelf s : t.shelves) {
      idle += s.tallyIdle;
    }
    Sizing sizing = t.sizing;
    runway.update(t, now);
    sizing.update(t, now, idle, t.waiting() + waitingElsewhere, requests(t, now),
        sizing.computed() ? oldestCreate(t, Sizing.supplier(t)) : null);
    if (!sizing.computed()) {
      return;
    }
    int before = published.computeIfAbsent(t, k -> sizing.target());
    Instant last = lastEvent.get(t);
    if (sizing.target() != before && (last == null || !now.isBefore(last.plus(EVENT_GAP)))) {
      published.put(t, sizing.target());
      lastEvent.put(t, now);
      rt.publish(new PoolEvent.TargetChanged(rt.poolId, now, t.name(), before, sizing.target(), sizing.term(),
          sizing.reason()));
    }
  }

  /** When the oldest create of the template still in flight in a placement started, or null. */
  private Instant oldestCreate(TemplateRuntime t, PlacementShelf shelf) {
    if (shelf.inFlight == 0) {
      return null;
    }
    Instant oldest = null;
    for (WorkerSlot slot : ledger.workers()) {
      if (slot.template == t && slot.shelf == shelf && slot.state() == WorkerSlot.PROVISIONING
          && (oldest == null || slot.intendedAt.isBefore(oldest))) {
        oldest = slot.intendedAt;
      }
    }
    return oldest;
  }

  /** Retires one idle worker above the computed target, if the rules above allow it. */
  void retire(TemplateRuntime t, Instant now, int waitingElsewhere) {
    Sizing sizing = t.sizing;
    if (!sizing.computed() || t.degraded || t.runway != null || t.waiting() + waitingElsewhere > 0
        || rt.closing()) {
      return;
    }
    Instant last = lastRetired.get(t);
    if (last != null && now.isBefore(last.plus(RETIRE_GAP))) {
      return;
    }
    int idle = 0;
    for (PlacementShelf s : t.shelves) {
      idle += s.tallyIdle;
    }
    if (idle <= sizing.target() + sizing.spare()) {
      return;
    }
    WorkerSlot oldest = null;
    for (WorkerSlot slot : ledger.workers()) {
      if (slot.template == t && slot.state() == WorkerSlot.IDLE && slot.readyAt != null
          && (oldest == null || slot.readyAt.isBefore(oldest.readyAt))) {
        oldest = slot;
      }
    }
    if (oldest != null && ledger.toDeleting(oldest, oldest.word(), RETIRED)) {
      lastRetired.put(t, now);
      oldest.shelf.tallyIdle--;
      deleter.start(oldest, RETIRED);
    }
  }
}
