package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Black-box tests of {@link WorkerPoolConfig}: keys in, a running pool (or an error naming the key) out. */
class WorkerPoolConfigTest {
  private static final String P = "warmpool.pools.ci.";

  /** A complete, valid pool on a fake cloud made from settings. */
  private static Map<String, String> base() {
    Map<String, String> m = new HashMap<>();
    m.put(P + "templates.linux.warm-target", "3");
    m.put(P + "templates.linux.max-total", "5");
    m.put(P + "templates.linux.labels.os", "linux");
    m.put(P + "placements.west.provider", "fake");
    m.put(P + "placements.west.region", "westeurope");
    m.put(P + "placements.west.geography", "eu");
    m.put(P + "placements.north.provider", "fake");
    m.put(P + "placements.north.region", "northeurope");
    m.put(P + "placements.north.geography", "eu");
    m.put(P + "placements.north.preference", "1");
    m.put(P + "providers.fake.regions", "westeurope:eu,northeurope:eu");
    m.put(P + "providers.fake.latency", "PT5M");
    m.put("server.port", "8080");
    return m;
  }

  private static InvalidConfigurationException buildFails(Map<String, String> m) {
    return catchThrowableOfType(InvalidConfigurationException.class,
        () -> WorkerPoolConfig.read(m).get("ci").build(b -> b.clock(new VirtualClock())));
  }

  @Test
  void aPoolReadFromKeysRunsAndFillsItsWarmTarget() throws Exception {
    Map<String, String> m = base();
    m.put(P + "templates.linux.max-age", "8h");
    m.put(P + "templates.linux.geographies", "eu");
    m.put(P + "retries.delay", "10s");
    m.put(P + "close-grace-period", "PT1M");
    VirtualClock clock = new VirtualClock();
    Map<String, WorkerPoolConfig> pools = WorkerPoolConfig.read(m);
    assertThat(pools).containsOnlyKeys("ci");
    try (WorkerPool pool = pools.get("ci").build(b -> b.clock(clock))) {
      clock.advance(Duration.ofMinutes(6));
      PoolSnapshot s = pool.snapshot();
      assertThat(s.poolId()).isEqualTo("ci");
      assertThat(s.placements()).extracting(p -> p.placement().key())
          .containsExactly("fake/westeurope", "fake/northeurope");
      assertThat(s.template("linux").orElseThrow().total().idle()).isEqualTo(3);
      var lease = clock.await(pool.lease(LeaseRequest.withLabels(Map.of("os", "linux")).build()),
          Duration.ofMinutes(1));
      assertThat(lease.worker().placement().region()).isEqualTo("westeurope");
      lease.close();
    }
  }

  @Test
  void templatesGetEveryTemplateKey() {
    Map<String, String> m = base();
    m.put(P + "templates.linux.max-uses", "4");
    m.put(P + "templates.linux.max-age", "8h");
    m.put(P + "templates.linux.max-idle-time", "30m");
    m.put(P + "templates.linux.provisioning-timeout", "PT20M");
    m.put(P + "templates.linux.size", "Standard_D2s_v5");
    m.put(P + "templates.linux.reuse-when-degraded", "TRUE");
    m.put(P + "templates.linux.share-across-tenants", "true");
    m.put(P + "templates.linux.geographies", "eu, us");
    m.put(P + "templates.linux.regions", "westeurope");
    m.put(P + "templates.linux.provider-properties.image", "ubuntu:24.04");
    m.put(P + "templates.linux.provider-properties.kubernetes.io/arch", "amd64");
    WorkerTemplate expected = WorkerTemplate.builder("linux").warmTarget(3).maxTotal(5).maxUses(4)
        .maxAge(Duration.ofHours(8)).maxIdleTime(Duration.ofMinutes(30)).provisioningTimeout(Duration.ofMinutes(20))
        .size("Standard_D2s_v5").reuseWhenDegraded(true).shareAcrossTenants(true)
        .geographies(java.util.Set.of("eu", "us")).regions(java.util.Set.of("westeurope")).label("os", "linux")
        .providerProperty("image", "ubuntu:24.04").providerProperty("kubernetes.io/arch", "amd64").build();
    assertThat(WorkerPoolConfig.read(m).get("ci").template("linux")).isEqualTo(expected);
    assertThat(WorkerPoolConfig.read(m).get("ci")).hasToString(
        "WorkerPoolConfig[ci, templates=[linux], placements=[north, west], providers=[fake]]");
  }

  @Test
  void durationsReadInIsoAndShortForms() {
    assertThat(ConfigKey.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigKey.parseDuration("P1D")).isEqualTo(Duration.ofDays(1));
    assertThat(ConfigKey.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigKey.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigKey.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigKey.parseDuration("2H")).isEqualTo(Duration.ofHours(2));
    assertThat(ConfigKey.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ConfigKey.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(ConfigKey.parseDuration("-5s")).isEqualTo(Duration.ofSeconds(-5));
    Map<String, String> m = base();
    m.put(P + "retries.delay", "30");
    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
        () -> WorkerPoolConfig.read(m));
    assertThat(e.option()).isEqualTo(P + "retries.delay");
    assertThat(e).hasMessage(P + "retries.delay must be a duration in ISO-8601 (PT30S) or short form (30s, 5m, 2h,"
        + " 1d), was \"30\"");
  }

  @Test
  void aValueOfTheWrongKindNamesTheKeyTheValueAndTheAllowedValues() {
    Map<String, String> m = base();
    m.put(P + "failover", "yes");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(P + "failover must be true or false, was \"yes\"");
    m.put(P + "failover", "false");
    m.put(P + "templates.linux.warm-target", "ten");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m))
        .hasMessage(P + "templates.linux.warm-target must be a whole number, was \"ten\"");
    m.put(P + "templates.linux.warm-target", "1");
    m.put(P + "forecast-horizons", "6h,,1h");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m))
        .hasMessageStartingWith(P + "forecast-horizons must be a comma-separated list of durations");
  }

  @Test
  void unknownKeysAreErrorsNotIgnored() {
    for (String key : List.of(P + "templates.linux.warm-targett", P + "retries.dealy", P + "placements.west.zone",
        P + "templates.linux.large.warm-target", P + "templates.linux", P + "providers.fake", "warmpool.pools.ci",
        "warmpool.pools..failover", "warmpool.ci.failover", "warmpool.pool.ci.failover")) {
      Map<String, String> m = base();
      m.put(key, "1");
      InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
          () -> WorkerPoolConfig.read(m));
      assertThat(e).as(key).isNotNull();
      assertThat(e.option()).isEqualTo(key);
      assertThat(e.getMessage()).startsWith(key + " is not a Warmpool key");
    }
    Map<String, String> m = base();
    m.put(P + "retries.dealy", "1s");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m)).hasMessageContaining("retries.delay");
  }

  @Test
  void keysOutsideWarmpoolAreLeftToTheApplication() {
    Map<String, String> m = new HashMap<>();
    m.put("spring.application.name", "orchestrator");
    m.put("warmpoolish.x", "1");
    assertThat(WorkerPoolConfig.read(m)).isEmpty();
  }

  @Test
  void propertiesFilesReadAsMapsDo() throws IOException {
    Properties p = new Properties();
    p.load(new StringReader("""
        warmpool.pools.a.templates.t.warm-target = 2
        warmpool.pools.a.placements.x.provider = fake
        warmpool.pools.a.placements.x.region = westeurope
        warmpool.pools.a.placements.x.geography = eu
        warmpool.pools.a.providers.fake.regions = westeurope:eu
        warmpool.pools.b.templates.t.warm-target = 1
        """));
    Map<String, WorkerPoolConfig> pools = WorkerPoolConfig.read(p);
    assertThat(pools.keySet()).containsExactly("a", "b");
    VirtualClock clock = new VirtualClock();
    try (WorkerPool a = pools.get("a").build(b -> b.clock(clock))) {
      assertThat(a.id()).isEqualTo("a");
    }
    // pool b has no placement: the builder's rule, named by the key of the part that is missing
    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
        () -> pools.get("b").build(b -> b.clock(clock)));
    assertThat(e.option()).isEqualTo("warmpool.pools.b.placements");
    assertThat(e).hasMessage("warmpool.pools.b.placements: at least one placement is required");
  }

  @Test
  void aPlacementNeedsItsProviderRegionAndGeography() {
    Map<String, String> m = base();
    m.remove(P + "placements.north.geography");
    InvalidConfigurationException e = buildFails(m);
    assertThat(e.option()).isEqualTo(P + "placements.north.geography");
    assertThat(e).hasMessageStartingWith(P + "placements.north.geography is required");
  }

  @Test
  void aBadPoolIdIsNamedByItsKey() {
    Map<String, String> m = new HashMap<>();
    base().forEach((k, v) -> m.put(k.replace("warmpool.pools.ci.", "warmpool.pools.CI."), v));
    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
        () -> WorkerPoolConfig.read(m).get("CI").build(b -> b.clock(new VirtualClock())));
    assertThat(e.option()).isEqualTo("warmpool.pools.CI");
    assertThat(e).hasMessageContaining("poolId must be 1 to 40 lower-case letters");
  }

  @Test
  void providerSettingsAreCheckedByTheirProviderAndNeverRepeated() {
    Map<String, String> m = base();
    m.put(P + "providers.fake.password", "hunter2-secret");
    InvalidConfigurationException e = buildFails(m);
    assertThat(e.option()).isEqualTo(P + "providers.fake.password");
    assertThat(e.getMessage()).contains("is not a setting of the fake provider").doesNotContain("hunter2");
    Map<String, String> m2 = base();
    m2.put(P + "placements.north.provider", "azure");
    InvalidConfigurationException e2 = buildFails(m2);
    assertThat(e2.option()).isEqualTo(P + "placements");
    assertThat(e2.getMessage()).contains("names provider \"azure\", which is not registered");
  }

  @Test
  void codeAddsWhatIsNotAValue() {
    Map<String, String> m = base();
    m.put(P + "node-id", "node-1");
    VirtualClock clock = new VirtualClock();
    // node-id without a store is refused by the builder, named by its key
    assertThat(buildFails(m).option()).isEqualTo(P + "node-id");
    try (WorkerPool pool = WorkerPoolConfig.read(m).get("ci")
        .build(b -> b.clock(clock).store(new InMemoryPoolStore()))) {
      assertThat(pool.id()).isEqualTo("ci");
    }
  }

  /** One out-of-range value per key whose rule the builders check: each error must name that very key. */
  static Stream<Arguments> outOfRange() {
    List<Arguments> a = new ArrayList<>();
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("templates.linux.warm-target", "6");
    cases.put("templates.linux.max-total", "0");
    cases.put("templates.linux.max-uses", "0");
    cases.put("templates.linux.max-age", "0s");
    cases.put("templates.linux.max-idle-time", "-1m");
    cases.put("templates.linux.provisioning-timeout", "PT0S");
    cases.put("templates.linux.size", " ");
    cases.put("templates.linux.geographies", "e u");
    cases.put("templates.linux.regions", "west europe");
    cases.put("placements.west.provider", "f a k e");
    cases.put("placements.west.region", "west europe");
    cases.put("placements.west.geography", "e/u");
    cases.put("placements.north.preference", "-1");
    cases.put("placement-health.min-calls", "0");
    cases.put("placement-health.failure-rate", "1.5");
    cases.put("placement-health.window", "0s");
    cases.put("open-cooldown.initial", "0s");
    cases.put("open-cooldown.max", "1m");
    cases.put("probes.count", "0");
    cases.put("probes.acceptance", "0s");
    cases.put("capacity-cooldown", "0s");
    cases.put("throttle-pause", "0s");
    cases.put("retries.max-attempts", "0");
    cases.put("retries.delay", "0s");
    cases.put("retries.max-delay", "1s");
    cases.put("max-retry-after", "2h");
    cases.put("demand-smoothing", "0s");
    cases.put("forecast-horizons", "1h,0s");
    cases.put("alert-on-failures", "0");
    cases.put("control-interval", "0s");
    cases.put("max-concurrent-provisions", "0");
    cases.put("close-grace-period", "-1s");
    cases.put("delete-timeout", "0s");
    cases.put("event-queue-capacity", "0");
    cases.put("reconcile-interval", "0s");
    cases.put("orphan-grace-period", "-1s");
    cases.put("node-id", "node 1");
    cases.put("leadership-timeout", "2s");
    cases.put("store-poll-interval", "0s");
    cases.forEach((k, v) -> a.add(Arguments.of(k, v)));
    return a.stream();
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("outOfRange")
  void aValueOutOfRangeIsNamedByItsKey(String key, String value) {
    Map<String, String> m = base();
    m.put(P + key, value);
    InvalidConfigurationException e = buildFails(m);
    assertThat(e).as(key).isNotNull();
    assertThat(e.option()).isEqualTo(P + key);
    assertThat(e.getMessage()).startsWith(P + key + ": ");
    assertThat(e.getCause()).isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void aValueInRangeOfEveryKeyBuilds() {
    Map<String, String> m = base();
    m.put(P + "failover", "false");
    m.put(P + "degraded-mode", "false");
    m.put(P + "placement-health.failure-rate", "1");
    m.put(P + "open-cooldown.max", "2m");
    m.put(P + "probes.count", "1");
    m.put(P + "capacity-cooldown", "1m");
    m.put(P + "throttle-pause", "1s");
    m.put(P + "retries.max-attempts", "1");
    m.put(P + "retries.max-delay", "5s");
    m.put(P + "max-retry-after", "30s");
    m.put(P + "seed", "-7");
    m.put(P + "demand-smoothing", "10m");
    m.put(P + "forecast-horizons", "2h, 20m");
    m.put(P + "alert-on-failures", "1");
    m.put(P + "control-interval", "1s");
    m.put(P + "max-concurrent-provisions", "1");
    m.put(P + "close-grace-period", "0s");
    m.put(P + "delete-timeout", "1m");
    m.put(P + "event-queue-capacity", "1");
    m.put(P + "reconcile-interval", "1m");
    m.put(P + "orphan-grace-period", "0s");
    m.put(P + "keep-warm-pool", "true");
    m.put(P + "leadership-timeout", "3s");
    m.put(P + "store-poll-interval", "100ms");
    try (WorkerPool pool = WorkerPoolConfig.read(m).get("ci").build(b -> b.clock(new VirtualClock()))) {
      assertThat(pool.id()).isEqualTo("ci");
    }
  }

  @Test
  void theReferencePageListsEveryKeyWithItsDefaultAndRange() {
    List<ConfigurationReference> keys = ConfigKey.ALL.stream()
        .map(k -> new ConfigurationReference(k.pattern(), k.defaultValue(), k.range())).toList();
    assertThat(ConfigurationReference.read(Path.of(""))).containsExactlyElementsOf(keys);
  }

  @Test
  void documentedDefaultsParseAsTheirKind() {
    for (ConfigKey k : ConfigKey.ALL) {
      if (!List.of("none", "any", "required", "unbounded", "random").contains(k.defaultValue())) {
        assertThat(k.parse(k.pattern(), k.defaultValue(), false)).as(k.pattern()).isNotNull();
      }
    }
  }
}
