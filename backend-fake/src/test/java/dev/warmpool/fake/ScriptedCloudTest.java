package dev.warmpool.fake;

import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The fixture of the fault tests: a cloud of two regions in {@code eu} (westeurope, northeurope, 5-minute creates,
 * seed 7) on a virtual clock, with the fault script a test gives.
 */
abstract class ScriptedCloudTest {
  final VirtualClock clock = new VirtualClock();
  final Instant t0 = clock.now();
  FakeCloud cloud;
  WorkerProvider provider;

  void cloud(Fault... faults) {
    cloud(b -> b.faults(faults));
  }

  void cloud(UnaryOperator<FakeCloud.Builder> more) {
    cloud = more.apply(FakeCloud.builder().seed(7).clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))).build();
    provider = cloud.provider();
  }

  Instant at(int minutes) {
    return t0.plus(Duration.ofMinutes(minutes));
  }
}
