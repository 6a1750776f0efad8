package dev.warmpool.examples;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.SizingStatus;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
 * a fresh worker ({@code maxUses 1}) and gives up after 10 minutes without one. Provisioning takes 2 to 6 minutes,
 * and one create in 20 three times as long ({@link Latency#withSlowTail}).
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
   * @param latencyMax the longest provisioning time of the body (outside the slow tail)
   * @param tailShare the share of creates in the slow tail
   * @param tailFactor how many times longer a create in the slow tail takes
   */
  public record Trace(long seed, Instant start, double weekdayPeak, double night, double saturdayPeak,
      List<Integer> burstHours, int burstJobs, Duration latencyMin, Duration latencyMax, double tailShare,
      double tailFactor) {
    /** The default trace: seed 24, Friday 2024-03-22; one create in 20 takes three times as long. */
    public static final Trace DEFAULT = new Trace(24, Instant.parse("2024-03-22T00:00:00Z"), 3.0, 0.1, 0.5,
        List.of(9, 11, 14, 16), 20, Duration.ofMinutes(2), Duration.ofMinutes(6), 0.05, 3.0);

    /**
     * This trace with another seed.
     *
     * @param other the seed of the new trace
     * @return this trace with another seed
     */
    public Trace withSeed(long other) {
      return new Trace(other, start, weekdayPeak, night, saturdayPeak, burstHours, burstJobs, latencyMin, latencyMax,
          tailShare, tailFactor);
    }

    /** {@return the fake cloud's provisioning latency: uniform, with the slow tail} */
    public Latency latency() {
      return Latency.uniform(latencyMin, latencyMax).withSlowTail(tailShare, tailFactor);
    }

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
   * The pool's state at the end of one minute of the trace.
   *
   * @param at when
   * @param idle idle workers
   * @param provisioning workers being provisioned
   * @param target the warm target in force (the fixed one, or the one the objective computed)
   * @param leadSeconds the provisioning lead time the target was computed from, in seconds; 0 when unknown
   */
  public record Sample(Instant at, int idle, int provisioning, int target, long leadSeconds) {}

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
   * @param samples the pool's state at the end of every minute, for the report's chart
   */
  public record Result(String name, int jobs, long[] waitsMillis, int failed, double idleWorkerHours, int provisions,
      double reportedIdleWorkerHours, List<Sample> samples) {
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
  /** Where the HTML report goes unless {@code --report} says otherwise. */
  static final Path DEFAULT_REPORT = Path.of("target", "warmpool-ci-week-report.html");

  /**
   * The command line of the scenario.
   *
   * @param trace the trace ({@link Trace#DEFAULT}, with {@code --seed <n>} another seed)
   * @param report where the HTML report goes ({@code --report <path>})
   */
  record Options(Trace trace, Path report) {
    /**
     * Parses the arguments that follow {@code --scenario ci-week}.
     *
     * @throws IllegalArgumentException naming the option and what it allows when an argument is unknown or bad
     */
    static Options parse(String... args) {
      Trace trace = Trace.DEFAULT;
      Path report = DEFAULT_REPORT;
      for (int i = 0; i < args.length; i += 2) {
        String name = args[i];
        if (!name.equals("--seed") && !name.equals("--report")) {
          throw new IllegalArgumentException("unknown option " + name + " for --scenario ci-week; allowed: --seed <n>,"
              + " --report <path>");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value; see --help");
        }
        String value = args[i + 1];
        if (name.equals("--report")) {
          report = Path.of(value);
          continue;
        }
        try {
          trace = Trace.DEFAULT.withSeed(Long.parseLong(value));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--seed must be a whole number, was \"" + value + "\"", e);
        }
      }
      return new Options(trace, report);
    }
  }

  /**
   * Runs the scenario with the default trace (or {@code --seed <n>}), prints the table and writes the HTML report
   * (or to {@code --report <path>}).
   *
   * @param args {@code --seed <n>} and {@code --report <path>}, both optional
   */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<Result> results = run(options.trace());
    print(results, System.out);
    Path report = writeReport(options.trace(), results, options.report());
    System.out.println();
    System.out.println("HTML report (demand, target over time, idle stock): " + report);
  }

  /**
   * Writes the HTML report of a run: the table and a chart of the demand, the objective's target over time and the
   * idle stock.
   *
   * @param trace the trace
   * @param results the results of {@link #run(Trace)} on it
   * @param path where the report goes; its directory is created
   * @return the report's absolute path
   * @throws UncheckedIOException if it cannot be written
   */
  public static Path writeReport(Trace trace, List<Result> results, Path path) {
    Path report = path.toAbsolutePath().normalize();
    try {
      Path parent = report.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(report, CiWeekReport.html(trace, results), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + report, e);
    }
    return report;
  }

  /**
   * The smallest fixed target that meets the objective (p99 at most 5 s, no failed lease), if one does.
   *
   * @param results the results of {@link #run(Trace)}
   * @return its result
   */
  public static Optional<Result> smallestFixedMeetingObjective(List<Result> results) {
    return results.stream().filter(r -> r.name().startsWith("fixed")).filter(Result::meetsObjective).findFirst();
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
        .region("westeurope", "eu", trace.latency()).build();
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
    List<Sample> samples = new ArrayList<>();
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
    sample(clock, pool, trace.end(), samples);
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
    double idleMinutes = samples.stream().mapToInt(Sample::idle).sum();
    return new Result(name, jobs.size(), granted, counts[1], idleMinutes / 60, provisions[0], reported,
        List.copyOf(samples));
  }

  private static void sample(VirtualClock clock, WorkerPool pool, Instant end, List<Sample> samples) {
    clock.schedule(Duration.ofMinutes(1), () -> {
      Optional<TemplateStatus> t = pool.snapshot().template(TEMPLATE);
      Optional<SizingStatus> sizing = t.flatMap(TemplateStatus::sizing);
      samples.add(new Sample(clock.now(), t.map(s -> s.total().idle()).orElse(0),
          t.map(s -> s.total().provisioning()).orElse(0), sizing.map(SizingStatus::target).orElse(0),
          sizing.flatMap(SizingStatus::leadTime).map(Duration::toSeconds).orElse(0L)));
      if (clock.now().isBefore(end)) {
        sample(clock, pool, end, samples);
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
    List<String[]> rows = rows(results);
    out.printf(Locale.ROOT, "%-28s %6s %8s %8s %8s %8s %7s %10s %10s%n", (Object[]) rows.get(0));
    for (String[] row : rows.subList(1, rows.size())) {
      out.printf(Locale.ROOT, "%-28s %6s %8s %8s %8s %8s %7s %10s %10s%n", (Object[]) row);
    }
  }

  /** The table's header and rows, as the console and the HTML report show them. */
  static List<String[]> rows(List<Result> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"configuration", "jobs", "p50", "p95", "p99", "max", "failed", "idle w-h", "provisions"});
    for (Result r : results) {
      rows.add(new String[] {r.name(), Integer.toString(r.jobs()), fmt(r.wait(0.5)), fmt(r.wait(0.95)),
          fmt(r.wait(0.99)), fmt(r.maxWait()), Integer.toString(r.failed()),
          String.format(Locale.ROOT, "%.1f", r.idleWorkerHours()), Integer.toString(r.provisions())});
    }
    return rows;
  }

  static String fmt(Duration d) {
    long ms = d.toMillis();
    return ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0)
        : String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
  }
}
