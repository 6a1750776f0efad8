package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.internal.SystemClock;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every duration option of {@link WorkerPools.Builder} has an upper bound: huge values fail at {@code build()} naming
 * the option, the value and the range, and a pool with every option at its bound serves and closes.
 */
class DurationOptionRangesTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration DAYS_30 = Duration.ofDays(30);
  private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
  private static final Duration MILLENNIUM = ChronoUnit.YEARS.getDuration().multipliedBy(1000);

  /** One duration option: its name in messages, how to set it, and its range in words with its bound. */
  record Option(String name, BiFunction<WorkerPools.Builder, Duration, WorkerPools.Builder> set, String range,
      Duration max) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Option> options() {
    return List.of(
        new Option("controlInterval", WorkerPools.Builder::controlInterval, "positive and at most 1 hour", HOUR),
        new Option("closeGracePeriod", WorkerPools.Builder::closeGracePeriod, "zero or positive and at most 1 day",
            DAY),
        new Option("deleteTimeout", WorkerPools.Builder::deleteTimeout, "positive and at most 1 day", DAY),
        new Option("reconcileInterval", WorkerPools.Builder::reconcileInterval, "positive and at most 1 day", DAY),
        new Option("orphanGracePeriod", WorkerPools.Builder::orphanGracePeriod,
            "zero or positive and at most 30 days", DAYS_30),
        new Option("placementHealth.window", (b, d) -> b.placementHealth(3, 0.5, d), "positive and at most 1 day",
            DAY),
        new Option("openCooldown.initial", (b, d) -> b.openCooldown(d, d), "positive and at most 1 day", DAY),
        new Option("openCooldown.max", (b, d) -> b.openCooldown(Duration.ofMinutes(2), d),
            "between openCooldown.initial (2 minutes) and 1 day", DAY),
        new Option("probes.acceptance", (b, d) -> b.probes(2, d), "positive and at most 1 day", DAY),
        new Option("capacityCooldown", WorkerPools.Builder::capacityCooldown, "positive and at most 1 day", DAY),
        new Option("throttlePause", WorkerPools.Builder::throttlePause, "positive and at most 1 day", DAY),
        new Option("retries.delay", (b, d) -> b.retries(3, d, d), "positive and at most 1 hour", HOUR),
        new Option("retries.maxDelay", (b, d) -> b.retries(3, Duration.ofSeconds(5), d),
            "between retries.delay (5 seconds) and 1 hour", HOUR),
        new Option("demandSmoothing", WorkerPools.Builder::demandSmoothing, "positive and at most 30 days", DAYS_30),
        new Option("forecastHorizons", (b, d) -> b.forecastHorizons(HOUR, d), "positive and at most 30 days",
            DAYS_30),
        new Option("leadershipTimeout", (b, d) -> b.store(new InMemoryPoolStore()).leadershipTimeout(d),
            "between 3 seconds and 1 hour", HOUR),
        new Option("storePollInterval", (b, d) -> b.store(new InMemoryPoolStore()).storePollInterval(d),
            "positive and at most 1 hour", HOUR));
  }

  static Stream<Arguments> hugeValues() {
    List<Arguments> cases = new ArrayList<>();
    for (Option o : options()) {
      for (boolean virtual : new boolean[] {true, false}) {
        for (Duration huge : List.of(FOREVER, MILLENNIUM, o.max().plusNanos(1))) {
          cases.add(Arguments.of(o, virtual ? "virtual clock" : "system clock", huge));
        }
      }
    }
    return cases.stream();
  }

  private static WorkerPools.Builder valid(PoolClock providerClock, boolean virtual) {
    WorkerPools.Builder b = WorkerPools.builder().poolId("ranges")
        .template(WorkerTemplate.builder("linux").warmTarget(1).build())
        .placement(Placement.of("cloud", "westeurope", "eu"))
        .provider("cloud", new TestProvider(providerClock, Duration.ZERO));
    return virtual ? b.clock(providerClock) : b;
  }

  @ParameterizedTest(name = "{0} = {2} on the {1}")
  @MethodSource("hugeValues")
  void aHugeDurationFailsAtBuildNamingTheOptionTheValueAndTheRange(Option option, String clock, Duration huge) {
    VirtualClock providerClock = new VirtualClock();
    WorkerPools.Builder b = option.set().apply(valid(providerClock, clock.startsWith("virtual")), huge);
    assertThatThrownBy(b::build).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
      assertThat(e.option()).isEqualTo(option.name());
      assertThat(e).hasMessage(option.name() + " must be " + option.range() + ", was " + huge);
    });
  }

  @Test
  void everyRangeIsCheckedWhateverTheCallOrder() {
    VirtualClock providerClock = new VirtualClock();
    WorkerPools.Builder b = valid(providerClock, true).controlInterval(FOREVER);
    b.template(WorkerTemplate.builder("windows").build());
    assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("controlInterval must be");
  }

  private static WorkerPools.Builder atTheirBounds(WorkerPools.Builder b, boolean shared) {
    for (Option o : options()) {
      if (shared || !o.name().equals("leadershipTimeout") && !o.name().equals("storePollInterval")) {
        b = o.set().apply(b, o.max());
      }
    }
    return b;
  }

  @ParameterizedTest(name = "shared = {0}")
  @ValueSource(booleans = {false, true})
  void aPoolWithEveryOptionAtItsBoundServesOnTheVirtualClockForDays(boolean shared) throws Exception {
    VirtualClock clock = new VirtualClock();
    WorkerPool pool = atTheirBounds(valid(clock, true), shared).build();
    CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").build());
    clock.advance(Duration.ofSeconds(1));
    Lease lease = f.getNow(null);
    assertThat(lease).isNotNull();
    lease.close();
    for (int i = 0; i < 4; i++) {
      clock.advance(DAYS_30);
    }
    Lease again = clock.await(pool.lease(LeaseRequest.forTemplate("linux").build()), Duration.ofMinutes(1));
    again.close();
    CompletableFuture<Void> closed = pool.closeAsync();
    clock.advance(Duration.ofDays(3));
    assertThat(closed).isCompleted();
    closed.get();
  }

  @ParameterizedTest(name = "shared = {0}")
  @ValueSource(booleans = {false, true})
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aPoolWithEveryOptionAtItsBoundServesAndClosesOnTheSystemClock(boolean shared) {
    try (SystemClock providerClock = new SystemClock("provider")) {
      WorkerPool pool = atTheirBounds(valid(providerClock, false), shared).build();
      try (Lease lease = pool.acquire(LeaseRequest.forTemplate("linux").build(), Duration.ofSeconds(10))) {
        assertThat(lease.isActive()).isTrue();
      }
      pool.close();
      assertThatThrownBy(() -> pool.acquire(LeaseRequest.forTemplate("linux").build(), Duration.ofSeconds(1)))
          .isInstanceOf(dev.warmpool.api.PoolClosedException.class);
    }
  }
}
