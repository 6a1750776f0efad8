package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactories;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeProviderFactoryTest {
  private final VirtualClock clock = new VirtualClock();
  private final ProviderFactory factory = ProviderFactories.find("fake", getClass().getClassLoader());

  private ProviderContext context(Map<String, String> settings) {
    return new ProviderContext("pool-a", "fake", settings, clock);
  }

  @Test
  void serviceLoaderFindsTheFakeFactory() {
    assertThat(factory).isInstanceOf(FakeProviderFactory.class);
    assertThat(ProviderFactories.available(getClass().getClassLoader())).contains("fake");
  }

  @Test
  void theCloudSettingReachesACloudATestBuilt() {
    FakeCloud cloud = FakeCloud.builder().id("factory-test-cloud").clock(clock).region("westeurope", "eu").build();

    WorkerProvider provider = factory.create(context(Map.of("cloud", "factory-test-cloud")));
    provider.provision(provision("pool-a", "w1", "westeurope", far(clock)));

    assertThat(cloud.resources("pool-a")).hasSize(1);
    provider.close();
    assertThat(cloud.closedPools()).containsExactly("pool-a");
  }

  @Test
  void aProviderMadeBySettingsIsClosedForItsPoolEvenWithoutCalls() {
    FakeCloud cloud = FakeCloud.builder().id("factory-close-cloud").clock(clock).region("westeurope", "eu").build();
    factory.create(context(Map.of("cloud", "factory-close-cloud"))).close();
    assertThat(cloud.closedPools()).containsExactly("pool-a");
  }

  @Test
  void settingsBuildANewCloudOnThePoolsClock() throws Exception {
    WorkerProvider provider = factory.create(context(Map.of("regions", "westeurope:eu, eastus:us",
        "latency", "PT4M", "seed", "9", "cloud", "factory-new-cloud")));
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("pool-a", "w1", "eastus", far(clock)));
    clock.advance(Duration.ofMinutes(4));
    assertThat(f).isCompleted();

    FakeCloud made = FakeCloud.registered("factory-new-cloud").orElseThrow();
    assertThat(made.regions()).containsExactly("westeurope", "eastus");
    assertThat(made.geography("eastus")).isEqualTo("us");
    assertThat(made.seed()).isEqualTo(9);
  }

  @Test
  void aLatencyRangeIsUniform() {
    WorkerProvider provider = factory.create(context(Map.of("regions", "westeurope:eu",
        "latency", "PT1M..PT2M")));
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("pool-a", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofSeconds(59));
    assertThat(f).isNotDone();
    clock.advance(Duration.ofSeconds(61));
    assertThat(f).isCompleted();
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> factory.create(context(Map.of())))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("providers.fake.regions is required");
    assertThatThrownBy(() -> factory.create(context(Map.of("cloud", "no-such-cloud"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("providers.fake.cloud names no live FakeCloud, was \"no-such-cloud\"");
    assertThatThrownBy(() -> factory.create(context(Map.of("regions", "westeurope"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("providers.fake.regions must be region:geography pairs");
    assertThatThrownBy(() -> factory.create(context(Map.of("regions", "westeurope:eu", "latency", "5 minutes"))))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("providers.fake.latency must be");
    assertThatThrownBy(() -> factory.create(context(Map.of("regions", "westeurope:eu", "seed", "x"))))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("providers.fake.seed");
    assertThatThrownBy(() -> factory.create(context(Map.of("regions", "westeurope:eu", "colour", "red"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("providers.fake.colour is not a setting of the fake provider; known: [cloud,");
  }
}
