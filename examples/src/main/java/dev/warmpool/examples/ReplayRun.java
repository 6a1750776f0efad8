package dev.warmpool.examples;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One run of the incident replay: a pool on its own fake cloud and virtual clock, the same jobs as every other run,
 * and what happened, collected from the pool's events and a snapshot every minute of virtual time.
 *
 * <p>Not thread-safe: everything, the pool's events included, runs on the thread that moves the clock.
 */
public final class ReplayRun {
  /** The template every job asks for. */
  public static final String TEMPLATE = "linux";
  /** The warm target of the template. */
  public static final int WARM_TARGET = 40;
  /** How long a job waits for a lease before it fails. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(5);

  /**
   * A job of the replay: when it asks for a lease, for which tenant, and how long it holds it.
   *
   * @param arrival when it asks
   * @param tenant the tenant
   * @param euOnly whether the tenant accepts only the EU (data residency)
   * @param hold how long it holds its lease
   */
  public record Job(Instant arrival, String tenant, boolean euOnly, Duration hold) {}

  /**
   * A point on the timeline.
   *
   * @param at when
   * @param label a short label, e.g. "failover"
   * @param detail a sentence
   */
  public record Marker(Instant at, String label, String detail) {}

  /**
   * The pool's state at one minute of virtual time.
   *
   * @param at when
   * @param idleByRegion idle workers per region
   * @param waiting requests waiting for a worker
   */
  public record Sample(Instant at, Map<String, Integer> idleByRegion, int waiting) {}

  private final String name;
  private final boolean naive;
  private final ReplayOptions options;
  private final VirtualClock clock;
  private final FakeCloud cloud;
  private final WorkerPool pool;
  private final List<Marker> markers = new ArrayList<>();
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, Integer> provisionedByRegion = new LinkedHashMap<>();
  private final Set<String> tenantsAffected = new TreeSet<>();
  private final List<Instant[]> failedWaits = new ArrayList<>();
  private final Set<String> alertKeys = new LinkedHashSet<>();
  private final Set<String> openRegions = new LinkedHashSet<>();
  private final List<Marker> forecasts = new ArrayList<>();
  private int jobs;
  private int granted;
  private int failed;
  private int euOnlyOutsideEu;
  private Duration longestWait = Duration.ZERO;
  private Instant firstFailedProvision;
  private Instant firstFailedDelete;
  private Instant firstAlert;
  private Instant firstFailover;
  private Instant firstDegraded;
  private Instant poolEmpty;
  private Instant firstFailedLease;
  private Instant lastFailedLease;
  private Instant recovered;
  private Instant failback;

  private ReplayRun(String name, boolean naive, ReplayOptions options, SizingPolicy sizing) {
    this.name = name;
    this.naive = naive;
    this.options = options;
    this.clock = new VirtualClock(options.start());
    FakeCloud.Builder cloudBuilder = FakeCloud.builder().seed(options.seed()).clock(clock);
    for (ReplayOptions.Region r : options.regions()) {
      cloudBuilder.region(r.name(), r.geography(), Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)));
    }
    options.shape().faults(options).forEach(cloudBuilder::fault);
    this.cloud = cloudBuilder.build();
    WorkerPools.Builder builder = WorkerPools.builder()
        .poolId(naive ? "naive" : "warmpool")
        .clock(clock)
        .seed(options.seed())
        .template(sized(WorkerTemplate.builder(TEMPLATE)
            .providerProperty("image", "ghcr.io/acme/deploy-worker:2023.03")
            .maxTotal(120)
            .maxUses(1)                                  // a fresh worker for every job, as the real pool did
            .reuseWhenDegraded(true), sizing)            // only with degradedMode: a tenant may reuse its own worker
            .build())
        .provider("fake", cloud.provider())
        .listener(this::onEvent);
    List<Placement> placements = cloud.placements();
    for (int i = 0; i < placements.size(); i++) {
      if (!naive || i == 0) {
        builder.placement(placements.get(i).withPreference(i));
      }
    }
    if (naive) {
      builder.failover(false).degradedMode(false);
    }
    this.pool = builder.build();
  }

  private static WorkerTemplate.Builder sized(WorkerTemplate.Builder template, SizingPolicy sizing) {
    return sizing == null ? template.warmTarget(WARM_TARGET) : template.warmTarget(0).sizing(sizing);
  }

  /**
   * Draws the jobs of a replay from its seed: arrivals at the mean rate, each gap uniform between half and one and a
   * half times the mean gap (a Poisson process would let the seed decide when the naive pool runs dry: over two
   * hours its count varies by a sixth either way), tenants uniformly (three in four accept only the EU), hold times
   * uniform between 2 and 8 minutes.
   *
   * @param options the options
   * @return the jobs, in arrival order
   */
  public static List<Job> jobs(ReplayOptions options) {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Job> jobs = new ArrayList<>();
    Instant t = options.start();
    double meanGapSeconds = 60.0 / options.leasesPerMinute();
    while (true) {
      t = t.plusMillis(Math.round((0.5 + random.nextDouble()) * meanGapSeconds * 1000));
      if (!t.isBefore(options.end())) {
        return jobs;
      }
      int tenant = random.nextInt(options.tenants());
      jobs.add(new Job(t, String.format("tenant-%02d", tenant), tenant % 4 != 3,
          Duration.ofSeconds(120 + random.nextInt(6 * 60))));
    }
  }

  /**
   * Runs one configuration on its own fake cloud and clock.
   *
   * @param name the run's name in the report
   * @param naive true for the naive pool (one region, no failover, no degraded mode), false for Warmpool's defaults
   * @param options the options
   * @param jobs the jobs, the same for every run
   * @return the finished run
   * @throws IllegalStateException if the pool does not close within an hour of virtual time
   */
  public static ReplayRun run(String name, boolean naive, ReplayOptions options, List<Job> jobs) {
    return run(name, naive, options, jobs, ImageRoll.NONE);
  }

  /**
   * Runs one configuration, rolling its workers to a new image at run time if asked.
   *
   * @param name the run's name in the report
   * @param naive true for the naive pool, false for Warmpool's defaults
   * @param options the options
   * @param jobs the jobs, the same for every run
   * @param roll when to roll to a new image, if at all
   * @return the finished run
   * @throws IllegalStateException if the pool does not close within an hour of virtual time
   */
  public static ReplayRun run(String name, boolean naive, ReplayOptions options, List<Job> jobs, ImageRoll roll) {
    return run(name, naive, options, jobs, roll, null);
  }

  /**
   * Runs one configuration whose warm target a sizing policy computes instead of the fixed {@link #WARM_TARGET}.
   *
   * @param name the run's name in the report
   * @param naive true for the naive pool, false for Warmpool's defaults
   * @param options the options
   * @param jobs the jobs, the same for every run
   * @param roll when to roll to a new image, if at all
   * @param sizing the template's sizing policy, or null for the fixed warm target
   * @return the finished run
   * @throws IllegalStateException if the pool does not close within an hour of virtual time
   */
  public static ReplayRun run(String name, boolean naive, ReplayOptions options, List<Job> jobs, ImageRoll roll,
      SizingPolicy sizing) {
    ReplayRun run = new ReplayRun(name, naive, options, sizing);
    roll.at().ifPresent(at -> run.clock.schedule(java.time.Duration.between(run.clock.now(), at),
        () -> ImageRoll.rollNewImage(run.pool)));
    run.play(jobs);
    return run;
  }

  private void play(List<Job> all) {
    for (Job job : all) {
      clock.schedule(Duration.between(clock.now(), job.arrival()), () -> start(job));
    }
    sample();
    clock.runUntil(options.end());
    try {
      clock.await(pool.closeAsync(), Duration.ofHours(1));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(name + ": the pool did not close: " + pool.snapshot(), e);
    }
  }

  private void start(Job job) {
    jobs++;
    LeaseRequest.Builder request = LeaseRequest.forTemplate(TEMPLATE).tenant(job.tenant()).maxWait(MAX_WAIT)
        .leaseDuration(Duration.ofHours(1));
    if (job.euOnly()) {
      request.geographies(Set.of("eu"));
    }
    try {
      pool.lease(request.build()).whenComplete((lease, failure) -> {
        if (failure != null) {
          failed(job);
        } else {
          granted(job, lease);
        }
      });
    } catch (RuntimeException e) {
      failed(job);
    }
  }

  private void granted(Job job, Lease lease) {
    granted++;
    String region = lease.worker().placement().region();
    if (job.euOnly() && !"eu".equals(options.geography(region))) {
      euOnlyOutsideEu++;
    }
    Duration waited = Duration.between(job.arrival(), clock.now());
    if (waited.compareTo(longestWait) > 0) {
      longestWait = waited;
    }
    clock.schedule(job.hold(), lease::close);
  }

  private void failed(Job job) {
    failed++;
    Instant now = clock.now();
    tenantsAffected.add(job.tenant());
    failedWaits.add(new Instant[] {job.arrival(), now});
    if (firstFailedLease == null) {
      firstFailedLease = now;
      mark(now, "first failed lease", job.tenant() + " waited " + minutes(Duration.between(job.arrival(), now))
          + " and got no worker");
    }
    lastFailedLease = now;
  }

  private void sample() {
    PoolSnapshot snapshot = pool.snapshot();
    Map<String, Integer> idle = new LinkedHashMap<>();
    for (ReplayOptions.Region r : options.regions()) {
      idle.put(r.name(), 0);
    }
    Optional<TemplateStatus> status = snapshot.template(TEMPLATE);
    int homeGeographyIdle = 0;
    String home = options.geography(options.homeRegion());
    if (status.isPresent()) {
      for (Map.Entry<String, WorkerCounts> e : status.get().byPlacement().entrySet()) {
        String region = regionOf(e.getKey());
        idle.put(region, e.getValue().idle());
        if (home.equals(options.geography(region))) {
          homeGeographyIdle += e.getValue().idle();
        }
      }
    }
    Instant now = clock.now();
    samples.add(new Sample(now, idle, snapshot.waiting()));
    if (poolEmpty == null && !now.isBefore(options.outageFrom()) && homeGeographyIdle == 0) {
      poolEmpty = now;
      mark(now, "pool empty", "no idle worker left in " + home + "; " + snapshot.waiting() + " requests waiting");
    }
    if (now.isBefore(options.end())) {
      clock.schedule(Duration.ofMinutes(1), this::sample);
    }
  }

  private String regionOf(String placementKey) {
    for (ReplayOptions.Region r : options.regions()) {
      if (placementKey.endsWith("/" + r.name()) || placementKey.contains("/" + r.name() + " ")
          || placementKey.equals(r.name())) {
        return r.name();
      }
    }
    return placementKey;
  }

  private void onEvent(PoolEvent event) {
    Instant at = event.at();
    String[] roll = ImageRoll.marker(event);
    if (roll != null) {
      mark(at, roll[0], roll[1]);
    }
    if (event instanceof PoolEvent.WorkerProvisioned p) {
      provisionedByRegion.merge(p.placement().region(), 1, Integer::sum);
    } else if (event instanceof PoolEvent.ProvisioningFailed f) {
      if (firstFailedProvision == null) {
        firstFailedProvision = at;
        mark(at, "first failed provision", "a provision in " + f.placement().region() + " failed: " + f.kind()
            + " " + f.code());
      }
    } else if (event instanceof PoolEvent.DeprovisioningFailed f) {
      // with a fresh worker per job, a delete often meets the outage before a provision does: it is not the story
      // (a failed delete costs no lease), so it is named apart
      if (firstFailedDelete == null) {
        firstFailedDelete = at;
        mark(at, "first failed delete", "a delete in " + f.placement().region() + " failed: " + f.kind() + " "
            + f.message());
      }
    } else if (event instanceof PoolEvent.AlertRaised a) {
      if (!at.isBefore(options.outageFrom()) && alertKeys.add(a.alert().key())) {
        if (firstAlert == null && isAboutProvisioning(a.alert().key())) {
          firstAlert = at;
        }
        // a forecast alert repeats the forecast's sentence: say it once
        boolean repeatsForecast = markers.stream().anyMatch(m -> m.detail().equals(a.alert().message()));
        mark(at, "alert " + a.alert().severity().name().toLowerCase(java.util.Locale.ROOT),
            repeatsForecast ? "(the forecast above)" : a.alert().message());
      }
    } else if (event instanceof PoolEvent.PlacementOpened o) {
      if (openRegions.add(o.placement().region())) {      // a failed probe opens it again: mark the first only
        mark(at, "placement opened", o.placement().region() + ": " + o.reason());
      }
    } else if (event instanceof PoolEvent.PlacementClosed c) {
      openRegions.remove(c.placement().region());
      if (recovered == null && c.placement().region().equals(options.homeRegion())
          && !at.isBefore(options.outageFrom())) {
        recovered = at;
      }
      mark(at, "placement healthy", c.placement().region() + " closed again");
    } else if (event instanceof PoolEvent.FailoverStarted f) {
      if (firstFailover == null) {
        firstFailover = at;
      }
      mark(at, "failover", "from " + f.from().region() + " to "
          + f.to().stream().map(Placement::region).toList());
    } else if (event instanceof PoolEvent.FailoverEnded f) {
      if (failback == null) {
        failback = at;
      }
      mark(at, "failback", "new workers go to " + f.to().region() + " again");
    } else if (event instanceof PoolEvent.PoolDegraded d) {
      if (firstDegraded == null) {
        firstDegraded = at;
      }
      mark(at, "degraded", d.reason());
    } else if (event instanceof PoolEvent.PoolRecovered) {
      mark(at, "recovered", "no longer degraded");
    } else if (event instanceof PoolEvent.DepletionForecast d && !at.isBefore(options.outageFrom())
        && d.forecast().timeToEmpty().isPresent()) {
      forecasts.add(new Marker(at, "forecast", d.forecast().message()));
      mark(at, "forecast", d.forecast().message());
    }
  }

  /** Alerts that warn of the provisioning outage (not of failing deletes or removed orphans). */
  private static boolean isAboutProvisioning(String alertKey) {
    return !alertKey.startsWith("deletes-failing") && !alertKey.startsWith("orphans");
  }

  private void mark(Instant at, String label, String detail) {
    markers.add(new Marker(at, label, detail));
  }

  static String minutes(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    return m >= 60 ? String.format("%dh%02dm", m / 60, m % 60) : m + "m" + (s % 60 == 0 ? "" : String.format("%02ds",
        s % 60));
  }

  /**
   * The run's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Whether this is the naive configuration.
   *
   * @return true for the naive pool
   */
  public boolean naive() {
    return naive;
  }

  /**
   * The timeline, in time order.
   *
   * @return the markers
   */
  public List<Marker> markers() {
    List<Marker> sorted = new ArrayList<>(markers);
    sorted.sort((a, b) -> a.at().compareTo(b.at()));
    return sorted;
  }

  /**
   * Every depletion forecast with a time to empty published after the outage started.
   *
   * @return the forecasts, as markers
   */
  public List<Marker> forecasts() {
    return List.copyOf(forecasts);
  }

  /**
   * The pool's state, one sample a minute.
   *
   * @return the samples
   */
  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  /**
   * Jobs that asked for a lease.
   *
   * @return the count
   */
  public int jobs() {
    return jobs;
  }

  /**
   * Jobs that got a lease.
   *
   * @return the count
   */
  public int granted() {
    return granted;
  }

  /**
   * Jobs whose lease request failed or timed out.
   *
   * @return the count
   */
  public int failed() {
    return failed;
  }

  /**
   * Tenants with at least one failed job.
   *
   * @return their names
   */
  public Set<String> tenantsAffected() {
    return Set.copyOf(tenantsAffected);
  }

  /**
   * Minutes of virtual time in which at least one job was waiting for a lease it did not get: the length of the
   * union of the failed jobs' waits (from arrival to failure), rounded to the minute.
   *
   * @return the minutes, at most the length of {@link #impactWindow()}
   */
  public int impactMinutes() {
    List<Instant[]> waits = new ArrayList<>(failedWaits);
    waits.sort((a, b) -> a[0].compareTo(b[0]));
    long seconds = 0;
    Instant from = null;
    Instant until = null;
    for (Instant[] w : waits) {
      if (until == null || w[0].isAfter(until)) {
        if (until != null) {
          seconds += Duration.between(from, until).toSeconds();
        }
        from = w[0];
        until = w[1];
      } else if (w[1].isAfter(until)) {
        until = w[1];
      }
    }
    if (until != null) {
      seconds += Duration.between(from, until).toSeconds();
    }
    return (int) Math.round(seconds / 60.0);
  }

  /**
   * From the arrival of the first job that got no lease to the failure of the last one.
   *
   * @return the window, if any job failed
   */
  public Optional<Instant[]> impactWindow() {
    return failedWaits.stream().map(w -> w[0]).min(Instant::compareTo).map(from -> new Instant[] {from,
        failedWaits.stream().map(w -> w[1]).max(Instant::compareTo).orElseThrow()});
  }

  /**
   * Leases granted to EU-only tenants outside the EU (must be 0).
   *
   * @return the count
   */
  public int euOnlyOutsideEu() {
    return euOnlyOutsideEu;
  }

  /**
   * The longest wait of a granted lease.
   *
   * @return the wait
   */
  public Duration longestWait() {
    return longestWait;
  }

  /**
   * Workers provisioned per region over the whole run.
   *
   * @return region to count
   */
  public Map<String, Integer> provisionedByRegion() {
    return Map.copyOf(provisionedByRegion);
  }

  /**
   * The first failed provision: the first {@code ProvisioningFailed}.
   *
   * @return when, if any
   */
  public Optional<Instant> firstFailedProvision() {
    return Optional.ofNullable(firstFailedProvision);
  }

  /**
   * The first failed delete: the first {@code DeprovisioningFailed}. It costs no lease, so the table does not count
   * from it.
   *
   * @return when, if any
   */
  public Optional<Instant> firstFailedDelete() {
    return Optional.ofNullable(firstFailedDelete);
  }

  /**
   * The first alert about provisioning (any alert but {@code deletes-failing} and {@code orphans}) raised after the
   * outage started.
   *
   * @return when, if any
   */
  public Optional<Instant> firstAlert() {
    return Optional.ofNullable(firstAlert);
  }

  /**
   * The first {@code FailoverStarted}.
   *
   * @return when, if any
   */
  public Optional<Instant> firstFailover() {
    return Optional.ofNullable(firstFailover);
  }

  /**
   * The first {@code PoolDegraded}.
   *
   * @return when, if any
   */
  public Optional<Instant> firstDegraded() {
    return Optional.ofNullable(firstDegraded);
  }

  /**
   * The first minute after the outage started with no idle worker in the home geography.
   *
   * @return when, if ever
   */
  public Optional<Instant> poolEmpty() {
    return Optional.ofNullable(poolEmpty);
  }

  /**
   * The first failed lease.
   *
   * @return when, if any
   */
  public Optional<Instant> firstFailedLease() {
    return Optional.ofNullable(firstFailedLease);
  }

  /**
   * The last failed lease.
   *
   * @return when, if any
   */
  public Optional<Instant> lastFailedLease() {
    return Optional.ofNullable(lastFailedLease);
  }

  /**
   * When the home region's placement was healthy again after the outage started.
   *
   * @return when, if it was
   */
  public Optional<Instant> recovered() {
    return Optional.ofNullable(recovered);
  }

  /**
   * The first {@code FailoverEnded}.
   *
   * @return when, if any
   */
  public Optional<Instant> failback() {
    return Optional.ofNullable(failback);
  }

  /**
   * Resources of this run's pool left in its cloud after close (must be 0).
   *
   * @return the count
   */
  public int leftInCloud() {
    return cloud.inventorySize();
  }
}
