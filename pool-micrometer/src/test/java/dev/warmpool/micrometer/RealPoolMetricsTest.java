package dev.warmpool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The binder on a real pool on the fake cloud: during a short scenario with a failure window, every meter of the
 * table in docs/metrics-and-health.md exists and moves.
 */
class RealPoolMetricsTest {
  static final Instant T0 = VirtualClock.DEFAULT_START;

  final VirtualClock clock = new VirtualClock();
  final FakeCloud cloud = FakeCloud.builder().seed(3).clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      .region("eastus", "us", Latency.fixed(Duration.ofMinutes(5)))
      .fault(Faults.outage("westeurope").during(T0.plus(Duration.ofMinutes(60)), T0.plus(Duration.ofMinutes(120))))
      .fault(Faults.outage("northeurope").during(T0.plus(Duration.ofMinutes(70)), T0.plus(Duration.ofMinutes(100))))
      .build();
  /** Listeners run when the test says so, so that it can make them fall behind. */
  final List<Runnable> eventTasks = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** Every value each gauge showed, by meter id. */
  final Map<Meter.Id, Set<Double>> gaugeValues = new HashMap<>();

  @Test
  void everyMeterOfTheReadmeExistsAndMovesDuringAnOutage() throws Exception {
    WorkerPools.Builder builder = WorkerPools.builder().poolId("metrics").clock(clock)
        .template(WorkerTemplate.builder("linux").size("Standard_D2s_v5").warmTarget(4).maxTotal(30).maxUses(1)
            .build())
        .provider("fake", cloud.provider())
        .eventExecutor(eventTasks::add)
        .eventQueueCapacity(16);
    cloud.placements().forEach(builder::placement);
    WorkerPool pool = builder.build();
    WarmpoolMetrics metrics = WarmpoolMetrics.builder(pool).snapshotMaxAge(Duration.ZERO).build();
    metrics.bindTo(registry);
    sample();

    // a request before the pool is warm waits, then times out
    CompletableFuture<Lease> early = pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofMinutes(1))
        .build());
    step(Duration.ofSeconds(10));
    assertThat(early).isNotDone();
    step(Duration.ofMinutes(2));
    assertThat(early).isCompletedExceptionally();
    run(Duration.ofMinutes(15));

    // one lease released, one left to expire
    pool.tryLease(LeaseRequest.of("linux")).orElseThrow().close();
    pool.tryLease(LeaseRequest.forTemplate("linux").leaseDuration(Duration.ofMinutes(5)).build()).orElseThrow();

    // an orphan the pool can use, one of a template it no longer has, and a worker deleted behind the pool's back
    String generation = cloud.resources("metrics").get(0).tags().get(WorkerTags.GENERATION);
    orphan("w-adopt", "linux", generation);
    orphan("w-remove", "retired", generation);
    run(Duration.ofMinutes(20)); // past the orphan grace period (10 minutes) and a reconciliation
    String idle = cloud.resources("metrics").stream().map(FakeResource::resourceId).filter(id -> !id.contains("w-"))
        .findFirst().orElse(cloud.resources("metrics").get(0).resourceId());
    assertThat(cloud.deleteExternally(idle)).isTrue();
    run(Duration.ofMinutes(15));

    // the outage: westeurope from 01:00 to 02:00, northeurope from 01:10 to 01:40; demand every 3 minutes
    while (clock.now().isBefore(T0.plus(Duration.ofMinutes(150)))) {
      pool.tryLease(LeaseRequest.of("linux")).ifPresent(Lease::close);
      run(Duration.ofMinutes(3));
    }

    // the placements fail back (a half-open probe counts once its create completes) and the stock refills
    run(Duration.ofMinutes(40));
    assertThat(pool.snapshot().total().idle()).as("idle workers to lease while listeners fall behind").isPositive();
    // listeners fall behind: the idle workers leased and released, then 20 requests that time out within the second,
    // while no event is delivered (the queue holds 16)
    for (int i = 0; i < 12; i++) {
      Optional<Lease> lease = pool.tryLease(LeaseRequest.of("linux"));
      lease.ifPresent(Lease::close);
    }
    List<CompletableFuture<Lease>> late = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      late.add(pool.lease(LeaseRequest.forTemplate("linux").maxWait(Duration.ofMillis(500)).build()));
    }
    clock.advance(Duration.ofSeconds(1));
    late.forEach(f -> f.thenAccept(Lease::close));
    step(Duration.ofMinutes(20));

    for (String gauge : List.of("warmpool.workers", "warmpool.leases.waiting", "warmpool.forecast.time.to.empty",
        "warmpool.template.degraded", "warmpool.placement.state", "warmpool.alerts.active",
        "warmpool.template.idle.worker.hours")) {
      assertThat(gaugeValues.entrySet()).as(gauge)
          .anyMatch(e -> e.getKey().getName().equals(gauge) && e.getValue().size() > 1);
    }
    assertThat(registry.get("warmpool.events.dropped").functionCounter().count()).isPositive();
    for (String counter : List.of("warmpool.leases.granted", "warmpool.leases.released", "warmpool.leases.expired",
        "warmpool.leases.timed.out", "warmpool.workers.provisioned", "warmpool.provisioning.failures",
        "warmpool.workers.deprovisioned", "warmpool.deprovisioning.failures", "warmpool.workers.lost",
        "warmpool.orphans.adopted", "warmpool.orphans.removed", "warmpool.placement.transitions",
        "warmpool.failovers", "warmpool.failbacks", "warmpool.degradations", "warmpool.alerts.raised")) {
      assertThat(registry.get(counter).counters()).as(counter).isNotEmpty()
          .anyMatch(c -> c.count() > 0);
    }
    for (String timer : List.of("warmpool.leases.wait", "warmpool.provisioning.latency")) {
      assertThat(registry.get(timer).timers()).as(timer).anyMatch(t -> t.count() > 0);
    }
    assertThat(registry.get("warmpool.provisioning.failures").tag("placement", "fake/westeurope")
        .tag("kind", "transient").counter().count()).isPositive();

    CompletableFuture<Void> closed = pool.closeAsync();
    while (!closed.isDone() && clock.nextDue() != null) {
      step(Duration.ofMinutes(1));
    }
    assertThat(closed).isCompleted();
    metrics.close();
    assertThat(cloud.leakedResources()).isEmpty();
  }

  private void orphan(String workerId, String template, String generation) throws Exception {
    WorkerProvider provider = cloud.provider();
    Placement where = cloud.placements().get(0);
    ProvisionRequest request = new ProvisionRequest("metrics", workerId, 1,
        WorkerTemplate.builder(template).size("Standard_D2s_v5").build(), where,
        Map.of(WorkerTags.POOL, "metrics", WorkerTags.WORKER, workerId, WorkerTags.TEMPLATE, template,
            WorkerTags.GENERATION, generation),
        clock.now().plus(Duration.ofMinutes(30)));
    clock.await(provider.provision(request), Duration.ofMinutes(30));
  }

  /** Moves time minute by minute, delivering events and reading the gauges after each. */
  private void run(Duration span) {
    Instant end = clock.now().plus(span);
    while (clock.now().isBefore(end)) {
      step(Duration.ofMinutes(1));
    }
  }

  private void step(Duration d) {
    clock.advance(d);
    while (!eventTasks.isEmpty()) {
      List<Runnable> due = new ArrayList<>(eventTasks);
      eventTasks.clear();
      due.forEach(Runnable::run);
    }
    sample();
  }

  private void sample() {
    for (Meter m : registry.getMeters()) {
      if (m instanceof Gauge g) {
        gaugeValues.computeIfAbsent(m.getId(), k -> new HashSet<>()).add(g.value());
      } else if (m instanceof FunctionCounter) {
        gaugeValues.computeIfAbsent(m.getId(), k -> new HashSet<>());
      }
    }
  }
}
