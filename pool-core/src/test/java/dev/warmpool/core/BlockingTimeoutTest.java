package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.internal.SystemClock;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code acquire} on the system clock ends within 100 ms of its timeout whatever the pool is doing: its clock thread
 * stuck in a provider call, or every store call hanging as while a database restarts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long SLACK_MS = 100;

  private final SystemClock providerClock = new SystemClock("provider");
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    providerClock.close();
  }

  private static WorkerPools.Builder pool(TestProvider provider, WorkerTemplate template) {
    return WorkerPools.builder().poolId("blocking").template(template)
        .placement(Placement.of("cloud", "westeurope", "eu")).provider("cloud", provider);
  }

  /**
   * Loads what a timed-out acquire uses (the exception, its message formatting) with a short acquire that times out
   * the ordinary way, so that the measured call shows the pool's behaviour rather than the JVM's first-use costs.
   */
  private static void warmUp(WorkerPool pool, String template) {
    assertThatThrownBy(() -> pool.acquire(LeaseRequest.forTemplate(template).maxWait(Duration.ZERO).build(),
        Duration.ZERO)).isInstanceOf(LeaseTimeoutException.class);
  }

  /** Runs acquire and returns how long it took, in milliseconds, after checking that it timed out. */
  private static long timedOut(WorkerPool pool) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> pool.acquire(LeaseRequest.forTemplate("linux").build(), TIMEOUT))
        .isInstanceOf(LeaseTimeoutException.class);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void acquireEndsOnTimeWhileTheClockThreadIsStuckInAProviderCall() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    TestProvider stuck = new TestProvider(providerClock, Duration.ZERO) {
      @Override
      public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS); // a provider that blocks the calling thread: the pool's clock thread
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.provision(request);
      }
    };
    WorkerPool pool = pool(stuck, WorkerTemplate.builder("linux").warmTarget(1).build()).build();
    warmUp(pool, "linux");
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    long took = timedOut(pool);

    assertThat(took).isBetween(TIMEOUT.toMillis(), TIMEOUT.toMillis() + SLACK_MS);
    release.countDown();
    pool.close();
  }

  @Test
  void acquireEndsOnTimeWhileEveryStoreCallHangsAndAWorkerGrantedTooLateIsReleased() throws Exception {
    OutageStore store = new OutageStore(new InMemoryPoolStore());
    CompletableFuture<PoolEvent> provisioned = new CompletableFuture<>();
    CompletableFuture<PoolEvent> granted = new CompletableFuture<>();
    CompletableFuture<PoolEvent> released = new CompletableFuture<>();
    WorkerPool pool = pool(new TestProvider(providerClock, Duration.ZERO),
        WorkerTemplate.builder("linux").warmTarget(1).maxTotal(1).build()).store(store)
        .template(WorkerTemplate.builder("spare").build())
        .listener(e -> {
          if (e instanceof PoolEvent.WorkerProvisioned) {
            provisioned.complete(e);
          } else if (e instanceof PoolEvent.LeaseGranted) {
            granted.complete(e);
          } else if (e instanceof PoolEvent.LeaseReleased) {
            released.complete(e);
          }
        }).build();
    provisioned.get(10, TimeUnit.SECONDS);
    warmUp(pool, "spare");
    store.stall(release);

    long took = timedOut(pool);

    assertThat(took).isBetween(TIMEOUT.toMillis(), TIMEOUT.toMillis() + SLACK_MS);
    store.stall(null);
    release.countDown();
    // the grant that hung in the store goes through once it answers; nobody waits for it any more, so it is released
    granted.get(10, TimeUnit.SECONDS);
    released.get(10, TimeUnit.SECONDS);
    pool.close();
  }
}
