package dev.warmpool.examples.docs;

import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.WorkerTemplate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;

/** The snippet of docs/sizing.md; compiled by the build, shown by DocsTest. */
final class SizingSnippets {
  private SizingSnippets() {}

  static WorkerTemplate objective() {
    // tag::objective[]
    WorkerTemplate ci = WorkerTemplate.builder("ci")
        .providerProperty("image", "ghcr.io/acme/ci-runner:2024.03")
        .maxTotal(200)
        .sizing(SizingPolicy.objective(0.99, Duration.ofSeconds(5))   // p99 lease wait at most 5 s
            .floor(1)                                                    // never fewer than 1 idle worker
            .ceiling(150)                                                // never more than 150
            .zone("Europe/Berlin")                                       // windows and learned hours read here
            .window(new SizingPolicy.Window(DayOfWeek.MONDAY, DayOfWeek.FRIDAY,
                LocalTime.of(8, 0), LocalTime.of(10, 0), 30))             // the morning rush: at least 30
            .build())
        .build();
    // end::objective[]
    return ci;
  }
}
