package dev.warmpool.examples;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.io.PrintStream;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The {@code ci-week} scenario: a synthetic two-day CI trace (a weekday curve with bursts at the top of some hours,
 * then a quiet Saturday) replayed on the fake cloud and a virtual clock against a grid of fixed warm targets, the
 * objective mode ({@link SizingPolicy}: p99 wait at most 5 s) and a reference that knows the demand curve in advance;
 * one table compares lease waits, failed leases, idle worker-hours and provisions.
 *
 * <p>The trace comes from a seed and the parameters of {@link Trace#DEFAULT}, which docs/sizing.md publishes: arrivals
 * are a Poisson process whose rate follows the curve of {@link Trace#ratePerMinute}, each burst adds
 * {@link Trace#burstJobs} jobs spread over its first two minutes, holds are uniform in 4 to 20 minutes, every job gets
 * a fresh worker ({@code maxUses 1}) and gives up after 10 minutes without one. Provisioning takes 2 to 6 minutes.
 * Not thread-safe.
 */
public final class CiWeek {
  /** The template every job asks for. */
  public static final String TEMPLATE = "ci";
  /** The objective of the objective mode. */
  public static final SizingPolicy OBJECTIVE = SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(1)
      .ceiling(150).build();
  /** The fixed targets of the grid. */
  public static final List<Integer> FIXED_TARGETS = List.of(10, 20, 30, 40, 50, 60);
  /** How long a job waits for a worker before it fails. */
  public static final Duration JOB_PATIENCE = Duration.ofMinutes(10);

  /**
   * The trace's parameters.
   *
   * @param seed the seed of arrivals, holds and the fake cloud's latencies
   * @param start the first instant (a Friday, 00:00 UTC); the trace lasts two days
   * @param weekdayPeak the weekday's rate at its peak, per minute
   * @param night the rate at night, per minute
   * @param saturdayPeak Saturday's rate at its peak, per minute
   * @param burstHours the hours of the weekday whose first two minutes bring a burst
   * @param burstJobs the jobs of one burst
   * @param latencyMin the shortest provisioning time
   * @param latencyMax the longest provisioning time
   */
  public record Trace(long seed, Instant start, double weekdayPeak, double night, double saturdayPeak,
      List<Integer> burstHours, int burstJobs, Duration latencyMin, Duration latencyMax) {
    /** The default trace: seed 24, Friday 2024-03-22. */
    public static final Trace DEFAULT = new Trace(24, Instant.parse("2024-03-22T00:00:00Z"), 3.0, 0.1, 0.5,
        List.of(9, 11, 14, 16), 20, Duration.ofMinutes(2), Duration.ofMinutes(6));

    /** {@return the trace's end, two days after its start} */
    public Instant end() {
      return start.plus(Duration.ofDays(2));
    }

    /**
     * The arrival rate of the curve (without bursts) at an instant: on the weekday, the night rate until 06:00, a
     * ramp to the peak at 09:00, the peak until 17:00 with a dip to two thirds over lunch (12:00-13:00), a ramp down
     * to twice the night rate at 20:00, then the night rate; on Saturday, the night rate outside 10:00-16:00 and the
     * Saturday peak inside.
     *
     * @param at the instant
     * @return jobs per minute
     */
    public double ratePerMinute(Instant at) {
      double h = Duration.between(start, at).toMillis() / 3_600_000.0;
      if (h >= 24) {
        double s = h - 24;
        return s >= 10 && s < 16 ? saturdayPeak : night;
      }
      if (h < 6) {
        return night;
      }
      if (h < 9) {
        return night + (weekdayPeak - night) * (h - 6) / 3;
      }
      if (h < 17) {
        return h >= 12 && h < 13 ? weekdayPeak * 2 / 3 : weekdayPeak;
      }
      if (h < 20) {
        return weekdayPeak + (2 * night - weekdayPeak) * (h - 17) / 3;
      }
      return night;
    }

    /**
     * Draws the jobs: arrivals of the curve by thinning a Poisson process at the peak rate, plus the bursts.
     *
     * @return the jobs' arrivals and holds, in arrival order
     */
    public List<Job> jobs() {
      SplittableRandom random = new SplittableRandom(seed);
      List<Job> jobs = new ArrayList<>();
      double max = Math.max(weekdayPeak, Math.max(saturdayPeak, night));
      double t = 0;
      double span = Duration.between(start, end()).toMillis();
      while (true) {
        t += -Math.log(1 - random.nextDouble()) / max * 60_000;
        if (t >= span) {
          break;
        }
        Instant at = start.plusMillis((long) t);
        if (random.nextDouble() * max < ratePerMinute(at)) {
          jobs.add(new Job(at, hold(random)));
        }
      }
      for (int hour : burstHours) {
        for (int i = 0; i < burstJobs; i++) {
          jobs.add(new Job(start.plus(Duration.ofHours(hour)).plusMillis(random.nextLong(120_000)), hold(random)));
        }
      }
      jobs.sort((a, b) -> a.arrival().compareTo(b.arrival()));
      return jobs;
    }

    private static Duration hold(SplittableRandom random) {
      return Duration.ofSeconds(240 + random.nextInt(16 * 60 + 1));
    }
  }

  /**
   * A job of the trace.
   *
   * @param arrival when it asks for a worker
   * @param hold how long it holds it
   */
  public record Job(Instant arrival, Duration hold) {}

  /**
   * What one configuration did on the trace, from the run's own bookkeeping (waits from each job's arrival to its
   * grant, idle workers sampled every minute).
   *
   * @param name the configuration
   * @param jobs jobs in the trace
   * @param waitsMillis each granted job's wait, sorted
   * @param failed jobs that got no worker within their patience
   * @param idleWorkerHours idle workers sampled every minute, summed as worker-hours
   * @param provisions workers provisioned
   * @param reportedIdleWorkerHours the idle worker-hours the pool's snapshot reports, for comparison
   */
  public record Result(String name, int jobs, long[] waitsMillis, int failed, double idleWorkerHours, int provisions,
      double reportedIdleWorkerHours) {
    /**
     * A wait quantile over every job (a failed job counts as the longest wait), nearest rank.
     *
     * @param q the quantile
     * @return the wait
     */
    public Duration wait(double q) {
      int rank = (int) Math.ceil(q * jobs);
      if (rank > waitsMillis.length) {
        return JOB_PATIENCE;
      }
      return Duration.ofMillis(waitsMillis[Math.max(0, rank - 1)]);
    }

    /** {@return the longest wait; the patience when a job failed} */
    public Duration maxWait() {
      return failed > 0 || waitsMillis.length == 0 ? JOB_PATIENCE
          : Duration.ofMillis(waitsMillis[waitsMillis.length - 1]);
    }

    /** {@return whether p99 of the waits is at most 5 s and no lease failed} */
    public boolean meetsObjective() {
      return failed == 0 && wait(0.99).compareTo(Duration.ofSeconds(5)) <= 0;
    }
  }

  private CiWeek() {}

  /** The name {@code IncidentReplay --scenario} takes for this run. */
  static final String SCENARIO = "ci-week";

  /**
   * Runs the scenario with the default trace (or {@code --seed <n>}) and prints the table.
   *
   * @param args {@code --seed <n>} optionally
   */
  public static void main(String[] args) {
    Trace trace = Trace.DEFAULT;
    if (args.length == 2 && args[0].equals("--seed")) {
      Trace d = Trace.DEFAULT;
      trace = new Trace(Long.parseLong(args[1]), d.start(), d.weekdayPeak(), d.night(), d.saturdayPeak(),
          d.burstHours(), d.burstJobs(), d.latencyMin(), d.latencyMax());
    } else if (args.length != 0) {
      System.err.println("usage: IncidentReplay --scenario ci-week [--seed <n>]");
      System.exit(2);
      return;
    }
    print(run(trace), System.out);
  }

  /**
   * Runs every configuration on the trace.
   *
   * @param trace the trace
   * @return the results: the fixed targets of the grid, then the objective mode, then the reference
   */
  public static List<Result> run(Trace trace) {
    List<Job> jobs = trace.jobs();
    List<Result> results = new ArrayList<>();
    for (int target : FIXED_TARGETS) {
      results.add(run("fixed " + target, trace, jobs, t -> t.warmTarget(target)));
    }
    results.add(run("objective p99<=5s", trace, jobs, t -> t.sizing(OBJECTIVE)));
    results.add(run("reference (knows the curve)", trace, jobs, t -> t.sizing(reference(trace))));
    return results;
  }

  /**
   * The reference: a target that follows the demand curve known in advance, hour by hour, as schedule windows (each
   * window's minimum is the stock that p99 at most 5 s asks for at the hour's highest rate, a burst counted whole,
   * over the longest provisioning time), with no observed term (an objective that any stock meets).
   *
   * @param trace the trace
   * @return the reference's policy
   */
  static SizingPolicy reference(Trace trace) {
    SizingPolicy.Builder b = SizingPolicy.objective(0.5, Duration.ofDays(1)).learnSeasonality(false);
    double lead = trace.latencyMax().toSeconds() - 5;
    for (int day = 0; day < 2; day++) {
      DayOfWeek dow = trace.start().plus(Duration.ofDays(day)).atZone(ZoneOffset.UTC).getDayOfWeek();
      for (int hour = 0; hour < 24; hour++) {
        Instant from = trace.start().plus(Duration.ofDays(day)).plus(Duration.ofHours(hour));
        double rate = 0;
        for (int m = 0; m <= 60; m += 5) {
          rate = Math.max(rate, trace.ratePerMinute(from.plus(Duration.ofMinutes(m))));
        }
        int stock = poissonStock(rate / 60 * lead);
        if (day == 0 && trace.burstHours().contains(hour)) {
          stock += trace.burstJobs();
        }
        b.window(new SizingPolicy.Window(dow, dow, LocalTime.of(hour, 0),
            hour == 23 ? LocalTime.MAX : LocalTime.of(hour + 1, 0), stock));
      }
    }
    return b.build();
  }

  /** The smallest S with P(N >= S) <= 1% for N ~ Poisson(mean). */
  private static int poissonStock(double mean) {
    double p = Math.exp(-mean);
    double cumulative = p;
    int k = 0;
    while (cumulative < 0.99) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k + 1;
  }

  private static Result run(String name, Trace trace, List<Job> jobs, UnaryOperator<WorkerTemplate.Builder> sizing) {
    VirtualClock clock = new VirtualClock(trace.start());
    FakeCloud cloud = FakeCloud.builder().seed(trace.seed()).clock(clock)
        .region("westeurope", "eu", Latency.uniform(trace.latencyMin(), trace.latencyMax())).build();
    int[] provisions = new int[1];
    WorkerPool pool = WorkerPools.builder().poolId("ci-week").clock(clock).seed(trace.seed())
        .template(sizing.apply(WorkerTemplate.builder(TEMPLATE).maxTotal(400).maxUses(1)).build())
        .placement(Placement.of("fake", "westeurope", "eu"))
        .provider("fake", cloud.provider())
        .maxConcurrentProvisions(100)
        .listener(e -> {
          if (e instanceof PoolEvent.WorkerProvisioned) {
            provisions[0]++;
          }
        })
        .build();
    long[] waits = new long[jobs.size()];
    int[] counts = new int[2]; // granted, failed
    double[] idleMinutes = new double[1];
    for (Job job : jobs) {
      clock.schedule(Duration.between(clock.now(), job.arrival()), () -> pool.lease(LeaseRequest.forTemplate(TEMPLATE)
          .maxWait(JOB_PATIENCE).build()).whenComplete((lease, failure) -> {
            if (failure != null) {
              counts[1]++;
              return;
            }
            waits[counts[0]++] = Duration.between(job.arrival(), clock.now()).toMillis();
            clock.schedule(job.hold(), lease::close);
          }));
    }
    sampleIdle(clock, pool, trace.end(), idleMinutes);
    clock.runUntil(trace.end());
    double reported = pool.snapshot().template(TEMPLATE).flatMap(TemplateStatus::sizing)
        .map(s -> s.idleWorkerHours()).orElse(Double.NaN);
    try {
      clock.await(pool.closeAsync(), Duration.ofHours(2));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(name + ": the pool did not close", e);
    }
    long[] granted = Arrays.copyOf(waits, counts[0]);
    Arrays.sort(granted);
    return new Result(name, jobs.size(), granted, counts[1], idleMinutes[0] / 60, provisions[0], reported);
  }

  private static void sampleIdle(VirtualClock clock, WorkerPool pool, Instant end, double[] idleMinutes) {
    clock.schedule(Duration.ofMinutes(1), () -> {
      idleMinutes[0] += pool.snapshot().template(TEMPLATE).map(t -> t.total().idle()).orElse(0);
      if (clock.now().isBefore(end)) {
        sampleIdle(clock, pool, end, idleMinutes);
      }
    });
  }

  /**
   * Prints the table and the bars of issue 24.
   *
   * @param results the results of {@link #run(Trace)}
   * @param out where to print
   */
  public static void print(List<Result> results, PrintStream out) {
    out.printf(Locale.ROOT, "%-28s %6s %8s %8s %8s %8s %7s %10s %10s%n", "configuration", "jobs", "p50", "p95",
        "p99", "max", "failed", "idle w-h", "provisions");
    for (Result r : results) {
      out.printf(Locale.ROOT, "%-28s %6d %8s %8s %8s %8s %7d %10.1f %10d%n", r.name(), r.jobs(), fmt(r.wait(0.5)),
          fmt(r.wait(0.95)), fmt(r.wait(0.99)), fmt(r.maxWait()), r.failed(), r.idleWorkerHours(), r.provisions());
    }
  }

  static String fmt(Duration d) {
    long ms = d.toMillis();
    return ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0)
        : String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
  }
}
