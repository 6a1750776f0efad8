package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.Call;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.Operation;
import dev.warmpool.fake.Outcome;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Throttle storms and transient failures that name a retry-after, on the fake cloud and a virtual clock, through the
 * public API: the pool's writes stay within the provider's token budget, a retried create keeps its worker id, and
 * every retry-after is honoured up to the pool's cap. In every mode (a subclass per mode).
 */
public abstract class WritePacingScenarioTest implements PoolMode.Suite {
  static final Instant DAY = Instant.parse("2023-03-23T00:00:00Z");
  static final String REGION = "westeurope";

  /** One run: a pool in one region behind a token bucket, under a demand above what the bucket allows. */
  final class Storm {
    final VirtualClock clock = new VirtualClock(DAY);
    final FakeCloud cloud;
    final WorkerPool pool;
    final Fault bucket;
    final List<PoolEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger granted = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    /** The writes and the budget at each minute: [minute, writes, budget]. */
    final List<long[]> checkpoints = new ArrayList<>();

    Storm(Fault bucket, List<Fault> others, UnaryOperator<WorkerPools.Builder> options) {
      this.bucket = bucket;
      FakeCloud.Builder b = FakeCloud.builder().clock(clock).seed(11)
          .region(REGION, "eu", Latency.uniform(Duration.ofMinutes(1), Duration.ofMinutes(4)))
          .deprovisionLatency(Latency.fixed(Duration.ofSeconds(30)));
      if (bucket != null) {
        b.fault(bucket);
      }
      others.forEach(b::fault);
      cloud = b.build();
      pool = options.apply(mode().apply(WorkerPools.builder()).poolId("storm").clock(clock)
          .template(WorkerTemplate.builder("ci").warmTarget(120).maxTotal(400).maxUses(1).build())
          .placement(Placement.of("fake", REGION, "eu"))
          .provider("fake", cloud.provider())
          .maxConcurrentProvisions(100)
          .listener(events::add)).build();
    }

    /** Leases {@code perMinute} workers a minute for {@code minutes}, each held a minute, then lets it settle. */
    Storm run(int perMinute, int minutes) {
      Duration gap = Duration.ofMillis(60_000 / perMinute);
      for (int i = 0; i < perMinute * minutes; i++) {
        clock.schedule(gap.multipliedBy(i), () -> pool.lease(LeaseRequest.forTemplate("ci")
            .maxWait(Duration.ofMinutes(10)).build()).whenComplete((lease, failure) -> {
              if (failure != null) {
                failed.incrementAndGet();
              } else {
                granted.incrementAndGet();
                clock.schedule(Duration.ofMinutes(1), lease::close);
              }
            }));
      }
      for (int m = 1; m <= minutes + 20; m++) {
        clock.runUntil(DAY.plus(Duration.ofMinutes(m)));
        if (bucket != null) {
          checkpoints.add(new long[] {m, writes(), budget()});
        }
      }
      return this;
    }

    long writes() {
      return cloud.admittedCalls(bucket, REGION) + cloud.refusedCalls(bucket, REGION);
    }

    /** The bucket's allowance from the region's first write until now. */
    long budget() {
      Instant first = cloud.calls().stream().filter(c -> c.region().equals(REGION)
          && c.operation() != Operation.LIST).map(Call::at).min(Instant::compareTo).orElse(clock.now());
      return bucket.tokenBudget(Duration.between(first, clock.now()));
    }

    long distinctWorkerIds() {
      return cloud.calls().stream().filter(c -> c.operation() == Operation.PROVISION).map(Call::workerId)
          .distinct().count();
    }

    long workersMade() {
      return events.stream().filter(e -> e instanceof PoolEvent.WorkerProvisioned).count();
    }

    void close() {
      pool.closeAsync();
      clock.advance(Duration.ofHours(2));
    }
  }

  @Test
  void writesStayWithinABucketThatAnswersWithAShortRetryAfter() {
    Storm s = new Storm(Faults.writeTokenBucket(REGION).burst(20).refillPerSecond(1)
        .retryAfter(Duration.ofSeconds(1)), List.of(), o -> o).run(40, 15);
    assertWithinBudget(s);
    s.close();
  }

  @Test
  void writesStayWithinABucketThatAnswersWithALongRetryAfter() {
    Storm s = new Storm(Faults.writeTokenBucket(REGION).burst(20).refillPerSecond(1)
        .retryAfter(Duration.ofMinutes(2)), List.of(), o -> o).run(40, 15);
    assertWithinBudget(s);
    s.close();
  }

  @Test
  void writesStayWithinABucketThatSaysWhenItsNextTokenComes() {
    Storm s = new Storm(Faults.writeTokenBucket(REGION).burst(20).refillPerSecond(2), List.of(), o -> o).run(40, 15);
    assertWithinBudget(s);
    s.close();
  }

  private static void assertWithinBudget(Storm s) {
    assertThat(s.cloud.refusedCalls(s.bucket, REGION)).as("the storm did throttle the pool").isPositive();
    // from the fifth minute on (the bucket's first burst is small beside the pool's first wish), at every minute
    for (long[] c : s.checkpoints) {
      if (c[0] >= 5) {
        assertThat((double) c[1]).as("writes by minute %d vs the budget %d", c[0], c[2])
            .isLessThanOrEqualTo(c[2] * 1.05);
      }
    }
    // a retried create keeps its worker id: ids sent are the workers made plus those still coming at the end
    assertThat(s.distinctWorkerIds()).as("distinct worker ids vs %d workers made", s.workersMade())
        .isLessThanOrEqualTo(s.workersMade() + 100);
    assertThat(s.workersMade()).isPositive();
  }

  @Test
  void aRetriedCreateKeepsItsWorkerIdAfterAThrottle() {
    // every other write is refused for ten minutes: each refused create is sent again under the same id
    Storm s = new Storm(null, List.of(Faults.throttling(REGION).failureRate(0.5).retryAfter(Duration.ofSeconds(5))
        .during(DAY, DAY.plus(Duration.ofMinutes(10)))), o -> o).run(10, 10);
    Map<String, Long> createsPerId = new LinkedHashMap<>();
    for (Call c : s.cloud.calls()) {
      if (c.operation() == Operation.PROVISION) {
        createsPerId.merge(c.workerId(), 1L, Long::sum);
      }
    }
    long throttled = s.cloud.callCount(Operation.PROVISION, REGION, Outcome.THROTTLED);
    assertThat(throttled).isPositive();
    assertThat(createsPerId.values()).as("some ids were sent again after a throttle").anyMatch(n -> n > 1);
    assertThat((long) createsPerId.size()).as("distinct ids vs %d creates sent, %d throttled",
        createsPerId.values().stream().mapToLong(Long::longValue).sum(), throttled)
        .isLessThanOrEqualTo(s.workersMade() + 100);
    s.close();
  }

  @Test
  void aTransientFailureWithRetryAfterIsRetriedNoSooner() {
    Duration retryAfter = Duration.ofMinutes(1);
    Storm s = new Storm(null, List.of(Faults.outage(REGION).failureRate(0.3).retryAfter(retryAfter)
        .during(DAY, DAY.plus(Duration.ofMinutes(20)))), o -> o).run(5, 20);
    assertRetriedNoSoonerThan(s, retryAfter);
    s.close();
  }

  @Test
  void aRetryAfterLongerThanTheCapWaitsForTheCap() {
    Duration cap = Duration.ofSeconds(30);
    Storm s = new Storm(null, List.of(Faults.outage(REGION).failureRate(0.3).retryAfter(Duration.ofHours(3))
        .during(DAY, DAY.plus(Duration.ofMinutes(20)))), o -> o.maxRetryAfter(cap)).run(5, 20);
    List<Duration> gaps = assertRetriedNoSoonerThan(s, cap);
    assertThat(gaps).as("retries after a 3-hour retry-after, capped at 30 s").isNotEmpty()
        .allMatch(g -> g.compareTo(Duration.ofMinutes(5)) < 0);
    s.close();
  }

  /** Checks that each create that failed with a retry-after was sent again no sooner; returns the gaps seen. */
  private static List<Duration> assertRetriedNoSoonerThan(Storm s, Duration wait) {
    Map<String, Call> lastFailed = new LinkedHashMap<>();
    List<Duration> gaps = new ArrayList<>();
    for (Call c : s.cloud.calls()) {
      if (c.operation() != Operation.PROVISION) {
        continue;
      }
      Call before = lastFailed.remove(c.workerId());
      if (before != null) {
        gaps.add(Duration.between(before.at(), c.at()));
      }
      if (c.outcome() == Outcome.TRANSIENT) {
        lastFailed.put(c.workerId(), c);
      }
    }
    assertThat(s.cloud.callCount(Operation.PROVISION, REGION, Outcome.TRANSIENT)).isPositive();
    assertThat(gaps).as("creates sent again after a 503 with retry-after").isNotEmpty()
        .allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(wait));
    return gaps;
  }
}
