package dev.warmpool.benchmarks;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A day of CI traffic from many tenants on a virtual clock, against pool-core with a {@link LatencyProvider}
 * (provisions take 90 s, deletes 30 s of virtual time).
 *
 * <p>The pool has one template ({@code ci}: warm target 60, max total 600, at most 5 uses per worker, workers kept
 * per tenant, recycled after 10 idle minutes) in three placements. Each tenant starts a job every 10 to 50 minutes
 * (uniform, from a fixed seed); a job asks for a lease with a maximum wait of 15 minutes and holds it 2 to 15
 * minutes. About 48 jobs per tenant per day; with 1,000 tenants, some 330 jobs run at once.
 *
 * <p>Not thread-safe: everything runs on the thread that moves the clock.
 */
public final class DayRun {
  private final VirtualClock clock = new VirtualClock();
  private final LatencyProvider provider = new LatencyProvider(clock, Duration.ofSeconds(90), Duration.ofSeconds(30));
  private final SplittableRandom random = new SplittableRandom(10);
  private final Duration length;
  private final Instant end;
  private final WorkerPool pool;
  private final List<LeaseRequest> requests = new ArrayList<>();
  private long started;
  private long granted;
  private long failed;

  /**
   * Builds the pool and schedules each tenant's first job; nothing runs until {@link #run()}.
   *
   * @param tenants how many tenants send jobs
   * @param length how much virtual time to run
   */
  public DayRun(int tenants, Duration length) {
    this.length = length;
    this.end = clock.now().plus(length);
    pool = WorkerPools.builder()
        .poolId("bench-day")
        .clock(clock)
        .template(WorkerTemplate.builder("ci").warmTarget(60).maxTotal(600).maxUses(5)
            .maxIdleTime(Duration.ofMinutes(10)).build())
        .placement(Placement.of("mem", "westeurope", "eu"))
        .placement(Placement.of("mem", "northeurope", "eu").withPreference(1))
        .placement(Placement.of("mem", "eastus", "us").withPreference(2))
        .provider("mem", provider)
        .build();
    for (int i = 0; i < tenants; i++) {
      LeaseRequest r = LeaseRequest.forTemplate("ci").tenant("tenant-" + i).maxWait(Duration.ofMinutes(15)).build();
      requests.add(r);
      clock.schedule(Duration.ofSeconds(random.nextLong(50 * 60)), () -> job(r));
    }
  }

  private void job(LeaseRequest request) {
    if (!clock.now().isBefore(end)) {
      return;
    }
    started++;
    pool.lease(request).whenComplete((lease, failure) -> {
      if (failure != null) {
        failed++;
        return;
      }
      granted++;
      clock.schedule(Duration.ofSeconds(120 + random.nextLong(13 * 60)), lease::close);
    });
    clock.schedule(Duration.ofSeconds(600 + random.nextLong(40 * 60)), () -> job(request));
  }

  /**
   * Runs the whole length of virtual time, then closes the pool and lets it finish on virtual time.
   *
   * @return this run, for its counts
   * @throws IllegalStateException if the pool did not close within an hour of virtual time
   */
  public DayRun run() {
    clock.advance(length);
    try {
      clock.await(pool.closeAsync(), Duration.ofHours(1));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the pool did not close: " + pool.snapshot(), e);
    }
    return this;
  }

  /**
   * Jobs that asked for a lease.
   *
   * @return the count
   */
  public long started() {
    return started;
  }

  /**
   * Jobs that got a lease.
   *
   * @return the count
   */
  public long granted() {
    return granted;
  }

  /**
   * Jobs whose request failed (timed out, or the pool closed while they waited).
   *
   * @return the count
   */
  public long failed() {
    return failed;
  }

  /**
   * Workers the provider still has (0 after a clean close).
   *
   * @return the count
   */
  public int live() {
    return provider.live();
  }

  /**
   * The tasks the virtual clock ran.
   *
   * @return the count
   */
  public long tasksRun() {
    return clock.tasksRun();
  }

  @Override
  public String toString() {
    return "DayRun[started=" + started + ", granted=" + granted + ", failed=" + failed + ", live=" + live()
        + ", tasks=" + tasksRun() + "]";
  }
}
