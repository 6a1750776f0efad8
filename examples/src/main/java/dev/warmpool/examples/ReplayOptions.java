package dev.warmpool.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of {@link IncidentReplay}: seed, demand, regions, outage and report path, with the 2023-03-23 defaults.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seed the seed of job arrivals, tenants, hold times and the fake cloud's latencies; both runs use it
 * @param leasesPerMinute the mean rate of job arrivals
 * @param tenants how many tenants send jobs; three in four accept only the EU
 * @param regions the regions in preference order, each with its geography
 * @param outageRegions the regions whose control plane fails
 * @param outageFrom when the outage starts (ARM's first 503)
 * @param outageUntil when the outage ends
 * @param start when the replay starts (the pool warms up before the outage)
 * @param end when the replay ends
 * @param report where the HTML report goes
 * @param scenario the shape of the outage ({@code --scenario}): {@code seed}, {@code partial-slowdown} or
 *     {@code throttle-storm}
 */
public record ReplayOptions(long seed, double leasesPerMinute, int tenants, List<ReplayOptions.Region> regions,
    List<String> outageRegions, Instant outageFrom, Instant outageUntil, Instant start, Instant end, Path report,
    String scenario) {

  /** The day of the incident. */
  public static final String DAY = "2023-03-23";

  /** The help text of {@code --help}. */
  public static final String HELP = """
      IncidentReplay: replays the 2023-03-23 West Europe ARM outage on the fake cloud, a naive warm pool and
      Warmpool side by side, on a virtual clock (the replay takes seconds).

      Options:
        --seed <n>                   seed of arrivals, tenants, hold times and latencies (default 2023)
        --demand <leases/min>        mean job arrival rate, gaps uniform in 0.5-1.5x the mean (default 0.30)
        --tenants <n>                tenants sending jobs; 3 in 4 accept only "eu" (default 32)
        --regions <r:geo,...>        regions in preference order (default westeurope:eu,northeurope:eu,eastus:us);
                                     the naive pool uses the first only
        --outage <r,...>             regions whose control plane fails (default westeurope)
        --outage-window <HH:MM-HH:MM> the outage, UTC on 2023-03-23 (default 02:41-06:51)
        --report <path>              the HTML report (default target/warmpool-incident-report.html)
        --scenario <name>            the shape of the outage in the --outage regions (default seed):
      """ + ReplayScenarios.help() + """
        --help                       this text
      """;

  /**
   * Checks the options.
   *
   * @param seed the seed of job arrivals, tenants, hold times and the fake cloud's latencies
   * @param leasesPerMinute the mean rate of job arrivals
   * @param tenants how many tenants send jobs
   * @param regions the regions in preference order
   * @param outageRegions the regions whose control plane fails
   * @param outageFrom when the outage starts
   * @param outageUntil when the outage ends
   * @param start when the replay starts
   * @param end when the replay ends
   * @param report where the HTML report goes
   * @param scenario the shape of the outage
   * @throws IllegalArgumentException naming the option and its allowed values when one is out of range
   */
  public ReplayOptions {
    ReplayScenarios.named(Objects.requireNonNull(scenario, "scenario cannot be null"));
    regions = List.copyOf(Objects.requireNonNull(regions, "regions cannot be null"));
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("--regions must name at least one region:geography pair");
    }
    outageRegions = List.copyOf(Objects.requireNonNull(outageRegions, "outageRegions cannot be null"));
    Objects.requireNonNull(outageFrom, "outageFrom cannot be null");
    Objects.requireNonNull(outageUntil, "outageUntil cannot be null");
    Objects.requireNonNull(start, "start cannot be null");
    Objects.requireNonNull(end, "end cannot be null");
    Objects.requireNonNull(report, "report cannot be null");
    if (!(leasesPerMinute > 0 && leasesPerMinute <= 60)) {
      throw new IllegalArgumentException("--demand must be between 0 (excluded) and 60 leases per minute, was "
          + leasesPerMinute);
    }
    if (tenants < 1 || tenants > 10_000) {
      throw new IllegalArgumentException("--tenants must be between 1 and 10000, was " + tenants);
    }
    if (!outageUntil.isAfter(outageFrom)) {
      throw new IllegalArgumentException("--outage-window must end after it starts, was " + outageFrom + " to "
          + outageUntil);
    }
  }

  /**
   * The options of the replay of 2023-03-23: seed 2023, 0.30 leases per minute from 32 tenants, westeurope
   * preferred, northeurope and eastus for failover, westeurope failing from 02:41 to 06:51, replayed from 23:00 the
   * day before to 08:30.
   *
   * @return the defaults
   */
  public static ReplayOptions defaults() {
    List<Region> regions = List.of(new Region("westeurope", "eu"), new Region("northeurope", "eu"),
        new Region("eastus", "us"));
    return new ReplayOptions(2023, 0.30, 32, regions, List.of("westeurope"), at("02:41"), at("06:51"),
        Instant.parse("2023-03-22T23:00:00Z"), at("08:30"), Path.of("target", "warmpool-incident-report.html"),
        "seed");
  }

  /**
   * Parses command-line arguments over the defaults.
   *
   * @param args the arguments
   * @return the options ({@code --help} is ignored here: see {@link #wantsHelp(String...)})
   * @throws IllegalArgumentException naming the option when an argument is unknown or its value is bad
   */
  public static ReplayOptions parse(String... args) {
    ReplayOptions o = defaults();
    long seed = o.seed;
    double demand = o.leasesPerMinute;
    int tenants = o.tenants;
    List<Region> regions = o.regions;
    List<String> outage = o.outageRegions;
    Instant from = o.outageFrom;
    Instant until = o.outageUntil;
    Path report = o.report;
    String scenario = o.scenario;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help")) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value; see --help");
      }
      String value = args[++i];
      try {
        switch (name) {
          case "--seed" -> seed = Long.parseLong(value);
          case "--demand" -> demand = Double.parseDouble(value);
          case "--tenants" -> tenants = Integer.parseInt(value);
          case "--regions" -> regions = parseRegions(value);
          case "--outage" -> outage = List.of(value.split(","));
          case "--outage-window" -> {
            String[] parts = value.split("-");
            if (parts.length != 2) {
              throw new IllegalArgumentException("--outage-window must be HH:MM-HH:MM, was \"" + value + "\"");
            }
            from = at(parts[0]);
            until = at(parts[1]);
          }
          case "--report" -> report = Path.of(value);
          case "--scenario" -> scenario = ReplayScenarios.named(value).name();
          default -> throw new IllegalArgumentException("unknown option " + name + "; allowed: --seed, --demand,"
              + " --tenants, --regions, --outage, --outage-window, --report, --scenario, --help");
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new IllegalArgumentException(name + " has a bad value \"" + value + "\"; see --help", e);
      }
    }
    for (String r : outage) {
      if (regions.stream().noneMatch(g -> g.name().equals(r))) {
        throw new IllegalArgumentException("--outage must name regions of --regions "
            + regions.stream().map(Region::name).toList() + ", was \""
            + r + "\"");
      }
    }
    Instant end = until.plus(Duration.ofMinutes(99)).isAfter(o.end) ? until.plus(Duration.ofMinutes(99)) : o.end;
    return new ReplayOptions(seed, demand, tenants, regions, outage, from, until, o.start, end, report, scenario);
  }

  /**
   * True when the arguments ask for help.
   *
   * @param args the arguments
   * @return whether {@code --help} is among them
   */
  public static boolean wantsHelp(String... args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  /**
   * The shape of the outage this replay plays.
   *
   * @return the scenario named by {@link #scenario()}
   */
  ReplayScenario shape() {
    return ReplayScenarios.named(scenario);
  }

  /**
   * The most preferred region: the naive pool's only one.
   *
   * @return its name
   */
  public String homeRegion() {
    return regions.get(0).name();
  }

  /**
   * The geography of a region of this replay.
   *
   * @param region the region
   * @return its geography
   * @throws IllegalArgumentException if the region is not one of {@link #regions()}
   */
  public String geography(String region) {
    return regions.stream().filter(r -> r.name().equals(region)).findFirst().map(Region::geography)
        .orElseThrow(() -> new IllegalArgumentException("region must be one of " + regions + ", was " + region));
  }

  private static List<Region> parseRegions(String value) {
    List<Region> regions = new ArrayList<>();
    for (String part : value.split(",")) {
      String[] rg = part.split(":");
      if (rg.length != 2 || rg[0].isBlank() || rg[1].isBlank()) {
        throw new IllegalArgumentException("--regions must be region:geography pairs separated by commas, was \""
            + value + "\"");
      }
      regions.add(new Region(rg[0].trim(), rg[1].trim()));
    }
    return regions;
  }

  private static Instant at(String hhmm) {
    return LocalTime.parse(hhmm.trim()).atDate(java.time.LocalDate.parse(DAY)).toInstant(ZoneOffset.UTC);
  }

  /**
   * A region of the replay and its geography.
   *
   * @param name the region, e.g. {@code westeurope}
   * @param geography its geography, e.g. {@code eu}
   */
  public record Region(String name, String geography) {
    /**
     * Checks the values.
     *
     * @param name the region
     * @param geography its geography
     * @throws NullPointerException if one is null
     */
    public Region {
      Objects.requireNonNull(name, "name cannot be null");
      Objects.requireNonNull(geography, "geography cannot be null");
    }

    @Override
    public String toString() {
      return name + ":" + geography;
    }
  }
}
