package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * A scripted replay of 5 virtual hours with 1,000 workers provisioned through an outage, throttling and lost
 * responses. The wall time is published as a report entry ({@code replayWallMillis}) and logged, not asserted:
 * the goal is well under a second on the build machine.
 */
class ReplayTimingTest {

  @Test
  void fiveVirtualHoursWithAThousandProvisionsReplayAndLeaveNothingBehind(TestReporter reporter) {
    // the first run pays for class loading and the JIT; both are reported
    long coldStart = System.nanoTime();
    replay(1);
    long coldMillis = (System.nanoTime() - coldStart) / 1_000_000;
    long start = System.nanoTime();
    Result result = replay(2);
    long wallMillis = (System.nanoTime() - start) / 1_000_000;
    reporter.publishEntry("replayWallMillis", Long.toString(wallMillis));
    reporter.publishEntry("replayColdWallMillis", Long.toString(coldMillis));
    reporter.publishEntry("replayCalls", Long.toString(result.calls()));
    reporter.publishEntry("replayClockTasks", Long.toString(result.tasks()));
    System.getLogger(ReplayTimingTest.class.getName()).log(System.Logger.Level.INFO,
        "replay of 5 virtual hours, 1000 workers: {0} ms wall time ({1} ms on a cold JVM), {2} calls, {3} clock"
            + " tasks", wallMillis, coldMillis, result.calls(), result.tasks());

    assertThat(result.provisioned()).isEqualTo(1000);
    assertThat(result.leftInCloud()).isZero();
    assertThat(result.outageFailures()).isGreaterThan(100);
    assertThat(result.lostResponses()).isPositive();
    assertThat(result.deletesNotFound()).isPositive();
    assertThat(result.virtualEnd()).isAfterOrEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofHours(5)));
  }

  private record Result(int provisioned, int leftInCloud, long calls, long tasks, Instant virtualEnd,
      long outageFailures, long lostResponses, long deletesNotFound) {}

  /**
   * A small orchestrator: a new worker every 18 seconds for 5 hours; a failed provision is retried after its
   * retry-after (or 30 seconds) in the other region, and deleted where it failed in case it was created there
   * anyway; a worker is deleted 30 minutes after it is ready.
   */
  private static Result replay(long seed) {
    VirtualClock clock = new VirtualClock();
    Instant t0 = clock.now();
    FakeCloud cloud = FakeCloud.builder().seed(seed).clock(clock)
        .region("westeurope", "eu")
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(10)))
        .fault(Faults.outage("westeurope").from(t0.plus(Duration.ofMinutes(41)))
            .until(t0.plus(Duration.ofHours(3))).failureRate(0.9).operations(Operation.PROVISION))
        .fault(Faults.throttling().failureRate(0.02).retryAfter(Duration.ofSeconds(20)))
        .fault(Faults.lostResponses().failureRate(0.02))
        .build();
    WorkerProvider provider = cloud.provider();
    AtomicInteger provisioned = new AtomicInteger();
    for (int i = 0; i < 1000; i++) {
      String worker = "w" + i;
      clock.schedule(Duration.ofSeconds(18L * i), () -> attempt(clock, provider, worker, "westeurope",
          provisioned));
    }
    clock.runUntil(t0.plus(Duration.ofHours(5)));
    clock.runUntilIdle(Duration.ofHours(3));
    return new Result(provisioned.get(), cloud.inventorySize(), cloud.calls().size(), clock.tasksRun(),
        clock.now(), cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT),
        cloud.calls().stream().filter(c -> c.code().equals("LostResponse")).count(),
        cloud.callCount(Operation.DEPROVISION, Outcome.NOT_FOUND));
  }

  private static void attempt(VirtualClock clock, WorkerProvider provider, String worker, String region,
      AtomicInteger provisioned) {
    provider.provision(provision("replay", worker, region, clock.now().plus(Duration.ofMinutes(30))))
        .whenComplete((w, e) -> {
          if (e == null) {
            provisioned.incrementAndGet();
            clock.schedule(Duration.ofMinutes(30), () -> delete(clock, provider, worker, region, 10));
            return;
          }
          Throwable cause = e instanceof CompletionException ? e.getCause() : e;
          Duration wait = cause instanceof ProviderException pe ? pe.retryAfter().orElse(Duration.ofSeconds(30))
              : Duration.ofSeconds(30);
          String next = region.equals("westeurope") ? "northeurope" : "westeurope";
          // the failed attempt may have created the resource anyway (a lost response): delete it there
          delete(clock, provider, worker, region, 10);
          clock.schedule(wait, () -> attempt(clock, provider, worker, next, provisioned));
        });
  }

  private static void delete(VirtualClock clock, WorkerProvider provider, String worker, String region,
      int attemptsLeft) {
    provider.deprovision(deprovision("replay", worker, region, clock.now().plus(Duration.ofMinutes(10))))
        .whenComplete((v, e) -> {
          if (e != null && attemptsLeft > 1) {
            clock.schedule(Duration.ofSeconds(30), () -> delete(clock, provider, worker, region, attemptsLeft - 1));
          }
        });
  }
}
