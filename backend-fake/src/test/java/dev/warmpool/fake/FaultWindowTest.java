package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fault kind is inert outside its window and active inside it. */
class FaultWindowTest {
  private static final Instant T0 = VirtualClock.DEFAULT_START;
  private static final Instant FROM = T0.plus(Duration.ofHours(1));
  private static final Instant UNTIL = T0.plus(Duration.ofHours(2));

  static Stream<Fault> everyCallFault() {
    return Stream.of(
        Faults.outage("westeurope"),
        Faults.throttling("westeurope"),
        Faults.writeTokenBucket("westeurope").burst(1),
        Faults.capacityError("westeurope"),
        Faults.quota("westeurope", 0),
        Faults.slowProvisions("westeurope", Duration.ofHours(3)),
        Faults.hangingProvisions("westeurope"),
        Faults.lostResponses("westeurope").operations(Operation.PROVISION, Operation.DEPROVISION),
        Faults.failingDeletes("westeurope"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCallFault")
  void aFaultChangesNothingBeforeOrAfterItsWindowAndSomethingInside(Fault fault) {
    VirtualClock clock = new VirtualClock();
    FakeCloud cloud = FakeCloud.builder().clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .deprovisionLatency(Latency.fixed(Duration.ofMinutes(1)))
        .fault(fault.during(FROM, UNTIL)).build();
    WorkerProvider provider = cloud.provider();

    assertThat(roundTrips(clock, provider, "before", 3)).as("before the window").isTrue();
    clock.runUntil(FROM);
    assertThat(roundTrips(clock, provider, "inside", 3)).as("inside the window").isFalse();
    clock.runUntil(UNTIL.plus(Duration.ofHours(4)));
    assertThat(roundTrips(clock, provider, "after", 3)).as("after the window").isTrue();
  }

  /** Provisions n workers at once, then deletes them at once; true if every call succeeded in time. */
  private static boolean roundTrips(VirtualClock clock, WorkerProvider provider, String prefix, int n) {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(provider.provision(provision("p1", prefix + i, "westeurope",
          clock.now().plus(Duration.ofMinutes(6)))));
    }
    clock.advance(Duration.ofMinutes(6));
    for (int i = 0; i < n; i++) {
      calls.add(provider.deprovision(deprovision("p1", prefix + i, "westeurope", far(clock))));
    }
    clock.advance(Duration.ofMinutes(2));
    return calls.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }
}
