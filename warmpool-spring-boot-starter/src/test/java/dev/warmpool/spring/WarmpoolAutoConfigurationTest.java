package dev.warmpool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.core.InMemoryPoolStore;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.micrometer.WarmpoolMetrics;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter in an application context: binding, validation, conditional beans, health, shutdown. */
class WarmpoolAutoConfigurationTest {
  private static final String P = "warmpool.pools.ci.";

  private final VirtualClock clock = new VirtualClock();
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(WarmpoolAutoConfiguration.class))
      .withBean(PoolClock.class, () -> clock);

  /** A pool on a fake cloud made from settings, on the test's virtual clock. */
  private static String[] pool(String... extra) {
    List<String> p = new java.util.ArrayList<>(List.of(
        P + "templates.linux.warm-target=3",
        P + "templates.linux.max-total=6",
        P + "templates.linux.labels.os=linux",
        P + "placements.west.provider=fake",
        P + "placements.west.region=westeurope",
        P + "placements.west.geography=eu",
        P + "placements.north.provider=fake",
        P + "placements.north.region=northeurope",
        P + "placements.north.geography=eu",
        P + "placements.north.preference=1",
        P + "providers.fake.regions=westeurope:eu,northeurope:eu",
        P + "providers.fake.latency=PT5M"));
    p.addAll(List.of(extra));
    return p.toArray(String[]::new);
  }

  private static HealthIndicator health(AssertableApplicationContext context, String id) {
    CompositeHealthContributor all = (CompositeHealthContributor) context.getBean("warmpoolHealthContributor",
        HealthContributor.class);
    return (HealthIndicator) all.getContributor(id);
  }

  @Test
  void eachConfiguredPoolIsABeanNamedAfterItsId() {
    runner.withPropertyValues(pool("warmpool.pools.other.templates.t.warm-target=1",
        "warmpool.pools.other.placements.x.provider=fake", "warmpool.pools.other.placements.x.region=westeurope",
        "warmpool.pools.other.placements.x.geography=eu", "warmpool.pools.other.providers.fake.regions=westeurope:eu"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeansOfType(WorkerPool.class)).containsOnlyKeys("warmpool.ci", "warmpool.other");
          WorkerPool ci = context.getBean("warmpool.ci", WorkerPool.class);
          assertThat(ci.id()).isEqualTo("ci");
          clock.advance(Duration.ofMinutes(6));
          assertThat(ci.snapshot().template("linux").orElseThrow().total().idle()).isEqualTo(3);
        });
  }

  @Test
  void noPoolsNoPoolBeans() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBeansOfType(WorkerPool.class)).isEmpty();
    });
  }

  @Test
  void relaxedNamesAndSpringDurationsBindToTheSameKeys() {
    runner.withPropertyValues(pool(P + "retries.delay=10s", P + "retries.maxDelay=2m", P + "templates.linux.maxAge=8h",
        P + "forecast-horizons=2h,30m"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          Map<String, String> keys = context.getBean(WarmpoolProperties.class).toKeys();
          assertThat(keys).containsEntry(P + "retries.delay", "PT10S").containsEntry(P + "retries.max-delay", "PT2M")
              .containsEntry(P + "templates.linux.max-age", "PT8H")
              .containsEntry(P + "forecast-horizons", "PT2H,PT30M")
              .containsEntry(P + "templates.linux.labels.os", "linux");
        });
  }

  @Test
  void anUnknownKeyFailsTheStartNamingTheKey() {
    runner.withPropertyValues(pool(P + "templates.linux.warm-targett=3")).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(P + "templates.linux.warm-targett");
    });
  }

  @Test
  void aValueOfTheWrongKindFailsTheStartNamingTheKey() {
    runner.withPropertyValues(pool(P + "templates.linux.warm-target=ten")).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining(P + "templates.linux.warm-target");
    });
  }

  @Test
  void aValueOutOfRangeFailsTheStartNamingTheKeyAndTheRule() {
    runner.withPropertyValues(pool(P + "templates.linux.warm-target=12")).run(context -> {
      assertThat(context).hasFailed();
      Throwable root = context.getStartupFailure();
      while (!(root instanceof InvalidConfigurationException) && root.getCause() != null) {
        root = root.getCause();
      }
      assertThat(root).isInstanceOf(InvalidConfigurationException.class)
          .hasMessage(P + "templates.linux.warm-target: template[linux].warmTarget must be between 0 and maxTotal"
              + " (6), was 12");
      assertThat(((InvalidConfigurationException) root).option()).isEqualTo(P + "templates.linux.warm-target");
      assertThat(new InvalidConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
          .contains(P + "templates.linux.warm-target");
    });
  }

  @Test
  void theMetricsBinderIsRegisteredAndBoundWhenMicrometerIsPresent() {
    MockClock meterClock = new MockClock();
    runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, () -> new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock))
        .withPropertyValues(pool()).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasBean("warmpool.ci.metrics");
          assertThat(context.getBean("warmpool.ci.metrics")).isInstanceOf(WarmpoolMetrics.class);
          clock.advance(Duration.ofMinutes(6));
          // gauges share one snapshot for a while on the registry's clock: let it age
          meterClock.add(Duration.ofMinutes(1));
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find("warmpool.workers").tag("pool", "ci").tag("state", "idle").gauges()
              .stream().mapToDouble(g -> g.value()).sum()).isEqualTo(3.0);
        });
  }

  @Test
  void noMetricsBinderWithoutMicrometer() {
    runner.withClassLoader(new FilteredClassLoader(MeterBinder.class)).withPropertyValues(pool()).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasBean("warmpool.ci");
      assertThat(context).doesNotHaveBean("warmpool.ci.metrics");
    });
  }

  @Test
  void noHealthContributorWhenTurnedOff() {
    runner.withPropertyValues(pool("management.health.warmpool.enabled=false")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean("warmpoolHealthContributor");
    });
  }

  @Test
  void listenerBeansReceiveEveryPoolsEvents() {
    List<PoolEvent> events = new CopyOnWriteArrayList<>();
    runner.withBean(PoolListener.class, () -> events::add).withPropertyValues(pool()).run(context -> {
      assertThat(context).hasNotFailed();
      clock.advance(Duration.ofMinutes(6));
      assertThat(events).filteredOn(e -> e instanceof PoolEvent.WorkerProvisioned).hasSize(3);
    });
  }

  @Test
  void aPoolStoreBeanMakesThePoolsShared() {
    InMemoryPoolStore store = new InMemoryPoolStore();
    runner.withBean(PoolStore.class, () -> store).withPropertyValues(pool(P + "node-id=node-1")).run(context -> {
      assertThat(context).hasNotFailed();
      clock.advance(Duration.ofMinutes(6));
      assertThat(store.workers("ci")).hasSize(3);
    });
  }

  @Test
  void healthIsDownWhileTheStoreIsUnreachableAndUpWhenItAnswers() {
    InMemoryPoolStore real = new InMemoryPoolStore();
    AtomicBoolean down = new AtomicBoolean();
    PoolStore store = (PoolStore) Proxy.newProxyInstance(PoolStore.class.getClassLoader(),
        new Class<?>[] {PoolStore.class}, (proxy, method, args) -> {
          if (down.get() && !method.getName().equals("close")) {
            throw new StoreUnavailableException("store is down (test)", null);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    runner.withBean(PoolStore.class, () -> store).withPropertyValues(pool()).run(context -> {
      assertThat(context).hasNotFailed();
      HealthIndicator indicator = health(context, "ci");
      clock.advance(Duration.ofMinutes(6));
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
      down.set(true);
      clock.advance(Duration.ofSeconds(30));
      Health during = indicator.health();
      assertThat(during.getStatus()).isEqualTo(Status.DOWN);
      assertThat(during.getDetails().get("alerts").toString()).contains("store-unavailable");
      down.set(false);
      clock.advance(Duration.ofMinutes(1));
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    });
  }

  @Test
  void healthIsDegradedDuringAnOutageAndUpAfterIt() {
    FakeCloud cloud = FakeCloud.builder().id("outage-health").clock(clock).seed(7)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .fault(Faults.outage().during(clock.now().plus(Duration.ofHours(1)), clock.now().plus(Duration.ofHours(3))))
        .build();
    String[] props = pool(P + "providers.fake.cloud=" + cloud.id());
    props = java.util.Arrays.stream(props).filter(p -> !p.contains("providers.fake.regions")
        && !p.contains("providers.fake.latency")).toArray(String[]::new);
    runner.withPropertyValues(props).run(context -> {
      assertThat(context).hasNotFailed();
      WorkerPool pool = context.getBean("warmpool.ci", WorkerPool.class);
      HealthIndicator indicator = health(context, "ci");
      clock.advance(Duration.ofMinutes(30));
      Health before = indicator.health();
      assertThat(before.getStatus()).isEqualTo(Status.UP);
      assertThat(before.getDetails()).containsEntry("pool", "ci").containsKeys("counts", "templates",
          "openPlacements", "alerts", "forecasts");

      // the outage: leases keep coming, every replacement fails
      clock.advance(Duration.ofMinutes(35));
      for (int i = 0; i < 3; i++) {
        pool.tryLease(LeaseRequest.of("linux")).ifPresent(l -> l.close());
        clock.advance(Duration.ofMinutes(10));
      }
      Health during = indicator.health();
      assertThat(during.getStatus()).isEqualTo(new Status("DEGRADED"));
      assertThat((Map<?, ?>) during.getDetails().get("openPlacements")).isNotEmpty();
      assertThat((List<?>) during.getDetails().get("alerts")).isNotEmpty();

      clock.advance(Duration.ofHours(3));
      Health after = indicator.health();
      assertThat(after.getStatus()).as(after.getDetails().toString()).isEqualTo(Status.UP);
      assertThat((Map<?, ?>) after.getDetails().get("openPlacements")).isEmpty();
    });
  }

  @Test
  void degradedCanBeReportedAsOutOfService() {
    FakeCloud cloud = FakeCloud.builder().id("outage-oos").clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .fault(Faults.outage().from(clock.now())).build();
    runner.withPropertyValues("warmpool.health.degraded-status=OUT_OF_SERVICE",
        P + "templates.linux.warm-target=2", P + "placements.west.provider=fake",
        P + "placements.west.region=westeurope", P + "placements.west.geography=eu",
        P + "providers.fake.cloud=" + cloud.id()).run(context -> {
          assertThat(context).hasNotFailed();
          clock.advance(Duration.ofMinutes(30));
          assertThat(health(context, "ci").health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        });
  }

  @Test
  void aDegradedStatusOtherThanTheTwoFailsTheStart() {
    runner.withPropertyValues(pool("warmpool.health.degraded-status=YELLOW")).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining(
          "warmpool.health.degraded-status must be DEGRADED or OUT_OF_SERVICE, was \"YELLOW\"");
    });
  }

  @Test
  void stoppingLetsLiveLeasesFinishWithinTheGraceThenCloses() {
    FakeCloud cloud = FakeCloud.builder().id("graceful").clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5))).build();
    String[] props = java.util.Arrays.stream(pool(P + "providers.fake.cloud=" + cloud.id(),
        P + "close-grace-period=10m")).filter(p -> !p.contains("providers.fake.regions")
        && !p.contains("providers.fake.latency")).toArray(String[]::new);
    runner.withPropertyValues(props).run(context -> {
      WorkerPool pool = context.getBean("warmpool.ci", WorkerPool.class);
      PoolLifecycle lifecycle = context.getBean(PoolLifecycle.class);
      clock.advance(Duration.ofMinutes(6));
      var lease = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
      AtomicBoolean stopped = new AtomicBoolean();

      lifecycle.stop(() -> stopped.set(true));
      // on the application's own clock the lifecycle does not wait: the application moves the clock
      assertThat(stopped).isTrue();
      assertThat(lifecycle.isRunning()).isFalse();
      assertThatThrownBy(() -> pool.tryLease(LeaseRequest.of("linux"))).isInstanceOf(PoolClosedException.class);
      assertThat(health(context, "ci").health().getStatus()).isEqualTo(Status.DOWN);
      var closed = pool.closeAsync(); // the closing the lifecycle started
      clock.advance(Duration.ofMinutes(5));
      assertThat(closed).isNotDone();
      assertThat(cloud.resource(lease.worker().resourceId())).isPresent();

      lease.close();
      clock.advance(Duration.ofMinutes(5));
      assertThat(closed).isCompleted();
      assertThat(cloud.resources("ci")).isEmpty();
      assertThat(cloud.closedPools()).contains("ci");
    });
  }

  @Test
  void closingTheContextClosesThePoolsOnTheSystemClock() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WarmpoolAutoConfiguration.class))
        .withPropertyValues(P + "templates.linux.warm-target=1", P + "placements.west.provider=fake",
            P + "placements.west.region=westeurope", P + "placements.west.geography=eu",
            P + "providers.fake.cloud=system-clock-cloud", P + "providers.fake.regions=westeurope:eu",
            P + "providers.fake.latency=PT0.05S", P + "providers.fake.deprovisionLatency=PT0.05S",
            P + "providers.fake.listLatency=PT0.01S")
        .run(context -> assertThat(context).hasNotFailed());
    FakeCloud cloud = FakeCloud.registered("system-clock-cloud").orElseThrow();
    assertThat(cloud.closedPools()).contains("ci");
    assertThat(cloud.leakedResources()).isEmpty();
  }
}
