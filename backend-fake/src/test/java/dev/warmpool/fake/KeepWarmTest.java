package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kept on purpose versus leaked: what a keep-warm pool leaves when it closes. */
class KeepWarmTest {
  private final VirtualClock clock = new VirtualClock();
  private final FakeCloud cloud = FakeCloud.builder().clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      .fault(Faults.hangingProvisions("westeurope").operations(Operation.PROVISION)
          .from(clock.now().plus(Duration.ofMinutes(10))))
      .build();
  private final WorkerProvider provider = cloud.provider();

  @Test
  void aKeepWarmPoolKeepsWhatRunsWhenItClosesAndLeaksTheRest() {
    // tag::declare-keep-warm[]
    cloud.declareKeepWarm("p1");              // or the fake provider setting keepWarmPool=true
    // end::declare-keep-warm[]
    provider.provision(provision("p1", "idle", "westeurope", far(clock)));
    provider.provision(provision("p1", "deleting", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(10));
    provider.provision(provision("p1", "hanging", "westeurope", far(clock)));
    provider.deprovision(deprovision("p1", "deleting", "westeurope", far(clock)));
    clock.runDue();

    provider.close();
    provider.provision(provision("p1", "afterClose", "westeurope", far(clock)));
    clock.runDue();

    assertThat(cloud.keptResources()).extracting(FakeResource::workerId).containsExactly("idle");
    assertThat(cloud.leakedResources()).extracting(FakeResource::workerId)
        .containsExactlyInAnyOrder("deleting", "hanging", "afterClose");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cloud.leakedResources()).extracting(FakeResource::workerId)
        .containsExactlyInAnyOrder("hanging", "afterClose");
  }

  @Test
  void withoutTheDeclarationEveryResourceOfAClosedPoolIsALeak() {
    cloud.declareKeepWarm("other");
    provider.provision(provision("p1", "idle", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(5));

    provider.close();

    assertThat(cloud.keptResources()).isEmpty();
    assertThat(cloud.leakedResources()).extracting(FakeResource::workerId).containsExactly("idle");
  }

  @Test
  void theNextCloseDecidesAgainAndARecreatedResourceIsNotKeptByTheEarlierOne() {
    cloud.declareKeepWarm("p1");
    provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(5));
    provider.close();
    assertThat(cloud.keptResources()).hasSize(1);

    WorkerProvider next = cloud.provider();
    next.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    next.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(5));
    assertThat(cloud.keptResources()).isEmpty();
    assertThat(cloud.leakedResources()).extracting(FakeResource::workerId).containsExactly("w1");

    next.close();
    assertThat(cloud.keptResources()).extracting(FakeResource::workerId).containsExactly("w1");
    assertThat(cloud.leakedResources()).isEmpty();
  }

  @Test
  void theFactorySettingDeclaresThePoolKeepWarm() {
    FakeCloud named = FakeCloud.builder().id("keep-warm-test").clock(clock).region("westeurope", "eu").build();
    WorkerProvider fromFactory = new FakeProviderFactory().create(new ProviderContext("orders", "fake",
        Map.of("cloud", "keep-warm-test", "keepWarmPool", "true"), clock));

    assertThat(named.keepWarmPools()).containsExactly("orders");
    fromFactory.close();
    assertThatThrownBy(() -> new FakeProviderFactory().create(new ProviderContext("orders", "fake",
        Map.of("cloud", "keep-warm-test", "keepWarmPool", "yes"), clock)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("providers.fake.keepWarmPool must be true or false, was \"yes\"");
  }
}
