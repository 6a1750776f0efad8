package dev.warmpool.micrometer;

import dev.warmpool.api.WorkerPool;
import io.micrometer.core.instrument.MeterRegistry;

/** The snippet of docs/metrics-and-health.md; compiled here, shown there by the examples module's DocsTest. */
final class DocsSnippets {
  private DocsSnippets() {}

  static void bind(WorkerPool pool, MeterRegistry registry) {
    // tag::metrics[]
    WarmpoolMetrics metrics = WarmpoolMetrics.builder(pool)
        .tag("app", "deployer")                 // optional extra tags on every meter
        .build();                               // or simply: new WarmpoolMetrics(pool)
    metrics.bindTo(registry);                   // any MeterRegistry; bind to several if you like

    // ... when the pool closes:
    metrics.close();                            // removes the pool listener and every meter it registered
    // end::metrics[]
  }
}
