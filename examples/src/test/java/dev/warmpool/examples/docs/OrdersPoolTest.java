package dev.warmpool.examples.docs;

// tag::orders-pool-test[]
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeCloudExtension;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrdersPoolTest {
  static final Instant T0 = VirtualClock.DEFAULT_START;

  @RegisterExtension
  final FakeCloudExtension fake = FakeCloudExtension.withCloud(cloud -> cloud
      .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
      .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      .region("eastus", "us", Latency.fixed(Duration.ofMinutes(5)))
      // ARM answers 503 to every call in westeurope from 01:00 to 02:30
      .fault(Faults.outage("westeurope").from(T0.plus(Duration.ofHours(1))).until(T0.plus(Duration.ofMinutes(150)))));

  @Test
  void ourJobsKeepRunningInTheEuWhenWesteuropeFails(FakeCloud cloud, VirtualClock clock) throws Exception {
    List<PoolEvent> events = new CopyOnWriteArrayList<>();
    WorkerPool pool = WorkerPools.builder()
        .poolId("orders")
        .clock(clock)                                   // the pool runs on the test's virtual clock
        .template(WorkerTemplate.builder("linux").warmTarget(3).maxTotal(20).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .placement(Placement.of("fake", "northeurope", "eu").withPreference(1))
        .placement(Placement.of("fake", "eastus", "us").withPreference(2))
        .provider("fake", cloud.provider())
        .listener(events::add)
        .build();
    LeaseRequest job = LeaseRequest.forTemplate("linux").tenant("acme").geographies(Set.of("eu"))
        .maxWait(Duration.ofMinutes(30)).build();

    clock.advance(Duration.ofMinutes(59));                 // warm: three idle workers in westeurope
    assertThat(pool.snapshot().total().idle()).isEqualTo(3);

    clock.advance(Duration.ofMinutes(2));                  // 01:01, westeurope is down
    for (int i = 0; i < 6; i++) {                          // six jobs: three from stock, three need new workers
      Lease lease = clock.await(pool.lease(job), Duration.ofMinutes(30));
      assertThat(lease.worker().placement().geography()).isEqualTo("eu");
      lease.close();
    }

    assertThat(events).anyMatch(e -> e instanceof PoolEvent.FailoverStarted f
        && f.to().get(0).region().equals("northeurope"));
    assertThat(cloud.callCount(Operation.PROVISION, "eastus")).isZero();         // residency kept
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT))
        .as("a few failures and probes against the failing region, no retry storm").isLessThanOrEqualTo(15);

    // close waits for westeurope to answer deletes again; the extension fails the test if anything is left
    clock.await(pool.closeAsync(), Duration.ofHours(3));
  }
}
// end::orders-pool-test[]
