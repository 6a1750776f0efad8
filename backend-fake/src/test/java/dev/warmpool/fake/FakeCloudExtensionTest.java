package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

@ExtendWith(FakeCloudExtension.class)
class FakeCloudExtensionTest {
  private FakeCloud fromBeforeEach;

  @BeforeEach
  void remember(FakeCloud cloud) {
    fromBeforeEach = cloud;
  }

  @Test
  void aTestGetsTheDefaultCloudOnTheClockItIsGiven(FakeCloud cloud, VirtualClock clock) {
    assertThat(cloud).isSameAs(fromBeforeEach);
    assertThat(cloud.clock()).isSameAs(clock);
    assertThat(cloud.regions()).containsExactly("westeurope", "northeurope", "eastus");
    assertThat(cloud.geography("eastus")).isEqualTo("us");
    assertThat(cloud.inventorySize()).isZero();
    cloud.provider().provision(provision("p1", "w1", "westeurope", far(clock)));
    assertThat(cloud.inventorySize()).isEqualTo(1);
  }

  @Test
  void everyTestGetsAFreshCloud(FakeCloud cloud, VirtualClock clock) {
    assertThat(cloud.inventorySize()).isZero();
    assertThat(clock.now()).isEqualTo(VirtualClock.DEFAULT_START);
    cloud.provider().provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofHours(1));
  }

  @Test
  void theLeakCheckFailsOnlyTheTestThatLeftAClosedPoolsResourceBehind() {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LeakyScenarios.class)).execute()
        .testEvents();

    tests.assertStatistics(s -> s.started(6).succeeded(4).failed(2));
    tests.failed().assertThatEvents().haveExactly(1, event(test("leaksAWorkerOfAClosedPool"),
        finishedWithFailure(instanceOf(AssertionError.class),
            message(m -> m.contains("FakeCloud leak: 1 resource(s) of closed pool(s) [leaky]")
                && m.contains("fake:westeurope/leaky/w2 (running)") && !m.contains("/leaky/w1")))));
  }

  @Test
  void theLeakCheckHonoursAKeepWarmPoolButNotWhatItLeftHalfMade() {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(LeakyScenarios.class)).execute()
        .testEvents();

    tests.succeeded().assertThatEvents().haveExactly(1, event(test("keepsAWarmPoolOnPurpose")));
    tests.failed().assertThatEvents().haveExactly(1, event(test("aKeepWarmPoolStillLeaksWhatWasBeingCreated"),
        finishedWithFailure(instanceOf(AssertionError.class),
            message(m -> m.contains("FakeCloud leak: 1 resource(s)") && m.contains("/warmish/w2 (creating)")
                && !m.contains("/warmish/w1")
                && m.contains("1 more kept warm on purpose by keep-warm pool(s) [warmish] are not counted")))));
  }

  @Test
  void aRecipeMakesTheCloudOfEachTest() {
    Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(CustomCloudScenario.class))
        .execute().testEvents();
    tests.assertStatistics(s -> s.started(1).succeeded(1));
  }

  /** Run only through the EngineTestKit above (surefire skips nested classes). */
  @ExtendWith(FakeCloudExtension.class)
  static class LeakyScenarios {
    @Test
    void leaksAWorkerOfAClosedPool(FakeCloud cloud, VirtualClock clock) throws Exception {
      WorkerProvider provider = cloud.provider();
      clock.await(provider.provision(provision("leaky", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      clock.await(provider.provision(provision("leaky", "w2", "westeurope", far(clock))), Duration.ofHours(1));
      clock.await(provider.deprovision(deprovision("leaky", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      provider.close();
    }

    @Test
    void deletesEveryWorkerBeforeClosing(FakeCloud cloud, VirtualClock clock) throws Exception {
      WorkerProvider provider = cloud.provider();
      clock.await(provider.provision(provision("tidy", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      clock.await(provider.deprovision(deprovision("tidy", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      provider.close();
    }

    @Test
    void keepsAWarmPoolOnPurpose(FakeCloud cloud, VirtualClock clock) throws Exception {
      cloud.declareKeepWarm("warm");
      WorkerProvider provider = cloud.provider();
      clock.await(provider.provision(provision("warm", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      provider.close();
    }

    @Test
    void aKeepWarmPoolStillLeaksWhatWasBeingCreated(FakeCloud cloud, VirtualClock clock) throws Exception {
      cloud.declareKeepWarm("warmish");
      WorkerProvider provider = cloud.provider();
      clock.await(provider.provision(provision("warmish", "w1", "westeurope", far(clock))), Duration.ofHours(1));
      provider.provision(provision("warmish", "w2", "westeurope", far(clock)));
      provider.close();
    }

    @Test
    void keepsAnOpenPoolsWorkers(FakeCloud cloud, VirtualClock clock) throws Exception {
      clock.await(cloud.provider().provision(provision("open", "w1", "westeurope", far(clock))),
          Duration.ofHours(1));
    }

    @Test
    void neverAsksForACloud() {
      assertThat(1 + 1).isEqualTo(2);
    }
  }

  /** Run only through the EngineTestKit above. */
  static class CustomCloudScenario {
    @RegisterExtension
    final FakeCloudExtension fake = FakeCloudExtension.withCloud(b -> b.seed(3)
        .region("uksouth", "uk", Latency.fixed(Duration.ofMinutes(1)))
        .fault(Faults.outage("uksouth").failureRate(0.5)));

    @Test
    void getsTheRecipesCloud(FakeCloud cloud, VirtualClock clock) {
      assertThat(cloud.regions()).containsExactly("uksouth");
      assertThat(cloud.seed()).isEqualTo(3);
      assertThat(cloud.faults()).hasSize(1);
      assertThat(cloud.clock()).isSameAs(clock);
    }
  }
}
