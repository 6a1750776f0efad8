package dev.warmpool.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeCloudExtension;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** backend-fake's extension, in a user's project on JUnit 5 (the Warmpool build itself runs JUnit 6). */
@ExtendWith(FakeCloudExtension.class)
class FakeCloudExtensionOnJUnit5Test {

  @Test
  void runsOnJUnit5() {
    assertThat(Test.class.getPackage().getImplementationVersion()).startsWith("5.10.");
  }

  @Test
  void aPoolOnTheInjectedCloudLeasesAndClosesWithoutALeak(FakeCloud cloud, VirtualClock clock) throws Exception {
    WorkerPool pool = WorkerPools.builder()
        .poolId("junit5")
        .clock(clock)
        .template(WorkerTemplate.builder("small").warmTarget(1).maxTotal(2).build())
        .placement(cloud.placements().get(0))
        .provider("fake", cloud.provider())
        .build();
    clock.advance(Duration.ofMinutes(30));
    try (Lease lease = clock.await(pool.lease(LeaseRequest.forTemplate("small").tenant("t").build()),
        Duration.ofMinutes(30))) {
      assertThat(lease.worker().placement().region()).isEqualTo("westeurope");
    }
    clock.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void theLeakCheckFailsATestThatLeavesAClosedPoolsWorkerBehind() {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LeakyScenario.class)).execute()
        .testEvents();

    tests.assertStatistics(s -> s.started(1).failed(1));
    tests.failed().assertThatEvents().haveExactly(1, event(test("closesItsProviderWithAWorkerLeft"),
        finishedWithFailure(instanceOf(AssertionError.class))));
  }

  /** Run only through the EngineTestKit above (surefire skips nested classes). */
  @ExtendWith(FakeCloudExtension.class)
  static class LeakyScenario {
    @Test
    void closesItsProviderWithAWorkerLeft(FakeCloud cloud, VirtualClock clock) throws Exception {
      WorkerProvider provider = cloud.provider();
      clock.await(provider.provision(new ProvisionRequest("leaky", "w1", 1, WorkerTemplate.builder("small").build(),
          cloud.placements().get(0), Map.of(WorkerTags.POOL, "leaky", WorkerTags.WORKER, "w1"),
          clock.now().plus(Duration.ofHours(1)))), Duration.ofHours(1));
      provider.close();  // the pool is closed, its worker is still in the cloud
    }
  }
}
