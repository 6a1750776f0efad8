package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
  private final VirtualClock clock = new VirtualClock();
  private final TestProvider provider = new TestProvider(clock, Duration.ofMinutes(1));

  private WorkerPools.Builder valid() {
    return WorkerPools.builder().poolId("p1").clock(clock)
        .template(WorkerTemplate.builder("linux").warmTarget(1).build())
        .placement(Placement.of("cloud", "westeurope", "eu"))
        .provider("cloud", provider);
  }

  private void assertInvalid(UnaryOperator<WorkerPools.Builder> change, String option, String message) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((InvalidConfigurationException) e).option()).isEqualTo(option);
  }

  @Test
  void aPoolIdIsRequired() {
    assertThatThrownBy(() -> WorkerPools.builder().build()).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("poolId is required");
  }

  @Test
  void aPoolIdMustBeUsableInResourceTags() {
    assertInvalid(b -> b.poolId("Bad Id"), "poolId", "poolId must be 1 to 40 lower-case letters, digits or '-'");
  }

  @Test
  void aWarmTargetAboveMaxTotalFailsWhenTheTemplateIsBuilt() {
    assertThatThrownBy(() -> WorkerTemplate.builder("linux").warmTarget(12).maxTotal(10).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("template[linux].warmTarget must be between 0 and maxTotal (10), was 12");
  }

  @Test
  void negativeDurationsAreRefused() {
    assertInvalid(b -> b.controlInterval(Duration.ofSeconds(-1)), "controlInterval",
        "controlInterval must be positive and at most 1 hour, was PT-1S");
    assertInvalid(b -> b.deleteTimeout(Duration.ZERO), "deleteTimeout",
        "deleteTimeout must be positive and at most 1 day, was PT0S");
    assertInvalid(b -> b.closeGracePeriod(Duration.ofMinutes(-1)), "closeGracePeriod",
        "closeGracePeriod must be zero or positive and at most 1 day, was PT-1M");
  }

  @Test
  void limitsMustBeAtLeastOne() {
    assertInvalid(b -> b.maxConcurrentProvisions(0), "maxConcurrentProvisions",
        "maxConcurrentProvisions must be between 1 and 2147483647, was 0");
    assertInvalid(b -> b.eventQueueCapacity(0), "eventQueueCapacity",
        "eventQueueCapacity must be between 1 and 2147483647, was 0");
  }

  @Test
  void anUnknownProviderNameFailsWithTheNamesThatAreKnown() {
    assertInvalid(b -> b.provider("nimbus", Map.of()), "provider", "provider \"nimbus\" not found; available: [");
  }

  @Test
  void aPlacementMustNameARegisteredProvider() {
    assertInvalid(b -> b.placement(Placement.of("other", "eastus", "us")), "placements",
        "placement other/eastus names provider \"other\", which is not registered; registered: [cloud]");
  }

  @Test
  void aTemplateThatNoPlacementCanServeIsRefused() {
    assertInvalid(b -> b.template(WorkerTemplate.builder("gpu").geographies(Set.of("us")).build()), "template[gpu]",
        "template gpu allows geographies [us] and regions [] but no placement is there");
  }

  @Test
  void namesMustBeUnique() {
    assertInvalid(b -> b.template(WorkerTemplate.builder("linux").build()), "templates",
        "template name \"linux\" appears twice");
    assertInvalid(b -> b.placement(Placement.of("cloud", "westeurope", "eu").withPreference(3)), "placements",
        "placement \"cloud/westeurope\" appears twice");
    assertInvalid(b -> b.provider("cloud", Map.of()), "providers", "provider cloud is registered twice");
  }

  @Test
  void somethingMustBeConfigured() {
    assertThatThrownBy(() -> WorkerPools.builder().poolId("p").build())
        .hasMessage("at least one template is required");
    assertThatThrownBy(() -> WorkerPools.builder().poolId("p").template(WorkerTemplate.builder("t").build()).build())
        .hasMessage("at least one placement is required");
  }

  @Test
  void aProviderMadeByAFactoryInstanceGetsItsSettingsAndThePoolClock() {
    java.util.List<dev.warmpool.spi.ProviderContext> seen = new java.util.ArrayList<>();
    dev.warmpool.spi.ProviderFactory factory = new dev.warmpool.spi.ProviderFactory() {
      @Override
      public String name() {
        return "mine";
      }

      @Override
      public dev.warmpool.spi.WorkerProvider create(dev.warmpool.spi.ProviderContext context) {
        seen.add(context);
        return provider;
      }
    };
    var pool = WorkerPools.builder().poolId("p2").clock(clock)
        .template(WorkerTemplate.builder("linux").build())
        .placement(Placement.of("mine", "westeurope", "eu"))
        .provider("mine", factory, Map.of("endpoint", "https://example.invalid"))
        .build();
    org.assertj.core.api.Assertions.assertThat(seen).singleElement().satisfies(c -> {
      org.assertj.core.api.Assertions.assertThat(c.poolId()).isEqualTo("p2");
      org.assertj.core.api.Assertions.assertThat(c.setting("endpoint")).contains("https://example.invalid");
      org.assertj.core.api.Assertions.assertThat(c.clock()).isSameAs(clock);
    });
    pool.closeAsync();
    clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void aTemplateTheProviderCannotCreateFailsAtBuild() {
    TestProvider strict = new TestProvider(clock, Duration.ofMinutes(1)) {
      @Override
      public void validate(WorkerTemplate template) {
        if (!template.providerProperties().containsKey("image")) {
          throw new InvalidConfigurationException("template[" + template.name() + "].image",
              "template " + template.name() + " needs the provider property image");
        }
      }
    };
    assertThatThrownBy(() -> WorkerPools.builder().poolId("p3").clock(clock)
        .template(WorkerTemplate.builder("linux").build())
        .placement(Placement.of("strict", "westeurope", "eu"))
        .provider("strict", strict)
        .build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("template linux needs the provider property image");
  }

  @Test
  void aPlacementTheProviderDoesNotServeFailsAtBuildAndClosesWhatTheBuildCreated() {
    TestProvider picky = new TestProvider(clock, Duration.ofMinutes(1)) {
      @Override
      public void validate(Placement placement) {
        if (!placement.region().equals("westeurope")) {
          throw new InvalidConfigurationException("placements", "region " + placement.region() + " is not served");
        }
      }
    };
    assertThatThrownBy(() -> valid().provider("cloud2", picky).placement(Placement.of("cloud2", "mars", "eu"))
        .build()).isInstanceOf(InvalidConfigurationException.class).hasMessage("region mars is not served");
    dev.warmpool.fake.FakeCloud cloud = dev.warmpool.fake.FakeCloud.builder().clock(clock)
        .region("westeurope", "eu").build();
    assertThatThrownBy(() -> WorkerPools.builder().poolId("p2").clock(clock)
        .template(WorkerTemplate.builder("linux").build()).placement(Placement.of("fake", "mars", "eu"))
        .provider("fake", cloud.provider()).build()).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("placement fake/mars is in region \"mars\", which this fake cloud does not serve; its regions:"
            + " [westeurope]");
  }

  @Test
  void aProviderSettingWithANullValueIsRefusedNamingTheKey() {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("subscription", null);
    assertThatThrownBy(() -> WorkerPools.builder().provider("azure", settings))
        .isInstanceOf(NullPointerException.class).hasMessage("providers.azure.subscription cannot be null");
  }

  @Test
  void nullFailsAtTheSetter() {
    assertThatThrownBy(() -> WorkerPools.builder().clock(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("clock cannot be null");
    assertThatThrownBy(() -> WorkerPools.builder().template(null)).hasMessage("template cannot be null");
    assertThatThrownBy(() -> WorkerPools.builder().controlInterval(null)).hasMessage("controlInterval cannot be null");
  }

  @Test
  void sharedPoolOptionsAreChecked() {
    assertInvalid(b -> b.nodeId("n1"), "nodeId", "nodeId names a node of a shared pool; set store(...) too");
    assertInvalid(b -> b.store(new InMemoryPoolStore()).nodeId("bad node"), "nodeId",
        "nodeId must be 1 to 63 letters, digits, '.', '_', ':' or '-', was \"bad node\"");
    assertInvalid(b -> b.store(new InMemoryPoolStore()).leadershipTimeout(Duration.ofSeconds(2)),
        "leadershipTimeout", "leadershipTimeout must be between 3 seconds and 1 hour, was PT2S");
    assertInvalid(b -> b.store(new InMemoryPoolStore()).storePollInterval(Duration.ZERO), "storePollInterval",
        "storePollInterval must be positive and at most 1 hour, was PT0S");
    assertThatThrownBy(() -> valid().store(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("store cannot be null");
  }

  @Test
  void aStoreThatCannotBeOpenedFailsTheBuildAndClosesWhatTheBuildCreated() {
    OutageStore down = new OutageStore(new InMemoryPoolStore());
    down.down(true);
    assertThatThrownBy(() -> valid().store(down).build())
        .isInstanceOf(dev.warmpool.spi.StoreUnavailableException.class)
        .hasMessageContaining("store is down");
  }
}
