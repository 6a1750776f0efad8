package dev.warmpool.examples.docs;

// tag::spi-test[]
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeCloudExtension;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrdersPoolOutageTest {
  static final Instant T0 = VirtualClock.DEFAULT_START; // the clock every test starts at

  @RegisterExtension
  final FakeCloudExtension fake = FakeCloudExtension.withCloud(cloud -> cloud
      .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
      .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      // ARM answers 503 to creates in westeurope from 00:41 on
      .fault(Faults.outage("westeurope").operations(Operation.PROVISION).from(T0.plus(Duration.ofMinutes(41))))
      // and the first create in northeurope is done, but its answer is lost
      .fault(Faults.lostResponses("northeurope").until(T0.plus(Duration.ofMinutes(62)))));

  final WorkerTemplate linux = WorkerTemplate.builder("linux").size("Standard_D2s_v5").build();

  @Test
  void aWorkerSurvivesAnOutageAndALostResponseWithoutLeaking(FakeCloud cloud, VirtualClock clock)
      throws Exception {
    WorkerProvider provider = cloud.provider();
    clock.advance(Duration.ofHours(1)); // 01:00, the outage is on

    // westeurope fails fast with a 503
    assertThatThrownBy(() -> clock.await(provider.provision(request("w1", "westeurope", clock)),
        Duration.ofMinutes(30))).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT));

    // northeurope creates the worker, but the answer is lost
    assertThatThrownBy(() -> clock.await(provider.provision(request("w1", "northeurope", clock)),
        Duration.ofMinutes(30))).cause()
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.code()).isEqualTo("LostResponse"));
    assertThat(cloud.resources("orders-pool")).hasSize(1); // the resource exists anyway

    // a retry with the same worker id finds the first resource instead of making a second
    clock.advance(Duration.ofMinutes(2));
    ProvisionedWorker worker = clock.await(provider.provision(request("w1", "northeurope", clock)),
        Duration.ofMinutes(30));
    assertThat(cloud.inventorySize()).isEqualTo(1);

    // no retry storm: one refused create in westeurope, two calls in northeurope
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT)).isEqualTo(1);
    assertThat(cloud.callCount(Operation.PROVISION, "northeurope")).isEqualTo(2);

    // clean up and close; the extension fails the test if anything of "orders-pool" is left
    clock.await(provider.deprovision(new DeprovisionRequest("orders-pool", "w1",
        Optional.of(worker.resourceId()), placement("northeurope"), clock.now().plus(Duration.ofMinutes(10)))),
        Duration.ofMinutes(10));
    provider.close();
  }

  ProvisionRequest request(String workerId, String region, VirtualClock clock) {
    return new ProvisionRequest("orders-pool", workerId, 1, linux, placement(region),
        Map.of(WorkerTags.POOL, "orders-pool", WorkerTags.WORKER, workerId),
        clock.now().plus(Duration.ofMinutes(30)));
  }

  static Placement placement(String region) {
    return Placement.of("fake", region, "eu");
  }
}
// end::spi-test[]
