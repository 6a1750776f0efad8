package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Calls from several threads at once are all served once, and repeated worker ids still make one resource. */
class ConcurrencyTest {

  @Test
  void provisionsFromSeveralThreadsMakeOneResourcePerWorker() throws Exception {
    VirtualClock clock = new VirtualClock();
    FakeCloud cloud = FakeCloud.builder().clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5))).build();
    WorkerProvider provider = cloud.provider();
    Queue<CompletableFuture<ProvisionedWorker>> futures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      for (int t = 0; t < 4; t++) {
        threads.submit(() -> {
          start.await();
          // every thread asks for the same 250 workers: 1,000 calls, 250 resources
          for (int i = 0; i < 250; i++) {
            futures.add(provider.provision(provision("p1", "w" + i, "westeurope", far(clock))));
          }
          return null;
        });
      }
      start.countDown();
      threads.shutdown();
      assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      threads.shutdownNow();
    }
    clock.advance(Duration.ofMinutes(5));

    assertThat(futures).hasSize(1000).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(cloud.inventorySize()).isEqualTo(250);
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.SUCCESS)).isEqualTo(1000);
    List<String> ids = futures.stream().map(f -> f.join().resourceId()).distinct().toList();
    assertThat(ids).hasSize(250);
  }
}
