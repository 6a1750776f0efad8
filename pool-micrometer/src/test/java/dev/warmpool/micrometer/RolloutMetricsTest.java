package dev.warmpool.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The roll meters on a real pool: a new image rolls while a placement drains. */
class RolloutMetricsTest {
  final VirtualClock clock = new VirtualClock();
  final FakeCloud cloud = FakeCloud.builder().seed(3).clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
      .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
      .build();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aRollAndADrainMoveTheRolloutMeters() throws Exception {
    WorkerTemplate v1 = WorkerTemplate.builder("linux").providerProperty("image", "v1").warmTarget(4).build();
    WorkerPool pool = WorkerPools.builder().poolId("rolling").clock(clock).template(v1)
        .placement(Placement.of("fake", "westeurope", "eu"))
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
        .provider("fake", cloud.provider()).build();
    WarmpoolMetrics metrics = WarmpoolMetrics.builder(pool).snapshotMaxAge(Duration.ZERO).build();
    metrics.bindTo(registry);
    clock.advance(Duration.ofMinutes(30));

    pool.reconfigure(pool.configuration().toBuilder()
        .template(v1.toBuilder().providerProperty("image", "v2").build()).drain("fake/westeurope").build());
    List<Double> remaining = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      clock.advance(Duration.ofMinutes(1));
      remaining.add(registry.get("warmpool.rollout.remaining").tag("template", "linux").gauge().value());
    }

    assertThat(remaining).contains(4.0).endsWith(0.0);
    assertThat(registry.get("warmpool.template.changes").tag("change", "new-version").counter().count()).isOne();
    assertThat(registry.get("warmpool.rollout.replaced").counter().count()).isEqualTo(4);
    assertThat(registry.get("warmpool.rollouts.finished").counter().count()).isOne();
    assertThat(registry.get("warmpool.placement.drains").tag("placement", "fake/westeurope").counter().count())
        .isOne();
    assertThat(registry.get("warmpool.rollout.paused").gauge().value()).isZero();
    clock.await(pool.closeAsync(), Duration.ofHours(1));
    metrics.close();
  }
}
