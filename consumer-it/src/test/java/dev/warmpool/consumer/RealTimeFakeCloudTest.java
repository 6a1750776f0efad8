package dev.warmpool.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fake cloud and a pool on real time, through the public API only ({@code PoolClock.system()}). */
class RealTimeFakeCloudTest {

  @Test
  void aPoolLeasesFromAFakeCloudOnTheSystemClock() throws Exception {
    FakeCloud cloud = FakeCloud.builder()
        .clock(PoolClock.system())
        .seed(1)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMillis(50)))
        .deprovisionLatency(Latency.fixed(Duration.ofMillis(10)))
        .build();
    WorkerPool pool = WorkerPools.builder()
        .poolId("real-time")
        .clock(PoolClock.system())
        .template(WorkerTemplate.builder("small").warmTarget(1).maxTotal(2).build())
        .placement(cloud.placements().get(0))
        .provider("fake", cloud.provider())
        .build();
    try (Lease lease = pool.lease(LeaseRequest.forTemplate("small").tenant("t").maxWait(Duration.ofSeconds(30))
        .build()).get(60, TimeUnit.SECONDS)) {
      assertThat(lease.worker().placement().region()).isEqualTo("westeurope");
    }
    pool.closeAsync().get(60, TimeUnit.SECONDS);
    assertThat(cloud.inventorySize()).isZero();
  }
}
