package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeCloudExtension;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A keep-warm pool under the fake cloud's leak check: its idle workers are kept, not leaked. */
@ExtendWith(FakeCloudExtension.class)
class KeepWarmLeakCheckTest {

  @Test
  void aKeepWarmPoolThatClosesPassesTheLeakCheckWithItsIdleWorkersKept(FakeCloud cloud, VirtualClock clock)
      throws Exception {
    cloud.declareKeepWarm("orders");
    WorkerPool pool = WorkerPools.builder()
        .poolId("orders")
        .clock(clock)
        .template(WorkerTemplate.builder("linux").warmTarget(3).maxTotal(20).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .provider("fake", cloud.provider())
        .keepWarmPool(true)
        .build();
    clock.advance(Duration.ofMinutes(30));
    pool.tryLease(LeaseRequest.of("linux")).orElseThrow().close();
    clock.advance(Duration.ofMinutes(30));

    clock.await(pool.closeAsync(), Duration.ofHours(1));

    assertThat(cloud.closedPools()).containsExactly("orders");
    assertThat(cloud.keptResources()).hasSize(3).extracting(FakeResource::poolId).containsOnly("orders");
    assertThat(cloud.leakedResources()).isEmpty();
  }
}
