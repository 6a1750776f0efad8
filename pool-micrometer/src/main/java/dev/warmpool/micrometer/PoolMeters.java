package dev.warmpool.micrometer;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolEvent.AlertRaised;
import dev.warmpool.api.PoolEvent.DeprovisioningFailed;
import dev.warmpool.api.PoolEvent.FailoverEnded;
import dev.warmpool.api.PoolEvent.FailoverStarted;
import dev.warmpool.api.PoolEvent.LeaseExpired;
import dev.warmpool.api.PoolEvent.LeaseGranted;
import dev.warmpool.api.PoolEvent.LeaseReleased;
import dev.warmpool.api.PoolEvent.LeaseTimedOut;
import dev.warmpool.api.PoolEvent.OrphanAdopted;
import dev.warmpool.api.PoolEvent.OrphanRemoved;
import dev.warmpool.api.PoolEvent.PlacementClosed;
import dev.warmpool.api.PoolEvent.PlacementHalfOpened;
import dev.warmpool.api.PoolEvent.PlacementOpened;
import dev.warmpool.api.PoolEvent.PoolDegraded;
import dev.warmpool.api.PoolEvent.ProvisioningFailed;
import dev.warmpool.api.PoolEvent.WorkerDeprovisioned;
import dev.warmpool.api.PoolEvent.WorkerLost;
import dev.warmpool.api.PoolEvent.WorkerProvisioned;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.SizingStatus;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerState;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one pool in one registry: gauges that read the pool's snapshot, and a listener that moves counters and
 * timers from the pool's events.
 *
 * <p>Design. The listener runs for every event of the pool, so its common path is two or three
 * {@link ConcurrentHashMap} reads and one increment: meters are cached per tag set ({@link Key}) and built only on the
 * first event with that tag set, under {@link #lock}. Gauges share one snapshot that is kept for
 * {@code snapshotMaxAge} on the registry's {@link Clock}: a scrape reads every gauge within milliseconds, so a scrape
 * costs one pass over the pool's workers instead of one per gauge. The snapshot cannot be invalidated by events
 * instead, because some of what it counts (a request starting to wait, a provision starting) has no event.
 * Templates and placements that appear later (in an event, or in a refreshed snapshot) get their gauges then.
 *
 * <p>Thread-safe. Registration and removal of meters are serialized by {@link #lock}, so that a late event cannot
 * register a meter after {@link #close()} removed the others.
 */
final class PoolMeters {
  private static final WorkerState[] WORKER_STATES = WorkerState.values();
  private static final PlacementState[] PLACEMENT_STATES = PlacementState.values();

  private final WorkerPool pool;
  private final MeterRegistry registry;
  private final Tags tags;
  private final long snapshotMaxAgeNanos;
  private final boolean percentileHistograms;
  private final Clock clock;
  private final PoolListener listener = this::onEvent;

  private final Object lock = new Object();
  /** Every meter this binding registered, to remove on close. Guarded by {@link #lock}. */
  private final List<Meter> meters = new ArrayList<>();
  private volatile boolean closed;

  private final ConcurrentHashMap<Key, Meter> eventMeters = new ConcurrentHashMap<>();
  /** Placement objects seen in events, mapped to their key, so that events do not build key strings. */
  private final ConcurrentHashMap<Placement, String> placementKeys = new ConcurrentHashMap<>();
  private final Set<String> gaugedTemplates = ConcurrentHashMap.newKeySet();
  private final Set<String> gaugedPlacements = ConcurrentHashMap.newKeySet();
  /** Template name to the placement keys that have worker gauges for it. */
  private final ConcurrentHashMap<String, Set<String>> gaugedPairs = new ConcurrentHashMap<>();

  private volatile Memo memo;

  PoolMeters(WorkerPool pool, MeterRegistry registry, Tags tags, Duration snapshotMaxAge,
      boolean percentileHistograms) {
    this.pool = pool;
    this.registry = registry;
    this.tags = tags;
    this.snapshotMaxAgeNanos = saturatedNanos(snapshotMaxAge);
    this.percentileHistograms = percentileHistograms;
    this.clock = registry.config().clock();
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Registers the pool-wide gauges and those for what a first snapshot shows, then starts listening. */
  void start() {
    synchronized (lock) {
      add(Gauge.builder("warmpool.alerts.active", this, m -> m.fromSnapshot(s -> s.alerts().size()))
          .description("Alerts raised and not yet cleared").tags(tags).strongReference(true).register(registry));
      add(FunctionCounter.builder("warmpool.events.dropped", this,
              m -> m.fromSnapshot(PoolSnapshot::droppedEvents))
          .description("Events that listeners missed because they fell behind").tags(tags).register(registry));
    }
    snapshot();
    pool.addListener(listener);
  }

  /** Stops listening and removes every meter this binding registered. */
  void close() {
    closed = true;
    pool.removeListener(listener);
    synchronized (lock) {
      for (Meter meter : meters) {
        registry.remove(meter);
      }
      meters.clear();
      eventMeters.clear();
      memo = null;
    }
  }

  // ---- events ----------------------------------------------------------------------------------------------------

  private void onEvent(PoolEvent event) {
    // No early return when closed: the pool may still deliver events queued before removeListener, and every path
    // that registers a meter checks `closed` under the lock, which is what keeps a late event from leaking a meter.
    // Most frequent first. A plain instanceof chain: pattern switch is not in Java 17.
    if (event instanceof LeaseGranted e) {
      seen(e.template(), e.placement());
      count(EventMeter.LEASES_GRANTED, e.template(), e.placement(), null);
      time(EventMeter.LEASE_WAIT, e.template(), e.placement(), e.waited());
    } else if (event instanceof LeaseReleased e) {
      seen(e.template());
      count(EventMeter.LEASES_RELEASED, e.template(), null, e.discarded());
    } else if (event instanceof WorkerProvisioned e) {
      seen(e.template(), e.placement());
      count(EventMeter.WORKERS_PROVISIONED, e.template(), e.placement(), null);
      time(EventMeter.PROVISIONING_LATENCY, e.template(), e.placement(), e.took());
    } else if (event instanceof WorkerDeprovisioned e) {
      seen(e.template(), e.placement());
      count(EventMeter.WORKERS_DEPROVISIONED, e.template(), e.placement(), null);
      if ("rollout".equals(e.reason())) {
        count(EventMeter.ROLLOUT_REPLACED, e.template(), null, null);
      }
    } else if (event instanceof ProvisioningFailed e) {
      seen(e.template(), e.placement());
      count(EventMeter.PROVISIONING_FAILURES, e.template(), e.placement(), e.kind());
    } else if (event instanceof LeaseExpired e) {
      seen(e.template());
      count(EventMeter.LEASES_EXPIRED, e.template(), null, null);
    } else if (event instanceof LeaseTimedOut e) {
      seen(e.template());
      count(EventMeter.LEASES_TIMED_OUT, e.template(), null, null);
    } else if (event instanceof DeprovisioningFailed e) {
      placementKey(e.placement());
      count(EventMeter.DEPROVISIONING_FAILURES, null, e.placement(), e.kind());
    } else if (event instanceof WorkerLost e) {
      seen(e.template(), e.placement());
      count(EventMeter.WORKERS_LOST, e.template(), e.placement(), null);
    } else if (event instanceof OrphanAdopted e) {
      placementKey(e.placement());
      count(EventMeter.ORPHANS_ADOPTED, null, e.placement(), null);
    } else if (event instanceof OrphanRemoved e) {
      placementKey(e.placement());
      count(EventMeter.ORPHANS_REMOVED, null, e.placement(), null);
    } else if (event instanceof PlacementOpened e) {
      placementKey(e.placement());
      count(EventMeter.PLACEMENT_TRANSITIONS, null, e.placement(), PlacementState.OPEN);
    } else if (event instanceof PlacementHalfOpened e) {
      placementKey(e.placement());
      count(EventMeter.PLACEMENT_TRANSITIONS, null, e.placement(), PlacementState.HALF_OPEN);
    } else if (event instanceof PlacementClosed e) {
      placementKey(e.placement());
      count(EventMeter.PLACEMENT_TRANSITIONS, null, e.placement(), PlacementState.CLOSED);
    } else if (event instanceof FailoverStarted e) {
      seen(e.template(), e.from());
      count(EventMeter.FAILOVERS, e.template(), e.from(), null);
    } else if (event instanceof FailoverEnded e) {
      seen(e.template(), e.to());
      count(EventMeter.FAILBACKS, e.template(), e.to(), null);
    } else if (event instanceof PoolDegraded e) {
      seen(e.template());
      count(EventMeter.DEGRADATIONS, e.template(), null, null);
    } else if (event instanceof AlertRaised e) {
      count(EventMeter.ALERTS_RAISED, null, null, e.alert().severity());
    } else if (event instanceof PoolEvent.LeadershipAcquired) {
      count(EventMeter.LEADERSHIP_CHANGES, null, null, "acquired");
    } else if (event instanceof PoolEvent.LeadershipLost) {
      count(EventMeter.LEADERSHIP_CHANGES, null, null, "lost");
    } else if (event instanceof PoolEvent.TemplateChanged e) {
      seen(e.template());
      count(EventMeter.TEMPLATE_CHANGES, e.template(), null, e.change());
    } else if (event instanceof PoolEvent.RolloutFinished e) {
      count(EventMeter.ROLLOUTS_FINISHED, e.template(), null, null);
    } else if (event instanceof PoolEvent.PlacementDraining e) {
      placementKey(e.placement());
      if (e.draining()) {
        count(EventMeter.PLACEMENT_DRAINS, null, e.placement(), null);
      }
    } else if (event instanceof PoolEvent.PoolRecovered e) {
      seen(e.template());
    } else if (event instanceof PoolEvent.DepletionForecast e) {
      seen(e.forecast().template());
    }
    // AlertCleared and event types added later move no meter: the snapshot's gauges show their effect.
  }

  private void count(EventMeter meter, String template, Placement placement, Object extra) {
    Meter m = eventMeter(meter, template, placement, extra);
    if (m != null) {
      ((Counter) m).increment();
    }
  }

  private void time(EventMeter meter, String template, Placement placement, Duration duration) {
    Meter m = eventMeter(meter, template, placement, null);
    if (m != null) {
      ((Timer) m).record(duration);
    }
  }

  /** The cached meter for a tag set, registered on first use; null once closed. */
  private Meter eventMeter(EventMeter meter, String template, Placement placement, Object extra) {
    Key key = new Key(meter, template, placement, extra);
    Meter m = eventMeters.get(key);
    if (m != null) {
      return m;
    }
    synchronized (lock) {
      if (closed) {
        return null;
      }
      m = eventMeters.get(key);
      if (m == null) {
        m = add(register(key));
        eventMeters.put(key, m);
      }
      return m;
    }
  }

  private Meter register(Key key) {
    EventMeter meter = key.meter;
    Tags t = tags;
    if (meter.template) {
      t = t.and("template", key.template);
    }
    if (meter.placement) {
      t = t.and("placement", placementKey(key.placement));
    }
    if (meter.extraTag != null) {
      t = t.and(meter.extraTag, tagValue(key.extra));
    }
    if (meter.type == EventMeter.Type.TIMER) {
      // null, not false, when not asked for: a MeterFilter of the application (e.g. Spring Boot's
      // percentiles-histogram properties) may still turn histograms on
      return Timer.builder(meter.meterName).description(meter.description).tags(t)
          .publishPercentileHistogram(percentileHistograms ? Boolean.TRUE : null).register(registry);
    }
    return Counter.builder(meter.meterName).description(meter.description).tags(t).register(registry);
  }

  /** Lower case with hyphens, as Micrometer's own binders spell enum tag values ({@code half-open}). */
  static String tagValue(Object value) {
    return value.toString().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // ---- gauges ----------------------------------------------------------------------------------------------------

  private void seen(String template) {
    if (!gaugedTemplates.contains(template)) {
      templateGauges(template);
    }
  }

  private void seen(String template, Placement placement) {
    seen(template);
    String key = placementKey(placement);
    Set<String> placements = gaugedPairs.get(template);
    if (placements == null || !placements.contains(key)) {
      workerGauges(template, key);
    }
  }

  /** The placement's key, computed once per placement object; registers its gauges the first time. */
  private String placementKey(Placement placement) {
    String key = placementKeys.get(placement);
    if (key == null) {
      key = placement.key();
      placementKeys.putIfAbsent(placement, key);
      if (!gaugedPlacements.contains(key)) {
        placementGauges(key);
      }
    }
    return key;
  }

  /** Registers gauges for what a snapshot shows and no gauge covers yet. */
  private void discover(PoolSnapshot snapshot) {
    for (TemplateStatus template : snapshot.templates()) {
      seen(template.template());
      Set<String> known = gaugedPairs.get(template.template());
      for (String placement : template.byPlacement().keySet()) {
        if (known == null || !known.contains(placement)) {
          workerGauges(template.template(), placement);
        }
      }
    }
    for (PlacementStatus placement : snapshot.placements()) {
      String key = placement.placement().key();
      if (!gaugedPlacements.contains(key)) {
        placementGauges(key);
      }
    }
  }

  private void templateGauges(String template) {
    synchronized (lock) {
      if (closed || !gaugedTemplates.add(template)) {
        return;
      }
      Tags t = tags.and("template", template);
      gauge("warmpool.leases.waiting", "Lease requests waiting for a worker", t, null,
          s -> s.template(template).map(TemplateStatus::waiting).map(Integer::doubleValue).orElse(Double.NaN));
      gauge("warmpool.forecast.time.to.empty",
          "Time until the template's idle stock runs out at current demand and supply; NaN when no depletion is"
              + " forecast", t, "seconds",
          s -> s.template(template).flatMap(TemplateStatus::forecast).flatMap(f -> f.timeToEmpty())
              .map(PoolMeters::seconds).orElse(Double.NaN));
      gauge("warmpool.template.degraded", "1 while no eligible placement can provision the template, else 0", t, null,
          s -> s.template(template).map(ts -> ts.degraded() ? 1.0 : 0.0).orElse(Double.NaN));
      gauge("warmpool.rollout.remaining", "Workers of another version (or in a drained placement) that the"
          + " template's roll has still to replace; 0 when no roll is under way", t, null,
          s -> s.template(template).isEmpty() ? Double.NaN
              : s.rollout(template).map(r -> (double) r.remaining()).orElse(0.0));
      gauge("warmpool.rollout.paused", "1 while the template's roll waits for a placement that can provision it,"
          + " else 0", t, null,
          s -> s.template(template).isEmpty() ? Double.NaN
              : s.rollout(template).map(r -> r.paused() ? 1.0 : 0.0).orElse(0.0));
      gauge("warmpool.template.warm.target", "The warm target in force: fixed, or computed from a sizing policy", t,
          "workers", s -> s.template(template).flatMap(TemplateStatus::sizing).map(z -> (double) z.target())
              .orElse(Double.NaN));
      gauge("warmpool.template.idle.worker.hours", "Idle worker-hours since the pool started: what the warm stock"
          + " cost", t, "hours", s -> s.template(template).flatMap(TemplateStatus::sizing)
              .map(SizingStatus::idleWorkerHours).orElse(Double.NaN));
    }
  }

  private void workerGauges(String template, String placement) {
    synchronized (lock) {
      if (closed || !gaugedPairs.computeIfAbsent(template, k -> ConcurrentHashMap.newKeySet()).add(placement)) {
        return;
      }
      for (WorkerState state : WORKER_STATES) {
        gauge("warmpool.workers", "Workers by template, placement and state",
            tags.and("template", template, "placement", placement, "state", tagValue(state)), null,
            s -> workers(s, template, placement, state));
      }
    }
  }

  private void placementGauges(String placement) {
    synchronized (lock) {
      if (closed || !gaugedPlacements.add(placement)) {
        return;
      }
      for (PlacementState state : PLACEMENT_STATES) {
        gauge("warmpool.placement.state", "1 for the placement's current health state, 0 for the others",
            tags.and("placement", placement, "state", tagValue(state)), null,
            s -> s.placement(placement).map(p -> p.state() == state ? 1.0 : 0.0).orElse(Double.NaN));
      }
    }
  }

  private static double workers(PoolSnapshot snapshot, String template, String placement, WorkerState state) {
    Optional<TemplateStatus> status = snapshot.template(template);
    if (status.isEmpty()) {
      return Double.NaN;
    }
    Map<String, WorkerCounts> byPlacement = status.get().byPlacement();
    WorkerCounts counts = byPlacement.getOrDefault(placement, WorkerCounts.ZERO);
    return counts.get(state);
  }

  private void gauge(String name, String description, Tags t, String unit, ToDoubleFunction<PoolSnapshot> value) {
    // strongReference: the gauge must not turn NaN when the binder becomes unreachable; close() removes it instead
    add(Gauge.builder(name, this, m -> m.fromSnapshot(value)).description(description).baseUnit(unit).tags(t)
        .strongReference(true).register(registry));
  }

  private double fromSnapshot(ToDoubleFunction<PoolSnapshot> value) {
    PoolSnapshot snapshot = snapshot();
    return snapshot == null ? Double.NaN : value.applyAsDouble(snapshot);
  }

  /**
   * The pool's snapshot, taken at most once per {@code snapshotMaxAge} on the registry's clock; null if the pool
   * cannot give one (it is closed).
   */
  private PoolSnapshot snapshot() {
    long now = clock.monotonicTime();
    Memo m = memo;
    if (m != null && now - m.takenAtNanos < snapshotMaxAgeNanos) {
      return m.snapshot;
    }
    PoolSnapshot snapshot;
    try {
      snapshot = pool.snapshot();
    } catch (RuntimeException e) {
      return null; // gauges read NaN rather than logging a stack trace on every scrape of a closed pool
    }
    // Two threads may both refresh at once: both snapshots are valid and the later write wins, which is harmless.
    memo = new Memo(snapshot, now);
    discover(snapshot); // registers nothing once closed (checked under the lock)
    return snapshot;
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** One tag set of one event meter. Placements are compared as objects so that an event builds no string. */
  private record Key(EventMeter meter, String template, Placement placement, Object extra) {}

  private record Memo(PoolSnapshot snapshot, long takenAtNanos) {}
}
