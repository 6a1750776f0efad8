package dev.warmpool.examples.docs;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.List;

/** The snippets of docs/testing.md and docs/installation.md; compiled by the build, shown by DocsTest. */
final class FakeCloudSnippets {
  private FakeCloudSnippets() {}

  static List<Placement> cloud() {
    // tag::cloud[]
    VirtualClock clock = new VirtualClock();                      // starts at 2023-03-23T00:00:00Z
    FakeCloud cloud = FakeCloud.builder()
        .seed(42)                                                 // latencies and fault rates are drawn from it
        .clock(clock)                                             // give the pool the same clock
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("eastus", "us")                                   // 3 to 20 minutes by default
        .capacity("northeurope", "Standard_D2s_v5", 100)          // CAPACITY AllocationFailed beyond it
        .deprovisionLatency(Latency.fixed(Duration.ofMinutes(1))) // the default
        .fault(Faults.outage("westeurope").from(clock.now().plus(Duration.ofMinutes(161))).failureRate(0.9))
        .build();
    WorkerProvider provider = cloud.provider();                   // the SPI, named "fake"
    List<Placement> placements = cloud.placements();              // one per region, preferred in order
    // end::cloud[]
    provider.close();
    return placements;
  }

  static FakeCloud realTime() {
    // tag::real-time[]
    FakeCloud cloud = FakeCloud.builder().clock(PoolClock.system()).region("westeurope", "eu").build();
    // end::real-time[]
    return cloud;
  }
}
