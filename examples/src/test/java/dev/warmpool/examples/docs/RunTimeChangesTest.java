package dev.warmpool.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The snippets of docs/run-time-changes.md, run on the fake cloud: compiled by the build, shown by DocsTest. */
class RunTimeChangesTest {
  final VirtualClock clock = new VirtualClock();
  final FakeCloud cloud = FakeCloud.builder().clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
      .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
      .build();
  final List<PoolEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void theSnippetsChangeARunningPool() throws Exception {
    WorkerPool pool = WorkerPools.builder().poolId("ci").clock(clock)
        .template(WorkerTemplate.builder("linux").providerProperty("image", "runner:2.310").warmTarget(4).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .provider("fake", cloud.provider()).listener(events::add).build();
    clock.advance(Duration.ofMinutes(10));

    // tag::warm-target[]
    WorkerTemplate linux = pool.configuration().templates().get(0);
    pool.reconfigure(pool.configuration().toBuilder()
        .template(linux.toBuilder().warmTarget(8).maxTotal(40).build())   // limits apply at once
        .build());
    // end::warm-target[]
    clock.advance(Duration.ofMinutes(10));
    assertThat(pool.snapshot().template("linux").orElseThrow().total().idle()).isEqualTo(8);

    // tag::new-image[]
    WorkerTemplate current = pool.configuration().templates().get(0);
    pool.reconfigure(pool.configuration().toBuilder()
        .template(current.toBuilder().providerProperty("image", "runner:2.311").build())  // a new version: rolls
        .maxSurge(2)             // at most 2 replacements at a time above the warm target (default 1)
        .maxUnavailable(0)       // never fewer idle workers than warm target + waiting requests (the default)
        .build());
    // end::new-image[]
    clock.advance(Duration.ofMinutes(30));
    assertThat(events).filteredOn(PoolEvent.RolloutFinished.class::isInstance).hasSize(1);

    // tag::drain[]
    pool.reconfigure(pool.configuration().toBuilder()
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))   // a new placement
        .drain("fake/westeurope")             // no new workers there; its workers are replaced elsewhere
        .build());
    // end::drain[]
    clock.advance(Duration.ofMinutes(30));
    assertThat(cloud.resources("ci")).isNotEmpty().allSatisfy(r -> assertThat(r.region()).isEqualTo("northeurope"));
    clock.await(pool.closeAsync(), Duration.ofHours(1));
  }
}
