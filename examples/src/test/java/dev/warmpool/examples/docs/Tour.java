package dev.warmpool.examples.docs;

import dev.warmpool.api.Forecast;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The snippets of docs/concepts.md and docs/metrics-and-health.md; compiled by the build, shown by DocsTest. */
final class Tour {
  private Tour() {}

  static WorkerPool pool(WorkerProvider cloud) {
    // tag::pool[]
    WorkerPool pool = WorkerPools.builder()
        .poolId("ci-eu")
        .template(WorkerTemplate.builder("ubuntu-22")
            .providerProperty("image", "ghcr.io/acme/runner:22.04")
            .warmTarget(40).maxTotal(120)          // keep 40 idle, never more than 120 in all
            .maxUses(1)                            // a fresh worker for every job
            .maxAge(Duration.ofHours(6))
            .build())
        .placement(Placement.of("fake", "westeurope", "eu"))                    // preferred
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1)) // failover
        .placement(Placement.of("fake", "eastus", "us").withPreference(2))
        .provider("fake", cloud)                   // or .provider("azure", settings): found by name
        .listener(event -> System.out.println(event))
        .build();
    // end::pool[]
    return pool;
  }

  static void job(WorkerPool pool) {
    // tag::lease[]
    LeaseRequest request = LeaseRequest.forTemplate("ubuntu-22")
        .tenant("acme")
        .geographies(Set.of("eu"))                 // data residency: never a worker outside the EU
        .maxWait(Duration.ofMinutes(5))
        .leaseDuration(Duration.ofHours(1))        // reclaimed if the job's holder vanishes
        .build();

    CompletableFuture<Lease> granted = pool.lease(request);   // completes when a worker is free
    granted.thenAccept(lease -> {
      try (lease) {                                // close() releases; lease.discard() destroys a broken worker
        runJob(lease.worker().attributes().get("ip"), lease.fencingToken());
      }
    });
    // end::lease[]
  }

  static void blocking(WorkerPool pool, LeaseRequest request) {
    // tag::acquire[]
    try (Lease lease = pool.acquire(request, Duration.ofMinutes(5))) {   // blocks this thread: system clock only
      runJob(lease.worker().attributes().get("ip"), lease.fencingToken());
    }
    // end::acquire[]
  }

  static Optional<Forecast> forecast(WorkerPool pool) {
    // tag::forecast[]
    Optional<Forecast> forecast = pool.snapshot().template("ubuntu-22").flatMap(TemplateStatus::forecast);
    forecast.flatMap(Forecast::timeToEmpty)
        .ifPresent(timeToEmpty -> System.out.println("the warm stock runs out in " + timeToEmpty));
    // end::forecast[]
    return forecast;
  }

  static void listen(WorkerPool pool) {
    // tag::listener[]
    pool.addListener(event -> {
      if (event instanceof PoolEvent.AlertRaised raised) {
        System.out.println(raised.alert().severity() + " " + raised.alert().key() + ": " + raised.alert().message());
      }
    });
    // end::listener[]
  }

  private static void runJob(String host, long fencingToken) {}
}
