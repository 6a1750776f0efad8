package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A computed target under noisy demand, through the public API, in every mode (a subclass per mode; each try has its
 * own store): the rate jumps every few minutes between quiet and busy; the target stays within its floor and its
 * ceiling (the policy's, or the template's max total when that is lower) and never below the waiting requests; with
 * a quota in the cloud the pool holds no more than the quota allows; and a single-use pool provisions about one
 * worker per job (no churn from a target that moves with the noise, no storm of refused creates at the quota).
 */
public abstract class SizingProperties implements PoolMode.Suite {
  private static final Instant START = Instant.parse("2024-03-22T08:00:00Z");

  @Property(tries = 5)
  void theTargetStaysInItsBoundsAndProvisionsStayBoundedWhenTheDemandIsNoisy(
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 4) int floor,
      @ForAll @IntRange(min = 8, max = 40) int ceiling, @ForAll @IntRange(min = 4, max = 60) int maxTotal,
      @ForAll @IntRange(min = 0, max = 40) int quota) {
    // the template's max total is below the policy's ceiling in some tries; a quota of 0 stands for none
    int bound = Math.min(ceiling, maxTotal);
    VirtualClock clock = new VirtualClock(START);
    FakeCloud.Builder cloudBuilder = FakeCloud.builder().seed(seed).clock(clock)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(6)));
    if (quota > 0) {
      cloudBuilder.fault(Faults.quota("westeurope", quota));
    }
    FakeCloud cloud = cloudBuilder.build();
    CountingProvider provider = new CountingProvider(cloud.provider());
    List<PoolEvent.TargetChanged> changes = new ArrayList<>();
    int[] provisioned = new int[1];
    PoolMode mode = mode().fresh();
    WorkerPools.Builder builder = WorkerPools.builder().poolId("noisy").clock(clock).seed(seed);
    if (mode.hasStore()) { // coarser than by default, so that five hours take a second on any store
      builder.controlInterval(Duration.ofSeconds(30)).storePollInterval(Duration.ofSeconds(10))
          .leadershipTimeout(Duration.ofMinutes(2));
    }
    WorkerPool pool = mode.apply(builder
        .template(WorkerTemplate.builder("ci").maxTotal(maxTotal).sizing(SizingPolicy.objective(0.99,
            Duration.ofSeconds(5)).floor(floor).ceiling(ceiling).build()).build())
        .placement(Placement.of("fake", "westeurope", "eu")).provider("fake", provider)
        .maxConcurrentProvisions(100)
        .listener(e -> {
          if (e instanceof PoolEvent.TargetChanged c) {
            changes.add(c);
          } else if (e instanceof PoolEvent.WorkerProvisioned) {
            provisioned[0]++;
          }
        })).build();
    SplittableRandom random = new SplittableRandom(seed);
    int jobs = 0;
    double t = 0;
    double rate = 0;
    List<int[]> checks = new ArrayList<>();
    for (int minute = 0; minute < 240; minute++) {
      if (minute % 7 == 0) {
        rate = random.nextInt(3) == 0 ? 0 : 0.5 + random.nextDouble() * 4; // per minute
      }
      while (rate > 0) {
        double gap = -Math.log(1 - random.nextDouble()) / rate;
        if (t + gap >= minute + 1) {
          break;
        }
        t += gap;
        jobs++;
        Duration hold = Duration.ofSeconds(60 + random.nextInt(600));
        clock.schedule(Duration.between(clock.now(), START.plusMillis((long) (t * 60_000))), () -> pool.lease(
            LeaseRequest.forTemplate("ci").maxWait(Duration.ofMinutes(30)).build())
            .thenAccept((Lease l) -> clock.schedule(hold, l::close)));
      }
      t = minute + 1;
      clock.schedule(Duration.between(clock.now(), START.plus(Duration.ofMinutes(minute + 1)).minusMillis(1)), () -> {
        TemplateStatus s = pool.snapshot().template("ci").orElseThrow();
        checks.add(new int[] {s.sizing().orElseThrow().target(), s.waiting()});
      });
    }
    clock.runUntil(START.plus(Duration.ofMinutes(300)));
    pool.closeAsync();
    clock.runUntil(clock.now().plus(Duration.ofHours(1)));
    for (int[] c : checks) {
      assertThat(c[0]).isBetween(floor, bound).isGreaterThanOrEqualTo(Math.min(c[1], bound));
    }
    assertThat(changes).allSatisfy(c -> assertThat(c.to()).isBetween(floor, bound));
    // each job costs one worker; beyond that at most the largest stock, and a tenth for a target that moved
    assertThat(provisioned[0]).isLessThanOrEqualTo(jobs + bound + jobs / 10);
  }
}
