package dev.warmpool.micrometer;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Publishes a {@link WorkerPool}'s state and activity as Micrometer meters.
 *
 * <pre>{@code
 * WarmpoolMetrics metrics = new WarmpoolMetrics(pool);   // or WarmpoolMetrics.builder(pool).tag("app", "ci")...build()
 * metrics.bindTo(registry);
 * ...
 * metrics.close();                                       // before or after pool.close()
 * }</pre>
 *
 * <p>Gauges read {@link WorkerPool#snapshot()}; one snapshot serves every gauge read within
 * {@link Builder#snapshotMaxAge(Duration) snapshotMaxAge} (default {@link #DEFAULT_SNAPSHOT_MAX_AGE}) on the registry's
 * {@link io.micrometer.core.instrument.Clock}, so a scrape costs one snapshot, not one per gauge. Counters and timers
 * move from the pool's {@link dev.warmpool.api.PoolEvent}s through a listener that {@link #bindTo} adds and
 * {@link #close()} removes. Gauges cover the templates and placements that the pool's snapshot shows when bound; those
 * that appear later get their gauges when an event or a later snapshot first mentions them.
 *
 * <p>Every meter carries the tag {@code pool} (the pool's id) and the builder's extra tags. Tenants are never a tag:
 * there may be too many of them. Tag values of enums are lower case with hyphens ({@code half-open},
 * {@code capacity}); {@code placement} is {@link dev.warmpool.api.Placement#key()} ({@code azure/westeurope}).
 *
 * <table class="striped">
 * <caption>Meters</caption>
 * <thead><tr><th>name</th><th>type</th><th>tags besides pool</th><th>unit</th><th>what</th></tr></thead>
 * <tbody>
 * <tr><td>{@code warmpool.workers}</td><td>gauge</td><td>template, placement, state (provisioning, idle, leased,
 *     draining, deleting)</td><td>workers</td><td>workers in that state</td></tr>
 * <tr><td>{@code warmpool.leases.waiting}</td><td>gauge</td><td>template</td><td>requests</td><td>lease requests
 *     waiting for a worker</td></tr>
 * <tr><td>{@code warmpool.forecast.time.to.empty}</td><td>gauge</td><td>template</td><td>seconds</td><td>time until
 *     the idle stock runs out at current demand and supply; NaN when no depletion is forecast</td></tr>
 * <tr><td>{@code warmpool.template.degraded}</td><td>gauge</td><td>template</td><td>1 or 0</td><td>1 while no
 *     eligible placement can provision the template</td></tr>
 * <tr><td>{@code warmpool.placement.state}</td><td>gauge</td><td>placement, state (closed, open, half-open)</td>
 *     <td>1 or 0</td><td>1 for the placement's current health state</td></tr>
 * <tr><td>{@code warmpool.alerts.active}</td><td>gauge</td><td>none</td><td>alerts</td><td>alerts raised and not
 *     cleared</td></tr>
 * <tr><td>{@code warmpool.events.dropped}</td><td>function counter</td><td>none</td><td>events</td><td>events that
 *     listeners missed because they fell behind</td></tr>
 * <tr><td>{@code warmpool.leases.granted}</td><td>counter</td><td>template, placement</td><td>leases</td>
 *     <td>leases granted</td></tr>
 * <tr><td>{@code warmpool.leases.wait}</td><td>timer</td><td>template, placement</td><td>seconds</td><td>how long
 *     granted requests waited</td></tr>
 * <tr><td>{@code warmpool.leases.released}</td><td>counter</td><td>template, discarded (true, false)</td>
 *     <td>leases</td><td>leases ended by their holder</td></tr>
 * <tr><td>{@code warmpool.leases.expired}</td><td>counter</td><td>template</td><td>leases</td><td>leases reclaimed
 *     after their expiry</td></tr>
 * <tr><td>{@code warmpool.leases.timed.out}</td><td>counter</td><td>template</td><td>requests</td><td>requests that
 *     failed: maximum wait passed, no eligible placement, or pool closed</td></tr>
 * <tr><td>{@code warmpool.workers.provisioned}</td><td>counter</td><td>template, placement</td><td>workers</td>
 *     <td>workers created</td></tr>
 * <tr><td>{@code warmpool.provisioning.latency}</td><td>timer</td><td>template, placement</td><td>seconds</td>
 *     <td>how long successful provisions took</td></tr>
 * <tr><td>{@code warmpool.provisioning.failures}</td><td>counter</td><td>template, placement, kind (transient,
 *     throttled, capacity, invalid, not-found)</td><td>provisions</td><td>failed provisions</td></tr>
 * <tr><td>{@code warmpool.workers.deprovisioned}</td><td>counter</td><td>template, placement</td><td>workers</td>
 *     <td>workers destroyed</td></tr>
 * <tr><td>{@code warmpool.deprovisioning.failures}</td><td>counter</td><td>placement, kind</td><td>calls</td>
 *     <td>failed deprovisions (retried later)</td></tr>
 * <tr><td>{@code warmpool.workers.lost}</td><td>counter</td><td>template, placement</td><td>workers</td><td>workers
 *     that vanished from the provider's inventory</td></tr>
 * <tr><td>{@code warmpool.orphans.adopted}</td><td>counter</td><td>placement</td><td>resources</td><td>resources
 *     reconciliation took in</td></tr>
 * <tr><td>{@code warmpool.orphans.removed}</td><td>counter</td><td>placement</td><td>resources</td><td>ownerless
 *     tagged resources reconciliation deleted</td></tr>
 * <tr><td>{@code warmpool.placement.transitions}</td><td>counter</td><td>placement, state (the state
 *     entered)</td><td>transitions</td><td>placement health changes</td></tr>
 * <tr><td>{@code warmpool.failovers}</td><td>counter</td><td>template, placement (the one left)</td><td>failovers</td>
 *     <td>warm targets moved away from a placement</td></tr>
 * <tr><td>{@code warmpool.failbacks}</td><td>counter</td><td>template, placement (the one returned to)</td>
 *     <td>failbacks</td><td>warm targets moved back to the preferred placement</td></tr>
 * <tr><td>{@code warmpool.degradations}</td><td>counter</td><td>template</td><td>times</td><td>times the template
 *     entered degraded mode</td></tr>
 * <tr><td>{@code warmpool.alerts.raised}</td><td>counter</td><td>severity (info, warning, critical)</td>
 *     <td>alerts</td><td>alerts raised</td></tr>
 * <tr><td>{@code warmpool.rollout.remaining}</td><td>gauge</td><td>template</td><td>workers</td><td>workers of
 *     another version (or in a drained placement) the roll has still to replace; 0 when none</td></tr>
 * <tr><td>{@code warmpool.rollout.paused}</td><td>gauge</td><td>template</td><td>1 or 0</td><td>1 while the
 *     template's roll waits for a placement that can provision it</td></tr>
 * <tr><td>{@code warmpool.template.changes}</td><td>counter</td><td>template, change (added, changed, new-version,
 *     removed)</td><td>changes</td><td>run-time changes of the template</td></tr>
 * <tr><td>{@code warmpool.rollout.replaced}</td><td>counter</td><td>template</td><td>workers</td><td>old workers a
 *     roll removed while idle</td></tr>
 * <tr><td>{@code warmpool.rollouts.finished}</td><td>counter</td><td>template</td><td>rolls</td><td>rolls that
 *     finished</td></tr>
 * <tr><td>{@code warmpool.placement.drains}</td><td>counter</td><td>placement</td><td>times</td><td>times the
 *     placement started draining</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Gauges read NaN when the snapshot no longer has their template or placement, or when the pool cannot give a
 * snapshot (it is closed). Counters and timers appear at their first event. Timers publish percentile histograms only
 * when {@link Builder#percentileHistograms(boolean)} is set (or a {@code MeterFilter} asks for them).
 *
 * <p>Bind one {@code WarmpoolMetrics} per pool and registry: two binders of one pool in one registry share meters,
 * and closing either removes them. To publish to several registries, bind to each (or to a
 * {@code CompositeMeterRegistry}); {@link #close()} removes the meters from all of them.
 *
 * <p>Thread-safe. The listener is cheap (a few hash lookups and an increment per event; a meter is built only the
 * first time its tags occur) and never calls back into the pool; gauges call {@link WorkerPool#snapshot()} from the
 * thread that reads them, never from the listener.
 *
 * @since 0.1
 */
public final class WarmpoolMetrics implements MeterBinder, AutoCloseable {
  /** How long gauges reuse one snapshot of the pool when the builder sets nothing else: 1 second. */
  public static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

  /** Tag keys that WarmpoolMetrics sets itself; extra tags cannot use them. */
  static final Set<String> RESERVED_TAGS =
      Set.of("pool", "template", "placement", "state", "kind", "discarded", "severity");

  private final WorkerPool pool;
  private final Tags tags;
  private final Duration snapshotMaxAge;
  private final boolean percentileHistograms;

  private final Object lock = new Object();
  private final List<PoolMeters> bindings = new ArrayList<>(); // guarded by lock
  private boolean closed; // guarded by lock

  /**
   * Metrics for a pool with the defaults: no extra tags, snapshots kept {@link #DEFAULT_SNAPSHOT_MAX_AGE}, no
   * percentile histograms.
   *
   * @param pool the pool
   * @throws NullPointerException if pool is null
   */
  public WarmpoolMetrics(WorkerPool pool) {
    this(builder(pool));
  }

  private WarmpoolMetrics(Builder b) {
    this.pool = b.pool;
    this.tags = Tags.of("pool", b.pool.id()).and(b.tags);
    this.snapshotMaxAge = b.snapshotMaxAge;
    this.percentileHistograms = b.percentileHistograms;
  }

  /**
   * Starts a builder for a pool's metrics.
   *
   * @param pool the pool
   * @return a builder with the defaults
   * @throws NullPointerException if pool is null
   */
  public static Builder builder(WorkerPool pool) {
    return new Builder(Objects.requireNonNull(pool, "pool cannot be null"));
  }

  /**
   * Registers the pool's gauges in {@code registry} and starts moving its counters and timers from the pool's
   * events. Binding again to a registry this binder is already bound to does nothing.
   *
   * @param registry the registry
   * @throws NullPointerException if registry is null
   * @throws IllegalStateException if this binder is closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry cannot be null");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("WarmpoolMetrics of pool \"" + pool.id() + "\" is closed; build a new one");
      }
      for (PoolMeters binding : bindings) {
        if (binding.registry() == registry) {
          return;
        }
      }
      PoolMeters binding = new PoolMeters(pool, registry, tags, snapshotMaxAge, percentileHistograms);
      binding.start();
      bindings.add(binding);
    }
  }

  /**
   * Removes the listener from the pool and every meter this binder registered from every registry it was bound to.
   * Calling it again does nothing. The pool itself stays open.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (PoolMeters binding : bindings) {
        binding.close();
      }
      bindings.clear();
    }
  }

  /**
   * Builds {@link WarmpoolMetrics}. Not thread-safe; {@link #build()} copies what was set.
   */
  public static final class Builder {
    private final WorkerPool pool;
    private Tags tags = Tags.empty();
    private Duration snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE;
    private boolean percentileHistograms;

    private Builder(WorkerPool pool) {
      this.pool = pool;
    }

    /**
     * Adds tags to every meter, e.g. the application or cluster. None by default.
     *
     * @param tags the tags; their keys cannot be one that WarmpoolMetrics sets (pool, template, placement, state,
     *     kind, discarded, severity)
     * @return this builder
     * @throws NullPointerException if tags is null
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(Objects.requireNonNull(tags, "tags cannot be null"));
      return this;
    }

    /**
     * Adds one tag to every meter.
     *
     * @param key the tag's key; cannot be one that WarmpoolMetrics sets
     * @param value the tag's value
     * @return this builder
     * @throws NullPointerException if key or value is null
     */
    public Builder tag(String key, String value) {
      Objects.requireNonNull(key, "tag key cannot be null");
      Objects.requireNonNull(value, "tag value cannot be null");
      this.tags = this.tags.and(key, value);
      return this;
    }

    /**
     * How long gauges reuse one snapshot of the pool, on the registry's clock. A scrape reads every gauge within
     * this time and so takes one snapshot; {@link Duration#ZERO} takes a snapshot for every gauge read.
     * Default {@link #DEFAULT_SNAPSHOT_MAX_AGE}.
     *
     * @param maxAge zero or positive; keep it well under the scrape interval
     * @return this builder
     * @throws NullPointerException if maxAge is null
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      this.snapshotMaxAge = Objects.requireNonNull(maxAge, "snapshotMaxAge cannot be null");
      return this;
    }

    /**
     * Whether the timers ({@code warmpool.leases.wait}, {@code warmpool.provisioning.latency}) publish percentile
     * histograms, for percentiles aggregated across instances. Default false.
     *
     * @param enabled true to publish them
     * @return this builder
     */
    public Builder percentileHistograms(boolean enabled) {
      this.percentileHistograms = enabled;
      return this;
    }

    /**
     * Checks the options and builds the binder; it registers nothing until {@link WarmpoolMetrics#bindTo}.
     *
     * @return the binder
     * @throws InvalidConfigurationException if snapshotMaxAge is negative, or an extra tag uses a key that
     *     WarmpoolMetrics sets
     */
    public WarmpoolMetrics build() {
      if (snapshotMaxAge.isNegative()) {
        throw new InvalidConfigurationException("snapshotMaxAge",
            "snapshotMaxAge must be zero or positive, was " + snapshotMaxAge);
      }
      for (Tag tag : tags) {
        if (RESERVED_TAGS.contains(tag.getKey())) {
          throw new InvalidConfigurationException("tags", "tag key \"" + tag.getKey()
              + "\" is set by WarmpoolMetrics; use a key other than " + RESERVED_TAGS.stream().sorted().toList());
        }
      }
      return new WarmpoolMetrics(this);
    }
  }
}
