package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A pool on the system clock makes its own event thread; {@code close()} must not leave it behind (issue 17). */
class EventThreadTest {

  @Test
  void closeStopsTheEventThreadThePoolMadeItself() {
    SystemClock cloudClock = new SystemClock("cloud");
    try {
      FakeCloud cloud = FakeCloud.builder().clock(cloudClock)
          .region("westeurope", "eu", Latency.fixed(Duration.ofMillis(10)))
          .build();
      WorkerPools.Builder b = WorkerPools.builder().poolId("event-thread")
          .template(WorkerTemplate.builder("linux").warmTarget(1).maxTotal(1).maxUses(10).build())
          .provider("fake", cloud.provider())
          .closeGracePeriod(Duration.ZERO)
          .keepWarmPool(true) // close leaves the worker in the fake cloud: no minute-long delete on the real clock
          .listener(e -> { });
      cloud.placements().forEach(b::placement);
      WorkerPool pool = b.build();
      Lease l = pool.acquire(LeaseRequest.of("linux"), Duration.ofSeconds(20)); // events flow: the thread exists
      l.close();
      assertThat(eventThreadAlive()).as("the pool's event thread while it runs").isTrue();

      pool.close();

      assertThat(eventThreadAlive()).as("the pool's event thread after close()").isFalse();
    } finally {
      cloudClock.close();
    }
  }

  private static boolean eventThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("warmpool-event-thread-events") && t.isAlive());
  }
}
