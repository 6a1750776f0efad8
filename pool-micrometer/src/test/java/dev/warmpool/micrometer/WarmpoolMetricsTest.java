package dev.warmpool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.Alert;
import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Forecast;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolEvent.AlertCleared;
import dev.warmpool.api.PoolEvent.AlertRaised;
import dev.warmpool.api.PoolEvent.DepletionForecast;
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
import dev.warmpool.api.PoolEvent.PoolRecovered;
import dev.warmpool.api.PoolEvent.ProvisioningFailed;
import dev.warmpool.api.PoolEvent.WorkerDeprovisioned;
import dev.warmpool.api.PoolEvent.WorkerLost;
import dev.warmpool.api.PoolEvent.WorkerProvisioned;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WarmpoolMetricsTest {
  private static final Instant T0 = Instant.parse("2023-03-23T02:41:00Z");
  private static final Placement WEST = Placement.of("azure", "westeurope", "eu");
  private static final Placement NORTH = new Placement("azure", "northeurope", "eu", 1);
  private static final String LINUX = "linux";

  private final MockClock clock = new MockClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
  private final ScriptedPool pool = new ScriptedPool("ci", snapshot(
      List.of(template(LINUX, Map.of(WEST.key(), new WorkerCounts(1, 2, 3, 4, 5)), 2, false,
          Optional.of(Duration.ofMinutes(130)))),
      List.of(placement(WEST, PlacementState.CLOSED)), 1, 7));

  // ---- gauges ----------------------------------------------------------------------------------------------------

  @Test
  void everyGaugeExistsWhenBoundAndFollowsTheSnapshot() {
    new WarmpoolMetrics(pool).bindTo(registry);

    assertThat(workers(LINUX, WEST, "provisioning")).isEqualTo(1);
    assertThat(workers(LINUX, WEST, "idle")).isEqualTo(2);
    assertThat(workers(LINUX, WEST, "leased")).isEqualTo(3);
    assertThat(workers(LINUX, WEST, "draining")).isEqualTo(4);
    assertThat(workers(LINUX, WEST, "deleting")).isEqualTo(5);
    assertThat(gauge("warmpool.leases.waiting", "template", LINUX)).isEqualTo(2);
    assertThat(gauge("warmpool.forecast.time.to.empty", "template", LINUX)).isEqualTo(130 * 60);
    assertThat(gauge("warmpool.template.degraded", "template", LINUX)).isZero();
    assertThat(placementState(WEST, "closed")).isEqualTo(1);
    assertThat(placementState(WEST, "open")).isZero();
    assertThat(placementState(WEST, "half-open")).isZero();
    assertThat(registry.get("warmpool.alerts.active").gauge().value()).isEqualTo(1);
    assertThat(registry.get("warmpool.events.dropped").functionCounter().count()).isEqualTo(7);

    pool.setSnapshot(snapshot(
        List.of(template(LINUX, Map.of(WEST.key(), new WorkerCounts(0, 9, 0, 0, 0)), 0, true, Optional.empty())),
        List.of(placement(WEST, PlacementState.OPEN)), 0, 9));
    clock.add(WarmpoolMetrics.DEFAULT_SNAPSHOT_MAX_AGE);

    assertThat(workers(LINUX, WEST, "provisioning")).isZero();
    assertThat(workers(LINUX, WEST, "idle")).isEqualTo(9);
    assertThat(workers(LINUX, WEST, "deleting")).isZero();
    assertThat(gauge("warmpool.leases.waiting", "template", LINUX)).isZero();
    assertThat(gauge("warmpool.forecast.time.to.empty", "template", LINUX)).isNaN();
    assertThat(gauge("warmpool.template.degraded", "template", LINUX)).isEqualTo(1);
    assertThat(placementState(WEST, "closed")).isZero();
    assertThat(placementState(WEST, "open")).isEqualTo(1);
    assertThat(registry.get("warmpool.alerts.active").gauge().value()).isZero();
    assertThat(registry.get("warmpool.events.dropped").functionCounter().count()).isEqualTo(9);
  }

  @Test
  void aForecastThatDoesNotRunOutReadsNaN() {
    Forecast lasting = new Forecast(LINUX, "eu", T0, 10, 2, 0.1, 0.5, Optional.empty(), "eu stock lasts");
    pool.setSnapshot(snapshot(List.of(new TemplateStatus(LINUX, Map.of(), WorkerCounts.ZERO, 0, false,
        Optional.of(lasting))), List.of(), 0, 0));
    new WarmpoolMetrics(pool).bindTo(registry);

    assertThat(gauge("warmpool.forecast.time.to.empty", "template", LINUX)).isNaN();
  }

  @Test
  void aScrapeTakesOneSnapshotHoweverManyGaugesItReads() {
    new WarmpoolMetrics(pool).bindTo(registry);
    clock.add(Duration.ofSeconds(30));
    int before = pool.snapshotsTaken();

    int gauges = scrape();
    assertThat(gauges).isGreaterThan(10);
    assertThat(pool.snapshotsTaken()).isEqualTo(before + 1);

    clock.add(Duration.ofMillis(999));
    scrape();
    assertThat(pool.snapshotsTaken()).isEqualTo(before + 1);

    clock.add(Duration.ofMillis(1));
    scrape();
    assertThat(pool.snapshotsTaken()).isEqualTo(before + 2);
  }

  @Test
  void aZeroSnapshotMaxAgeTakesASnapshotForEveryGaugeRead() {
    WarmpoolMetrics.builder(pool).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);
    int before = pool.snapshotsTaken();

    int gauges = scrape();

    assertThat(pool.snapshotsTaken()).isEqualTo(before + gauges);
  }

  @Test
  void aTemplateAndPlacementFirstMentionedByAnEventGetGauges() {
    new WarmpoolMetrics(pool).bindTo(registry);
    assertThat(registry.find("warmpool.leases.waiting").tag("template", "windows").gauge()).isNull();

    pool.fire(new WorkerProvisioned("ci", T0, "w-9", "windows", NORTH, Duration.ofMinutes(4)));

    assertThat(registry.get("warmpool.workers").tags("template", "windows", "placement", NORTH.key()).gauges())
        .hasSize(5);
    assertThat(registry.get("warmpool.placement.state").tags("placement", NORTH.key()).gauges()).hasSize(3);
    assertThat(registry.get("warmpool.leases.waiting").tags("template", "windows").gauge()).isNotNull();
    assertThat(registry.get("warmpool.template.degraded").tags("template", "windows").gauge()).isNotNull();

    pool.setSnapshot(snapshot(
        List.of(template(LINUX, Map.of(), 0, false, Optional.empty()),
            template("windows", Map.of(NORTH.key(), new WorkerCounts(0, 3, 1, 0, 0)), 4, false, Optional.empty())),
        List.of(placement(WEST, PlacementState.CLOSED), placement(NORTH, PlacementState.HALF_OPEN)), 0, 0));
    clock.add(Duration.ofSeconds(15));

    assertThat(workers("windows", NORTH, "idle")).isEqualTo(3);
    assertThat(workers("windows", NORTH, "leased")).isEqualTo(1);
    assertThat(gauge("warmpool.leases.waiting", "template", "windows")).isEqualTo(4);
    assertThat(placementState(NORTH, "half-open")).isEqualTo(1);
  }

  @Test
  void aTemplateAndPlacementFirstShownByALaterSnapshotGetGauges() {
    new WarmpoolMetrics(pool).bindTo(registry);
    Placement east = Placement.of("azure", "eastus", "us");
    pool.setSnapshot(snapshot(
        List.of(template("gpu", Map.of(east.key(), new WorkerCounts(2, 0, 0, 0, 0)), 1, false, Optional.empty())),
        List.of(placement(east, PlacementState.CLOSED)), 0, 0));
    clock.add(Duration.ofSeconds(15));
    assertThat(registry.find("warmpool.workers").tag("template", "gpu").gauges()).isEmpty();

    scrape(); // the scrape refreshes the snapshot, which shows the new template and placement

    assertThat(workers("gpu", east, "provisioning")).isEqualTo(2);
    assertThat(gauge("warmpool.leases.waiting", "template", "gpu")).isEqualTo(1);
    assertThat(placementState(east, "closed")).isEqualTo(1);
    // the template and placement that the snapshot no longer shows read NaN rather than a stale count
    assertThat(workers(LINUX, WEST, "idle")).isNaN();
    assertThat(placementState(WEST, "closed")).isNaN();
  }

  @Test
  void gaugesReadNaNOnceThePoolCannotGiveASnapshot() {
    new WarmpoolMetrics(pool).bindTo(registry);
    pool.close();
    clock.add(Duration.ofSeconds(15));

    assertThat(workers(LINUX, WEST, "idle")).isNaN();
    assertThat(registry.get("warmpool.alerts.active").gauge().value()).isNaN();
  }

  // ---- counters and timers ---------------------------------------------------------------------------------------

  @Test
  void everyCounterAndTimerExistsAndMovesWithItsEvent() {
    new WarmpoolMetrics(pool).bindTo(registry);

    for (int round = 1; round <= 2; round++) {
      pool.fire(everyEvent());

      assertThat(counter("warmpool.leases.granted", "template", LINUX, "placement", WEST.key())).isEqualTo(round);
      assertThat(counter("warmpool.leases.released", "template", LINUX, "discarded", "false")).isEqualTo(round);
      assertThat(counter("warmpool.leases.released", "template", LINUX, "discarded", "true")).isEqualTo(round);
      assertThat(counter("warmpool.leases.expired", "template", LINUX)).isEqualTo(round);
      assertThat(counter("warmpool.leases.timed.out", "template", LINUX)).isEqualTo(round);
      assertThat(counter("warmpool.workers.provisioned", "template", LINUX, "placement", NORTH.key()))
          .isEqualTo(round);
      assertThat(counter("warmpool.provisioning.failures", "template", LINUX, "placement", WEST.key(), "kind",
          "transient")).isEqualTo(round);
      assertThat(counter("warmpool.provisioning.failures", "template", LINUX, "placement", WEST.key(), "kind",
          "capacity")).isEqualTo(round);
      assertThat(counter("warmpool.workers.deprovisioned", "template", LINUX, "placement", WEST.key()))
          .isEqualTo(round);
      assertThat(counter("warmpool.deprovisioning.failures", "placement", WEST.key(), "kind", "throttled"))
          .isEqualTo(round);
      assertThat(counter("warmpool.workers.lost", "template", LINUX, "placement", WEST.key())).isEqualTo(round);
      assertThat(counter("warmpool.orphans.adopted", "placement", WEST.key())).isEqualTo(round);
      assertThat(counter("warmpool.orphans.removed", "placement", NORTH.key())).isEqualTo(round);
      assertThat(counter("warmpool.placement.transitions", "placement", WEST.key(), "state", "open"))
          .isEqualTo(round);
      assertThat(counter("warmpool.placement.transitions", "placement", WEST.key(), "state", "half-open"))
          .isEqualTo(round);
      assertThat(counter("warmpool.placement.transitions", "placement", WEST.key(), "state", "closed"))
          .isEqualTo(round);
      assertThat(counter("warmpool.failovers", "template", LINUX, "placement", WEST.key())).isEqualTo(round);
      assertThat(counter("warmpool.failbacks", "template", LINUX, "placement", WEST.key())).isEqualTo(round);
      assertThat(counter("warmpool.degradations", "template", LINUX)).isEqualTo(round);
      assertThat(counter("warmpool.alerts.raised", "severity", "critical")).isEqualTo(round);
      assertThat(counter("warmpool.leadership.changes", "change", "acquired")).isEqualTo(round);
      assertThat(counter("warmpool.leadership.changes", "change", "lost")).isEqualTo(round);
      assertThat(counter("warmpool.template.changes", "template", LINUX, "change", "new-version")).isEqualTo(round);
      assertThat(counter("warmpool.rollout.replaced", "template", LINUX)).isEqualTo(round);
      assertThat(counter("warmpool.rollouts.finished", "template", LINUX)).isEqualTo(round);
      assertThat(counter("warmpool.placement.drains", "placement", WEST.key())).isEqualTo(round);

      Timer wait = registry.get("warmpool.leases.wait").tags("template", LINUX, "placement", WEST.key()).timer();
      assertThat(wait.count()).isEqualTo(round);
      assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(round * 42.0);
      Timer latency = registry.get("warmpool.provisioning.latency")
          .tags("template", LINUX, "placement", NORTH.key()).timer();
      assertThat(latency.count()).isEqualTo(round);
      assertThat(latency.totalTime(TimeUnit.SECONDS)).isEqualTo(round * 240.0);
    }
  }

  @Test
  void theMetersAreExactlyTheOnesTheDocumentationLists() {
    new WarmpoolMetrics(pool).bindTo(registry);
    pool.fire(everyEvent());

    Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName())
        .collect(Collectors.toCollection(TreeSet::new));

    assertThat(names).containsExactlyInAnyOrder(
        "warmpool.workers", "warmpool.leases.waiting", "warmpool.forecast.time.to.empty",
        "warmpool.template.degraded", "warmpool.template.warm.target", "warmpool.template.idle.worker.hours",
        "warmpool.placement.state", "warmpool.alerts.active", "warmpool.events.dropped",
        "warmpool.leases.granted", "warmpool.leases.wait", "warmpool.leases.released", "warmpool.leases.expired",
        "warmpool.leases.timed.out", "warmpool.workers.provisioned", "warmpool.provisioning.latency",
        "warmpool.provisioning.failures", "warmpool.workers.deprovisioned", "warmpool.deprovisioning.failures",
        "warmpool.workers.lost", "warmpool.orphans.adopted", "warmpool.orphans.removed",
        "warmpool.placement.transitions", "warmpool.failovers", "warmpool.failbacks", "warmpool.degradations",
        "warmpool.alerts.raised", "warmpool.leadership.changes", "warmpool.rollout.remaining",
        "warmpool.rollout.paused", "warmpool.template.changes", "warmpool.rollout.replaced",
        "warmpool.rollouts.finished", "warmpool.placement.drains");
    assertThat(Arrays.stream(EventMeter.values()).map(m -> m.meterName)).allMatch(names::contains);
    assertThat(registry.get("warmpool.forecast.time.to.empty").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(registry.get("warmpool.leases.wait").timer().baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("pool")).isEqualTo("ci"));
    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getDescription()).isNotBlank());
  }

  @Test
  void repeatedEventsReuseTheirMetersInsteadOfBuildingNewOnes() {
    new WarmpoolMetrics(pool).bindTo(registry);
    LeaseGranted granted = new LeaseGranted("ci", T0, "l-1", "w-1", LINUX, WEST, "acme", Duration.ZERO);
    pool.fire(granted);
    List<Meter> afterFirst = registry.getMeters();

    for (int i = 0; i < 1_000; i++) {
      // an equal placement built anew each time, as an engine would: it must not register anything either
      pool.fire(new LeaseGranted("ci", T0, "l-" + i, "w-" + i, LINUX, Placement.of("azure", "westeurope", "eu"),
          "tenant-" + i, Duration.ofMillis(i)));
    }

    assertThat(registry.getMeters()).hasSameSizeAs(afterFirst);
    assertThat(counter("warmpool.leases.granted", "template", LINUX, "placement", WEST.key())).isEqualTo(1_001);
  }

  @Test
  void tenantsNeverBecomeTags() {
    new WarmpoolMetrics(pool).bindTo(registry);
    pool.fire(everyEvent());

    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("tenant")).isNull());
  }

  @Test
  void percentileHistogramsArePublishedOnlyWhenAskedFor() {
    Map<String, Boolean> asked = new java.util.concurrent.ConcurrentHashMap<>();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        asked.put(id.getName() + " " + id.getTag("template"), Boolean.TRUE.equals(config.isPercentileHistogram()));
        return config;
      }
    });
    ScriptedPool other = new ScriptedPool("other", pool.snapshot());
    WarmpoolMetrics.builder(pool).percentileHistograms(true).build().bindTo(registry);
    new WarmpoolMetrics(other).bindTo(registry);

    pool.fire(new LeaseGranted("ci", T0, "l-1", "w-1", LINUX, WEST, "acme", Duration.ofSeconds(3)),
        new WorkerProvisioned("ci", T0, "w-2", LINUX, WEST, Duration.ofMinutes(3)));
    other.fire(new LeaseGranted("other", T0, "l-1", "w-1", "windows", WEST, "acme", Duration.ofSeconds(3)));

    assertThat(asked).containsEntry("warmpool.leases.wait linux", true)
        .containsEntry("warmpool.provisioning.latency linux", true)
        .containsEntry("warmpool.leases.wait windows", false);
  }

  // ---- binding and closing ---------------------------------------------------------------------------------------

  @Test
  void closingRemovesTheListenerAndEveryMeter() {
    WarmpoolMetrics metrics = new WarmpoolMetrics(pool);
    metrics.bindTo(registry);
    pool.fire(everyEvent());
    PoolListener listener = pool.listeners().get(0);
    assertThat(registry.getMeters()).isNotEmpty();

    metrics.close();

    assertThat(pool.listeners()).isEmpty();
    assertThat(registry.getMeters()).isEmpty();
    // an event the pool had queued before the listener was removed registers nothing
    ScriptedPool.deliverLate(listener,
        new WorkerProvisioned("ci", T0, "w-7", "windows", NORTH, Duration.ofMinutes(3)));
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aGaugeReadAfterCloseRegistersNothingForWhatTheSnapshotShows() {
    WarmpoolMetrics metrics = new WarmpoolMetrics(pool);
    metrics.bindTo(registry);
    Gauge idle = registry.get("warmpool.workers").tags("state", "idle").gauge();
    metrics.close();
    pool.setSnapshot(snapshot(List.of(template("gpu", Map.of(NORTH.key(), WorkerCounts.ZERO), 0, false,
        Optional.empty())), List.of(placement(NORTH, PlacementState.OPEN)), 0, 0));
    clock.add(Duration.ofSeconds(15));

    assertThat(idle.value()).isNaN(); // a registry that still held the gauge reads it once more

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void closingWhileEventsAndScrapesRaceLeavesNoMeterBehind() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 30; round++) {
        SimpleMeterRegistry racing = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        ScriptedPool racingPool = new ScriptedPool("ci", pool.snapshot());
        WarmpoolMetrics metrics = WarmpoolMetrics.builder(racingPool).snapshotMaxAge(Duration.ZERO).build();
        metrics.bindTo(racing);
        PoolListener listener = racingPool.listeners().get(0);
        CountDownLatch go = new CountDownLatch(1);
        Future<?> events = threads.submit(() -> {
          go.await();
          for (int i = 0; i < 300; i++) {
            // delivered straight to the listener: a pool may deliver queued events after removeListener
            ScriptedPool.deliverLate(listener, new WorkerProvisioned("ci", T0, "w-" + i, "t-" + i,
                Placement.of("azure", "region-" + i, "eu"), Duration.ofSeconds(i)));
          }
          return null;
        });
        Future<?> scrapes = threads.submit(() -> {
          go.await();
          for (int i = 0; i < 100; i++) {
            racingPool.setSnapshot(snapshot(List.of(template("s-" + i, Map.of(), 0, false, Optional.empty())),
                List.of(), 0, 0));
            for (Meter meter : racing.getMeters()) {
              meter.measure().forEach(m -> m.getValue());
            }
          }
          return null;
        });
        go.countDown();
        metrics.close();
        events.get(10, TimeUnit.SECONDS);
        scrapes.get(10, TimeUnit.SECONDS);

        assertThat(racing.getMeters()).as("round %d", round).isEmpty();
        assertThat(racingPool.listeners()).isEmpty();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void closingTwiceDoesNothingAndBindingAfterCloseFails() {
    WarmpoolMetrics metrics = new WarmpoolMetrics(pool);
    metrics.bindTo(registry);
    metrics.close();
    metrics.close();

    assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"ci\" is closed");
  }

  @Test
  void bindingTwiceToOneRegistryAddsOneListener() {
    WarmpoolMetrics metrics = new WarmpoolMetrics(pool);
    metrics.bindTo(registry);
    metrics.bindTo(registry);
    pool.fire(new LeaseExpired("ci", T0, "l-1", "w-1", LINUX, "acme"));

    assertThat(pool.listeners()).hasSize(1);
    assertThat(counter("warmpool.leases.expired", "template", LINUX)).isEqualTo(1);
  }

  @Test
  void aBinderBoundToTwoRegistriesMovesBothAndClosingEmptiesBoth() {
    SimpleMeterRegistry other = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    WarmpoolMetrics metrics = new WarmpoolMetrics(pool);
    metrics.bindTo(registry);
    metrics.bindTo(other);

    pool.fire(new OrphanRemoved("ci", T0, "vm-9", WEST, "no worker record"));

    assertThat(counter("warmpool.orphans.removed", "placement", WEST.key())).isEqualTo(1);
    assertThat(other.get("warmpool.orphans.removed").counter().count()).isEqualTo(1);
    assertThat(other.get("warmpool.workers").tags("state", "idle").gauge().value()).isEqualTo(2);

    metrics.close();

    assertThat(pool.listeners()).isEmpty();
    assertThat(registry.getMeters()).isEmpty();
    assertThat(other.getMeters()).isEmpty();
  }

  @Test
  void twoPoolsInOneRegistryKeepTheirMetersApart() {
    ScriptedPool other = new ScriptedPool("batch", pool.snapshot());
    WarmpoolMetrics ours = new WarmpoolMetrics(pool);
    WarmpoolMetrics theirs = new WarmpoolMetrics(other);
    ours.bindTo(registry);
    theirs.bindTo(registry);

    pool.fire(new LeaseExpired("ci", T0, "l-1", "w-1", LINUX, "acme"));
    other.fire(new LeaseExpired("batch", T0, "l-1", "w-1", LINUX, "acme"),
        new LeaseExpired("batch", T0, "l-2", "w-2", LINUX, "acme"));

    assertThat(registry.get("warmpool.leases.expired").tag("pool", "ci").counter().count()).isEqualTo(1);
    assertThat(registry.get("warmpool.leases.expired").tag("pool", "batch").counter().count()).isEqualTo(2);

    ours.close();

    assertThat(registry.getMeters()).isNotEmpty()
        .allSatisfy(m -> assertThat(m.getId().getTag("pool")).isEqualTo("batch"));
    assertThat(registry.get("warmpool.workers").tags("pool", "batch", "state", "idle").gauge().value()).isEqualTo(2);
  }

  @Test
  void extraTagsAreOnEveryMeter() {
    WarmpoolMetrics.builder(pool).tag("app", "deployer").tags(Tags.of("cluster", "eu-1")).build()
        .bindTo(registry);
    pool.fire(everyEvent());

    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
        .contains(Tag.of("pool", "ci"), Tag.of("app", "deployer"), Tag.of("cluster", "eu-1")));
  }

  @Test
  void badOptionsFailWhenBuiltNamingTheOption() {
    assertThatThrownBy(() -> WarmpoolMetrics.builder(pool).snapshotMaxAge(Duration.ofSeconds(-1)).build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class,
            e -> assertThat(e.option()).isEqualTo("snapshotMaxAge"))
        .hasMessage("snapshotMaxAge must be zero or positive, was PT-1S");
    assertThatThrownBy(() -> WarmpoolMetrics.builder(pool).tag("template", "x").build())
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.option()).isEqualTo("tags"))
        .hasMessageContaining("\"template\"").hasMessageContaining("[discarded, kind, placement, pool");
    assertThatThrownBy(() -> new WarmpoolMetrics(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("pool cannot be null");
    assertThatThrownBy(() -> WarmpoolMetrics.builder(pool).snapshotMaxAge(null))
        .isInstanceOf(NullPointerException.class).hasMessage("snapshotMaxAge cannot be null");
    assertThatThrownBy(() -> new WarmpoolMetrics(pool).bindTo(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("registry cannot be null");
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** One event of every type, with fixed tags, so that each meter moves by exactly one. */
  private static PoolEvent[] everyEvent() {
    Alert alert = new Alert("provisioning-failures:azure/westeurope", AlertSeverity.CRITICAL, "westeurope failing",
        T0);
    Forecast forecast = new Forecast(LINUX, "eu", T0, 38, 0, 0.29, 0, Optional.of(Duration.ofMinutes(129)), "lasts");
    return new PoolEvent[] {
        new LeaseGranted("ci", T0, "l-1", "w-1", LINUX, WEST, "acme", Duration.ofSeconds(42)),
        new LeaseReleased("ci", T0, "l-1", "w-1", LINUX, "acme", false),
        new LeaseReleased("ci", T0, "l-2", "w-2", LINUX, "acme", true),
        new LeaseExpired("ci", T0, "l-3", "w-3", LINUX, "acme"),
        new LeaseTimedOut("ci", T0, LINUX, "acme", Duration.ofMinutes(5), "waited 5m"),
        new WorkerProvisioned("ci", T0, "w-4", LINUX, NORTH, Duration.ofMinutes(4)),
        new ProvisioningFailed("ci", T0, "w-5", LINUX, WEST, FailureKind.TRANSIENT, "ServiceUnavailable", "503"),
        new ProvisioningFailed("ci", T0, "w-6", LINUX, WEST, FailureKind.CAPACITY, "SkuNotAvailable", "no D4s"),
        new WorkerDeprovisioned("ci", T0, "w-1", LINUX, WEST, "max-age"),
        new DeprovisioningFailed("ci", T0, "w-1", WEST, FailureKind.THROTTLED, "429"),
        new WorkerLost("ci", T0, "w-2", LINUX, WEST, Optional.empty()),
        new OrphanAdopted("ci", T0, "w-5", "vm-5", WEST),
        new OrphanRemoved("ci", T0, "vm-8", NORTH, "no worker record"),
        new PlacementOpened("ci", T0, WEST, "41 of 43 calls failed"),
        new PlacementHalfOpened("ci", T0, WEST),
        new PlacementClosed("ci", T0, WEST),
        new FailoverStarted("ci", T0, LINUX, WEST, List.of(NORTH)),
        new FailoverEnded("ci", T0, LINUX, WEST),
        new PoolDegraded("ci", T0, LINUX, "no eligible placement"),
        new PoolRecovered("ci", T0, LINUX),
        new DepletionForecast("ci", T0, forecast),
        new AlertRaised("ci", T0, alert),
        new AlertCleared("ci", T0, alert),
        new PoolEvent.LeadershipAcquired("ci", T0, "node-1", 3),
        new PoolEvent.LeadershipLost("ci", T0, "node-1", 3, "node closed"),
        new PoolEvent.TemplateChanged("ci", T0, LINUX, "new-version", "0123456789ab"),
        new WorkerDeprovisioned("ci", T0, "w-7", LINUX, NORTH, "rollout"),
        new PoolEvent.RolloutProgressed("ci", T0, new dev.warmpool.api.RolloutStatus(LINUX, "0123456789ab", 3, 1,
            false, T0), 4),
        new PoolEvent.RolloutFinished("ci", T0, LINUX, "0123456789ab", 4),
        new PoolEvent.PlacementDraining("ci", T0, WEST, true),
    };
  }

  /** Reads every gauge and function counter, as a registry's publication does; returns how many there were. */
  private int scrape() {
    int read = 0;
    for (Meter meter : registry.getMeters()) {
      if (meter instanceof io.micrometer.core.instrument.Gauge
          || meter instanceof io.micrometer.core.instrument.FunctionCounter) {
        meter.measure().forEach(m -> m.getValue());
        read++;
      }
    }
    return read;
  }

  private double workers(String template, Placement placement, String state) {
    return registry.get("warmpool.workers").tags("template", template, "placement", placement.key(), "state", state)
        .gauge().value();
  }

  private double placementState(Placement placement, String state) {
    return registry.get("warmpool.placement.state").tags("placement", placement.key(), "state", state).gauge()
        .value();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    Counter counter;
    try {
      counter = registry.get(name).tags(tags).counter();
    } catch (MeterNotFoundException e) {
      throw new AssertionError(name + " " + List.of(tags) + " is missing; meters: " + registry.getMetersAsString(), e);
    }
    return counter.count();
  }

  private static PoolSnapshot snapshot(List<TemplateStatus> templates, List<PlacementStatus> placements, int alerts,
      long dropped) {
    List<Alert> raised = java.util.stream.IntStream.range(0, alerts)
        .mapToObj(i -> new Alert("a-" + i, AlertSeverity.WARNING, "alert " + i, T0)).toList();
    return new PoolSnapshot("ci", T0, templates, placements, raised, dropped);
  }

  private static TemplateStatus template(String name, Map<String, WorkerCounts> byPlacement, int waiting,
      boolean degraded, Optional<Duration> timeToEmpty) {
    WorkerCounts total = byPlacement.values().stream().reduce(WorkerCounts.ZERO, WorkerCounts::plus);
    Optional<Forecast> forecast = timeToEmpty.map(
        t -> new Forecast(name, "eu", T0, total.idle(), total.provisioning(), 0.29, 0, Optional.of(t), "forecast"));
    return new TemplateStatus(name, byPlacement, total, waiting, degraded, forecast);
  }

  private static PlacementStatus placement(Placement placement, PlacementState state) {
    return new PlacementStatus(placement, state, 0, 0, Set.of(), Optional.empty());
  }
}
