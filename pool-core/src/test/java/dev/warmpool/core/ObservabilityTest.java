package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Alert;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.core.SeedIncidentForecastTest.SeedIncident;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Events, alerts and snapshots during the seed incident (failover and degraded mode off), in every mode. */
public abstract class ObservabilityTest implements PoolMode.Suite {
  static final Instant OUTAGE_START = SeedIncidentForecastTest.OUTAGE_START;
  static final Instant OUTAGE_END = SeedIncidentForecastTest.OUTAGE_END;
  static final String BURST_KEY = "provisioning-failures:fake/westeurope";

  @Test
  void aFailureBurstRaisesAnAlertWithinSixtySecondsAndRecoveryClearsIt() throws Exception {
    SeedIncident incident = new SeedIncident(mode().fresh(), false);
    incident.run(OUTAGE_END.plus(Duration.ofHours(1)));

    Instant firstFailure = incident.events.stream().filter(e -> e instanceof PoolEvent.ProvisioningFailed)
        .map(PoolEvent::at).findFirst().orElseThrow();
    assertThat(firstFailure).isBetween(OUTAGE_START, OUTAGE_START.plus(Duration.ofMinutes(30)));
    // the burst starts with the first failure; the alert threshold is 3 failures in the window
    PoolEvent.AlertRaised raised = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.AlertRaised a && a.alert().key().equals(BURST_KEY))
        .map(e -> (PoolEvent.AlertRaised) e).findFirst().orElseThrow();
    assertThat(Duration.between(firstFailure, raised.at())).isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(raised.alert().message()).contains("westeurope").contains("ServiceUnavailable");

    List<PoolEvent> cleared = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.AlertCleared c && c.alert().key().equals(BURST_KEY)).toList();
    assertThat(cleared).as("cleared after recovery, and not before").isNotEmpty()
        .last().satisfies(c -> assertThat(c.at()).isAfter(OUTAGE_END));
    assertThat(incident.pool.snapshot().alerts()).extracting(Alert::key).doesNotContain(BURST_KEY);
    assertThat(incident.events).as("the placement opened and closed again")
        .anyMatch(e -> e instanceof PoolEvent.PlacementOpened)
        .anyMatch(e -> e instanceof PoolEvent.PlacementClosed && e.at().isAfter(OUTAGE_END));
    incident.close();
  }

  @Test
  void aListenerThatThrowsDoesNotChangeLeaseOutcomesNorStarveOtherListeners() throws Exception {
    Instant end = OUTAGE_START.plus(Duration.ofHours(3));
    SeedIncident baseline = new SeedIncident(mode().fresh(), false);
    baseline.run(end);

    AtomicInteger thrown = new AtomicInteger();
    SeedIncident throwing = new SeedIncident(mode().fresh(), false, b -> b.listener(e -> {
      thrown.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }));
    throwing.run(end);

    assertThat(throwing.failed).as("the scenario has failed requests too").isPositive();
    assertThat(throwing.outcomes).isEqualTo(baseline.outcomes);
    assertThat(thrown.get()).isEqualTo(throwing.events.size()).isEqualTo(baseline.events.size());
    baseline.close();
    throwing.close();
  }

  @Test
  void aListenerThatBlocksDoesNotChangeLeaseOutcomesAndItsDroppedEventsAreCounted() throws Exception {
    Instant end = OUTAGE_START.plus(Duration.ofHours(3));
    SeedIncident baseline = new SeedIncident(mode().fresh(), false);
    baseline.run(end);
    assertThat(baseline.pool.snapshot().droppedEvents()).isZero();

    CountDownLatch unblock = new CountDownLatch(1);
    ExecutorService listenerThread = Executors.newSingleThreadExecutor();
    try {
      SeedIncident blocked = new SeedIncident(mode().fresh(), false, b -> b.eventExecutor(listenerThread)
          .eventQueueCapacity(50).listener(e -> {
            try {
              unblock.await();
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }));
      blocked.run(end);

      assertThat(blocked.outcomes).isEqualTo(baseline.outcomes);
      long dropped = blocked.pool.snapshot().droppedEvents();
      // every event but the 50 queued behind the blocked one (and that one, if the listener thread took it in time)
      assertThat(dropped).isBetween(baseline.events.size() - 51L, baseline.events.size() - 50L);
      unblock.countDown();
      blocked.close();
    } finally {
      unblock.countDown();
      listenerThread.shutdown();
      assertThat(listenerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    baseline.close();
  }

  @Test
  void theSnapshotAddsUpThroughoutTheIncident() throws Exception {
    SeedIncident incident = new SeedIncident(mode().fresh(), false);
    AtomicInteger checks = new AtomicInteger();
    incident.run(OUTAGE_END.plus(Duration.ofMinutes(30)), () -> {
      PoolSnapshot s = incident.pool.snapshot();
      TemplateStatus t = s.template("ubuntu-22").orElseThrow();
      WorkerCounts sum = t.byPlacement().values().stream().reduce(WorkerCounts.ZERO, WorkerCounts::plus);
      assertThat(sum).as("placements add up to the template's total at %s", s.takenAt()).isEqualTo(t.total());
      assertThat(s.total()).isEqualTo(t.total());
      assertThat(t.total().leased() + t.total().draining()).as("leases the scenario holds at %s", s.takenAt())
          .isEqualTo(incident.held);
      assertThat(List.of(t.total().provisioning(), t.total().idle(), t.total().deleting())).allMatch(n -> n >= 0);
      assertThat(t.waiting()).isGreaterThanOrEqualTo(0);
      Set<String> open = new HashSet<>();
      for (PoolEvent e : incident.events) {
        if (e instanceof PoolEvent.AlertRaised a) {
          open.add(a.alert().key());
        } else if (e instanceof PoolEvent.AlertCleared c) {
          open.remove(c.alert().key());
        }
      }
      assertThat(s.alerts()).extracting(Alert::key).as("alerts raised and not cleared at %s", s.takenAt())
          .containsExactlyInAnyOrderElementsOf(open);
      t.forecast().ifPresent(f -> assertThat(f.idle()).isNotNegative());
      checks.incrementAndGet();
    });
    assertThat(checks.get()).isGreaterThan(100);
    assertThat(incident.events).anyMatch(e -> e instanceof PoolEvent.AlertRaised);
    incident.close();
  }

  @Test
  void aFallingForecastPublishesOneDepletionEventPerHorizonCrossed() throws Exception {
    SeedIncident incident = new SeedIncident(mode().fresh(), false);
    incident.run(OUTAGE_START.plus(Duration.ofHours(3)));

    List<Duration> horizons = List.of(Duration.ofHours(6), Duration.ofHours(3), Duration.ofHours(1),
        Duration.ofMinutes(30), Duration.ofMinutes(10));
    List<Duration> crossed = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.DepletionForecast d && !d.at().isBefore(OUTAGE_START))
        .map(e -> ((PoolEvent.DepletionForecast) e).forecast().timeToEmpty().orElseThrow())
        .map(tte -> horizons.stream().filter(h -> tte.compareTo(h) < 0).reduce((a, b) -> b).orElseThrow())
        .toList();
    // the stock only falls during the outage: each event announces a shorter horizon than the one before, even
    // though the demand estimate wobbles with each arrival
    assertThat(crossed).as("smallest horizon below, per event").isNotEmpty().doesNotHaveDuplicates()
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    incident.close();
  }

  @Test
  void failoverRaisesAnAlertThatFailbackClears() throws Exception {
    SeedIncident incident = new SeedIncident(mode().fresh(), true);
    incident.run(OUTAGE_END.plus(Duration.ofHours(1)));

    PoolEvent.FailoverStarted failover = first(incident, PoolEvent.FailoverStarted.class);
    PoolEvent.AlertRaised raised = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.AlertRaised a && a.alert().key().equals("failover:ubuntu-22"))
        .map(e -> (PoolEvent.AlertRaised) e).findFirst().orElseThrow();
    assertThat(raised.at()).isEqualTo(failover.at());
    assertThat(raised.alert().message()).contains("fake/westeurope").contains("fake/northeurope");
    PoolEvent.FailoverEnded failback = first(incident, PoolEvent.FailoverEnded.class);
    assertThat(failback.at()).isAfter(OUTAGE_END);
    assertThat(incident.events).anyMatch(e -> e instanceof PoolEvent.AlertCleared c
        && c.alert().key().equals("failover:ubuntu-22") && c.at().equals(failback.at()));
    // once the pool is warm (the first requests come before any worker is ready), no lease fails
    Instant warm = Instant.parse("2023-03-22T23:00:00Z");
    assertThat(incident.outcomes).as("with failover the pool never runs dry")
        .filteredOn(o -> o.contains(" failed") && Instant.parse(o.substring(0, o.indexOf(' '))).isAfter(warm))
        .isEmpty();
    incident.close();
  }

  @Test
  void anInvalidErrorRaisesACriticalAlertAtTheFirstOne() throws Exception {
    // a provider that refuses every provision as invalid (a region it cannot use, say), tied with westeurope;
    // "broken/mars" sorts first
    dev.warmpool.spi.WorkerProvider broken = new dev.warmpool.spi.WorkerProvider() {
      @Override
      public java.util.concurrent.CompletableFuture<dev.warmpool.spi.ProvisionedWorker> provision(
          dev.warmpool.spi.ProvisionRequest request) {
        return java.util.concurrent.CompletableFuture.failedFuture(dev.warmpool.spi.ProviderException.invalid(
            "LocationNotAvailableForResourceType", "region mars is not available"));
      }

      @Override
      public java.util.concurrent.CompletableFuture<Void> deprovision(dev.warmpool.spi.DeprovisionRequest request) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
      }

      @Override
      public java.util.concurrent.CompletableFuture<List<dev.warmpool.spi.ProviderResource>> list(String poolId) {
        return java.util.concurrent.CompletableFuture.completedFuture(List.of());
      }
    };
    SeedIncident incident = new SeedIncident(mode().fresh(), false, b -> b.provider("broken", broken)
        .placement(dev.warmpool.api.Placement.of("broken", "mars", "eu")));
    incident.clock.advance(Duration.ofMinutes(30));

    PoolEvent.ProvisioningFailed invalid = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.ProvisioningFailed f && f.kind() == dev.warmpool.api.FailureKind.INVALID)
        .map(e -> (PoolEvent.ProvisioningFailed) e).findFirst().orElseThrow();
    List<PoolEvent.AlertRaised> alerts = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.AlertRaised a && a.alert().key().equals("invalid:broken/mars"))
        .map(e -> (PoolEvent.AlertRaised) e).toList();
    assertThat(alerts).as("raised once, at the first INVALID error").hasSize(1).first().satisfies(a -> {
      assertThat(a.at()).isEqualTo(invalid.at());
      assertThat(a.alert().severity()).isEqualTo(dev.warmpool.api.AlertSeverity.CRITICAL);
    });
    // and the pool rests the refused placement instead of asking again at once: after the first answers, one create
    // tries the size at the end of each 15-minute rest (not the whole deficit again)
    long laterCalls = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.ProvisioningFailed f && f.kind() == dev.warmpool.api.FailureKind.INVALID)
        .filter(e -> e.at().isAfter(invalid.at().plus(Duration.ofMinutes(1))))
        .count();
    assertThat(laterCalls).as("provisions refused as invalid from minute 1 to minute 30").isBetween(1L, 2L);
    incident.close();
  }

  private static <E extends PoolEvent> E first(SeedIncident incident, Class<E> type) {
    return incident.events.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }
}
