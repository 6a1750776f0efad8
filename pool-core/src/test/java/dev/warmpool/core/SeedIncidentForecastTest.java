package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The seed incident with failover and degraded mode off: the first forecast after the first failure must predict
 * when the pool runs dry. In every mode (a subclass per mode).
 */
public abstract class SeedIncidentForecastTest implements PoolMode.Suite {
  static final Instant OUTAGE_START = Instant.parse("2023-03-23T02:41:00Z");
  static final Instant OUTAGE_END = Instant.parse("2023-03-23T06:51:00Z");

  @Test
  void theFirstForecastAfterTheFirstFailurePredictsWhenThePoolRunsDryWithinFifteenPercent() throws Exception {
    SeedIncident incident = new SeedIncident(mode(), false);
    incident.run(OUTAGE_START.plus(Duration.ofHours(3)));

    Instant firstFailure = incident.events.stream().filter(e -> e instanceof PoolEvent.ProvisioningFailed)
        .map(PoolEvent::at).findFirst().orElseThrow();
    PoolEvent.DepletionForecast first = incident.events.stream()
        .filter(e -> e instanceof PoolEvent.DepletionForecast d && d.forecast().emptyAt().isPresent()
            && !d.at().isBefore(firstFailure))
        .map(e -> (PoolEvent.DepletionForecast) e).findFirst().orElseThrow();
    assertThat(Duration.between(firstFailure, first.at())).as("forecast published within 5 min of the first failure")
        .isLessThanOrEqualTo(Duration.ofMinutes(5));

    Instant dry = incident.dryAt;
    assertThat(dry).as("the pool ran dry after the first failure").isNotNull().isAfter(firstFailure);
    double actual = Duration.between(first.at(), dry).toSeconds();
    double predicted = Duration.between(first.at(), first.forecast().emptyAt().orElseThrow()).toSeconds();
    assertThat(Math.abs(predicted - actual) / actual)
        .as("forecast %s (%s) vs dry at %s, first failure %s", first.forecast().emptyAt().orElseThrow(),
            first.forecast().message(), dry, firstFailure)
        .isLessThanOrEqualTo(0.15);
  }

  /** The seed incident: westeurope fails from 02:41 to 06:51; demand 0.3 leases a minute, each held 4 minutes. */
  static final class SeedIncident {
    final VirtualClock clock = new VirtualClock(Instant.parse("2023-03-22T22:00:00Z"));
    final FakeCloud cloud = FakeCloud.builder().seed(7).clock(clock)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .region("eastus", "us", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .fault(Faults.outage("westeurope").during(OUTAGE_START, OUTAGE_END))
        .build();
    final List<PoolEvent> events = new CopyOnWriteArrayList<>();
    final WorkerPool pool;
    Instant dryAt;
    int granted;
    int failed;
    /** Leases granted and not yet closed. */
    int held;
    /** Every request's outcome in order: when it was made, and which worker it got when, or how it failed. */
    final List<String> outcomes = new ArrayList<>();

    SeedIncident(PoolMode mode, boolean failover) {
      this(mode, failover, b -> b);
    }

    /** The incident on the one node of {@code mode} (give each incident of a test its own {@link PoolMode#fresh()}). */
    SeedIncident(PoolMode mode, boolean failover, UnaryOperator<WorkerPools.Builder> customize) {
      WorkerPools.Builder b = WorkerPools.builder().poolId("seed").clock(clock)
          .template(WorkerTemplate.builder("ubuntu-22").size("Standard_D2s_v5").warmTarget(40).maxTotal(200)
              .maxUses(1).build())
          .provider("fake", cloud.provider())
          .failover(failover).degradedMode(failover)
          .listener(events::add);
      cloud.placements().forEach(b::placement);
      pool = customize.apply(mode.apply(b)).build();
    }

    /** Runs demand until {@code end}: one request every 200 s, each lease held 4 minutes. */
    void run(Instant end) {
      run(end, () -> { });
    }

    /** Runs demand until {@code end}, calling {@code step} after each arrival's time has passed. */
    void run(Instant end, Runnable step) {
      while (clock.now().isBefore(end)) {
        clock.advance(Duration.ofSeconds(200));
        step.run();
        boolean outage = clock.now().isAfter(OUTAGE_START);
        if (dryAt == null && outage
            && pool.snapshot().template("ubuntu-22").orElseThrow().total().idle() == 0) {
          dryAt = clock.now();
        }
        Instant requestedAt = clock.now();
        pool.lease(LeaseRequest.forTemplate("ubuntu-22").maxWait(Duration.ofMinutes(1)).build())
            .whenComplete((lease, error) -> {
              if (error != null) {
                failed++;
                outcomes.add(requestedAt + " failed: " + error.getClass().getSimpleName());
                if (dryAt == null && outage) {
                  dryAt = requestedAt;
                }
              } else {
                granted++;
                held++;
                outcomes.add(requestedAt + " granted " + lease.worker().id() + " at " + clock.now());
                clock.schedule(Duration.ofMinutes(4), () -> {
                  held--;
                  lease.close();
                });
              }
            });
      }
    }

    void close() throws Exception {
      clock.await(pool.closeAsync(), Duration.ofHours(2));
    }
  }
}
