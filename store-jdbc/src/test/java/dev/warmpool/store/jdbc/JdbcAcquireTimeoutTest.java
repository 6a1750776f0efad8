package dev.warmpool.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseFailedException;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.core.internal.SystemClock;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.spi.PoolStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code acquire(request, 1 s)} on a shared pool returns within 100 ms of its timeout while PostgreSQL restarts, when
 * every store call waits the data source's connection timeout (1 s) and the pool's clock thread is busy in them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JdbcAcquireTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration BOUND = TIMEOUT.plusMillis(100);

  private final TestDatabase db = TestDatabase.shared();
  private final SystemClock cloudClock = new SystemClock("cloud");

  @AfterEach
  void serverIsUpAgain() {
    if (db.restartable()) {
      db.start();
    }
    cloudClock.close();
  }

  @Test
  void acquireReturnsWithinItsTimeoutWhilePostgresRestarts() throws Exception {
    db.assumeRestartable();
    FakeCloud cloud = FakeCloud.builder().clock(cloudClock).region("westeurope", "eu", Latency.fixed(Duration.ZERO))
        .build();
    PoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(db.freshPrefix()).build();
    WorkerPool pool = WorkerPools.builder().poolId("restart")
        .template(WorkerTemplate.builder("linux").warmTarget(2).maxTotal(2).build())
        .template(WorkerTemplate.builder("spare").build())
        .placement(Placement.of("fake", "westeurope", "eu")).provider("fake", cloud.provider()).store(store)
        .build();
    LeaseRequest linux = LeaseRequest.forTemplate("linux").build();
    // every worker leased: each measured acquire waits for its timer, which runs on the pool's clock thread
    List<Lease> held = List.of(pool.acquire(linux, Duration.ofSeconds(30)),
        pool.acquire(linux, Duration.ofSeconds(30)));
    // the JVM's first timed-out acquire loads the exception and its message formatting: not what is measured here
    assertThatThrownBy(() -> pool.acquire(LeaseRequest.forTemplate("spare").build(), Duration.ZERO))
        .isInstanceOf(LeaseTimeoutException.class);

    CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
      db.stop();
      db.start();
    });
    List<Long> took = new ArrayList<>();
    TreeMap<String, Integer> outcomes = new TreeMap<>();
    int after = 0;
    while (!restart.isDone() || after++ < 3) {
      long start = System.nanoTime();
      String outcome;
      try (Lease lease = pool.acquire(linux, TIMEOUT)) {
        outcome = lease.isActive() ? "granted" : "granted, then lost";
      } catch (LeaseFailedException e) {
        outcome = e.getClass().getSimpleName();
      }
      took.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      outcomes.merge(outcome, 1, Integer::sum);
    }
    restart.get();
    System.out.printf("acquire(1 s) during a PostgreSQL restart: %d calls, slowest %d ms, outcomes %s%n",
        took.size(), took.stream().mapToLong(Long::longValue).max().orElse(0), outcomes);

    assertThat(took).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(BOUND.toMillis()));
    assertThat(took).as("calls ran while the server restarted").isNotEmpty();
    held.forEach(Lease::close);
    pool.close();
    cloudClock.close();
  }
}
