package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.failure;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The example of docs/fake-cloud-faults.md, kept compiling and behaving as the page says. */
class FaultShapesDocExampleTest {
  private final VirtualClock clock = new VirtualClock();

  @Test
  void aPartialImpairmentWithASlowdownBehavesAsDocumented() {
    Instant start = clock.now();
    // tag::partial-impairment[]
    Instant jump = clock.now().plus(Duration.ofHours(1));
    Fault bucket = Faults.writeTokenBucket().burst(20).refillPerSecond(1).retryAfter(Duration.ofSeconds(5));
    FakeCloud cloud = FakeCloud.builder()
        .clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(4)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(4)))
        // from the jump on, half of westeurope's calls fail: 30% with 503 (Retry-After 1 min), 20% with 429
        .fault(Faults.outage("westeurope").from(jump).failureRate(0.3).retryAfter(Duration.ofMinutes(1)))
        .fault(Faults.throttling("westeurope").from(jump).failureRate(0.2))
        // and its creates take five times as long
        .fault(Faults.slowdown("westeurope", 5.0).from(jump))
        // 10% of the creates it accepts hang until the caller gives up; the VM still appears 30 minutes later
        .fault(Faults.hangThenCreateLate("westeurope").from(jump).failureRate(0.1)
            .createdAfter(Duration.ofMinutes(30)))
        // writes are paced per region: 20 at once, then one a second
        .fault(bucket)
        .build();
    // end::partial-impairment[]
    WorkerProvider provider = cloud.provider();

    CompletableFuture<ProvisionedWorker> before = provider.provision(provision("p1", "before", "westeurope",
        clock.now().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofMinutes(4));
    assertThat(before).as("4 minutes before the jump").isCompleted();

    clock.runUntil(jump);
    List<CompletableFuture<ProvisionedWorker>> after = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      after.add(provider.provision(provision("p1", "w" + i, "westeurope", clock.now().plus(Duration.ofMinutes(25)))));
      clock.advance(Duration.ofSeconds(1));
    }
    clock.advance(Duration.ofMinutes(25));

    assertThat(share(after, "ServiceUnavailable")).isCloseTo(0.3, within(0.03));
    assertThat(after.stream().filter(f -> f.isCompletedExceptionally()
        && failure(f).code().equals("ServiceUnavailable")).map(f -> failure(f).retryAfter().orElseThrow())
        .distinct()).containsExactly(Duration.ofMinutes(1));
    assertThat(share(after, "TooManyRequests")).isCloseTo(0.2, within(0.03));
    // a tenth of the accepted half hang past their 25-minute deadline; the rest take 20 minutes
    assertThat(share(after, "OperationTimedOut")).isCloseTo(0.05, within(0.015));
    assertThat(cloud.calls()).filteredOn(c -> c.at().isAfter(jump) && c.outcome() == Outcome.SUCCESS)
        .allSatisfy(c -> assertThat(Duration.between(c.at(), c.completedAt().orElseThrow()))
            .isEqualTo(Duration.ofMinutes(20)));
    clock.advance(Duration.ofMinutes(10));
    assertThat(cloud.resources()).as("the hung creates appeared").allMatch(r -> r.state() == ResourceState.RUNNING);
    assertThat(cloud.admittedCalls(bucket, "westeurope")).isEqualTo(3001)
        .isLessThanOrEqualTo(bucket.tokenBudget(Duration.ofSeconds(3000 + 3600)));
    Duration elapsed = Duration.between(start, clock.now());
    // tag::token-budget[]
    long admitted = cloud.admittedCalls(bucket, "westeurope");   // or admittedCalls(bucket) for every region
    long refused = cloud.refusedCalls(bucket, "westeurope");
    long writes = cloud.callCount(Operation.PROVISION, "westeurope") + cloud.callCount(Operation.DEPROVISION, "westeurope");
    assertThat(writes).isLessThanOrEqualTo((long) (bucket.tokenBudget(elapsed) * 1.05));
    // end::token-budget[]
    assertThat(admitted + refused).isEqualTo(writes);
  }

  private static double share(List<CompletableFuture<ProvisionedWorker>> futures, String code) {
    return futures.stream().filter(f -> f.isCompletedExceptionally() && failure(f).code().equals(code)).count()
        / (double) futures.size();
  }
}
