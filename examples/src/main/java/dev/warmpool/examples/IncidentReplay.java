package dev.warmpool.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays the outage that shaped Warmpool, 2023-03-23 in West Europe, on the fake cloud: a naive warm pool (one
 * region, no failover, no degraded mode) and Warmpool (three regions, defaults) face the same jobs on the same seed.
 *
 * <p>ARM answers 503 to every call in westeurope from 02:41 to 06:51; provisioning takes 3 to 20 minutes; 40 workers
 * are kept warm and each job gets a fresh one. The demand (0.30 leases a minute) is calibrated so that the naive pool
 * runs dry about 2h10m after its first failed provision, as the real one did. Each run takes about a second of wall
 * time: everything runs on a {@link dev.warmpool.fake.VirtualClock}.
 *
 * <p>The program prints a timeline of each run and a side-by-side table, and writes an HTML report (inline SVG
 * charts, no network). {@code --help} lists the options. Not thread-safe.
 */
public final class IncidentReplay {
  private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  /** Where a timeline entry's detail starts: two spaces, the time, two spaces, the label padded to 26, a space. */
  private static final int DETAIL_COLUMN = 39;
  /** The detail wraps here, so that a timeline line is at most 120 characters. */
  private static final int DETAIL_WIDTH = 120 - DETAIL_COLUMN;

  /**
   * The result of a replay: both runs, the options and where the report went.
   *
   * @param options the options
   * @param jobs the jobs both runs served
   * @param naive the naive pool's run
   * @param warmpool Warmpool's run
   * @param report the HTML report's path
   */
  public record Result(ReplayOptions options, List<ReplayRun.Job> jobs, ReplayRun naive, ReplayRun warmpool,
      Path report) {}

  private IncidentReplay() {}

  /**
   * Runs the replay with command-line options and prints it to standard output.
   *
   * @param args the options; {@code --help} lists them
   */
  public static void main(String[] args) {
    if (args.length >= 2 && args[0].equals("--scenario") && args[1].equals(CiWeek.SCENARIO)) {
      // not an outage of the seed's day but two days of CI demand: its own run and table
      CiWeek.main(java.util.Arrays.copyOfRange(args, 2, args.length));
      return;
    }
    if (ReplayOptions.wantsHelp(args)) {
      System.out.print(ReplayOptions.HELP + ImageRoll.HELP + ReplaySizing.HELP);
      return;
    }
    ReplayOptions options;
    ImageRoll roll;
    ReplaySizing sizing;
    try {
      List<String> rest = new ArrayList<>();
      List<String> afterRoll = new ArrayList<>();
      roll = ImageRoll.strip(args, afterRoll);
      sizing = ReplaySizing.strip(afterRoll.toArray(String[]::new), rest);
      options = ReplayOptions.parse(rest.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Result result = run(options, System.out, roll);
    if (sizing.objective()) {
      ReplaySizing.print(result, ReplaySizing.runObjective(result, roll), System.out);
    }
  }

  /**
   * Runs both configurations, prints the timelines and the table, and writes the report.
   *
   * @param options the options
   * @param out where to print
   * @return both runs
   * @throws UncheckedIOException if the report cannot be written
   */
  public static Result run(ReplayOptions options, PrintStream out) {
    return run(options, out, ImageRoll.NONE);
  }

  /**
   * Runs both configurations, rolling both to a new image at run time if asked, prints and writes the report.
   *
   * @param options the options
   * @param out where to print
   * @param roll when to roll to a new image, if at all
   * @return both runs
   * @throws UncheckedIOException if the report cannot be written
   */
  public static Result run(ReplayOptions options, PrintStream out, ImageRoll roll) {
    List<ReplayRun.Job> jobs = ReplayRun.jobs(options);
    ReplayRun naive = ReplayRun.run("naive pool", true, options, jobs, roll);
    ReplayRun warmpool = ReplayRun.run("Warmpool", false, options, jobs, roll);
    Result result = new Result(options, jobs, naive, warmpool, options.report().toAbsolutePath().normalize());
    print(result, out);
    try {
      Path parent = result.report().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(result.report(), ReplayReport.html(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + result.report(), e);
    }
    out.println();
    out.println("HTML report (idle workers per region and waiting requests, both runs): " + result.report());
    return result;
  }

  static String describeScenario(Result r) {
    ReplayOptions o = r.options();
    long euOnly = r.jobs().stream().map(ReplayRun.Job::tenant).distinct().count();
    return "2023-03-23, " + o.shape().headline(o) + " from "
        + HHMM.format(o.outageFrom()) + " to " + HHMM.format(o.outageUntil()) + " UTC; replayed "
        + HHMM.format(o.start()) + " to " + HHMM.format(o.end()) + " on a virtual clock, seed " + o.seed() + ".\n"
        + r.jobs().size() + " jobs from " + euOnly + " tenants (three in four EU-only), "
        + String.format(java.util.Locale.ROOT, "%.2f", o.leasesPerMinute())
        + " leases/min; warm target " + ReplayRun.WARM_TARGET
        + ", a fresh worker per job, provisioning 3-20 min, max wait " + ReplayRun.minutes(ReplayRun.MAX_WAIT) + ".\n"
        + "naive pool: " + o.homeRegion() + " only, failover(false), degradedMode(false).  Warmpool: "
        + o.regions() + " in that order, defaults.";
  }

  private static void print(Result r, PrintStream out) {
    out.println("Warmpool incident replay");
    for (String line : describeScenario(r).split("\n")) {
      out.println(wrap(line, 120, "  "));
    }
    for (ReplayRun run : List.of(r.naive(), r.warmpool())) {
      out.println();
      out.println("Timeline: " + run.name() + " (UTC)");
      out.println(String.format("  %s  %-26s %s", HHMMSS.format(r.options().outageFrom()), "outage starts",
          r.options().shape().during(r.options())));
      boolean endPrinted = false;
      for (ReplayRun.Marker m : run.markers()) {
        if (!endPrinted && !m.at().isBefore(r.options().outageUntil())) {
          out.println(String.format("  %s  %-26s %s", HHMMSS.format(r.options().outageUntil()), "outage ends",
              "ARM answers again"));
          endPrinted = true;
        }
        out.println(String.format("  %s  %-26s %s", HHMMSS.format(m.at()), m.label(),
            wrap(m.detail(), DETAIL_WIDTH, " ".repeat(DETAIL_COLUMN))));
      }
      if (!endPrinted) {
        out.println(String.format("  %s  %-26s %s", HHMMSS.format(r.options().outageUntil()), "outage ends",
            "ARM answers again"));
      }
    }
    out.println();
    List<String[]> rows = table(r);
    int w0 = rows.stream().mapToInt(x -> x[0].length()).max().orElse(0);
    int w1 = rows.stream().mapToInt(x -> x[1].length()).max().orElse(0);
    for (String[] row : rows) {
      out.println(String.format("  %-" + w0 + "s   %-" + w1 + "s   %s", row[0], row[1], row[2]).stripTrailing());
    }
  }

  /**
   * The side-by-side table: a header row, then one row per measure (label, naive pool, Warmpool).
   *
   * @param r the result
   * @return the rows
   */
  static List<String[]> table(Result r) {
    ReplayRun n = r.naive();
    ReplayRun w = r.warmpool();
    int tenants = (int) r.jobs().stream().map(ReplayRun.Job::tenant).distinct().count();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", n.name(), w.name()});
    rows.add(row("jobs", n, w, x -> String.valueOf(x.jobs())));
    rows.add(row("failed or timed-out leases", n, w, x -> String.valueOf(x.failed())));
    rows.add(row("tenants affected", n, w, x -> x.tenantsAffected().size() + " of " + tenants));
    rows.add(row("minutes of impact", n, w, x -> x.impactWindow().map(window -> x.impactMinutes() + " ("
        + HHMMSS.format(window[0]) + " to " + HHMMSS.format(window[1]) + ")").orElse("0")));
    rows.add(row("first failed delete (costs no lease)", n, w,
        x -> x.firstFailedDelete().map(HHMMSS::format).orElse("never")));
    rows.add(row("first failed provision", n, w, x -> x.firstFailedProvision().map(HHMMSS::format).orElse("never")));
    rows.add(row("  to the first provisioning alert", n, w, x -> since(x, x.firstAlert())));
    rows.add(row("  to failover", n, w, x -> since(x, x.firstFailover())));
    rows.add(row("  to pool empty", n, w, x -> since(x, x.poolEmpty())));
    rows.add(row("longest wait of a granted lease", n, w, x -> ReplayRun.minutes(x.longestWait())));
    for (ReplayOptions.Region region : r.options().regions()) {
      rows.add(row("workers provisioned in " + region.name(), n, w,
          x -> String.valueOf(x.provisionedByRegion().getOrDefault(region.name(), 0))));
    }
    rows.add(row("EU-only leases served outside the EU", n, w, x -> String.valueOf(x.euOnlyOutsideEu())));
    rows.add(row("resources left in the cloud after close", n, w, x -> String.valueOf(x.leftInCloud())));
    return rows;
  }

  private static String[] row(String label, ReplayRun n, ReplayRun w, Function<ReplayRun, String> value) {
    return new String[] {label, value.apply(n), value.apply(w)};
  }

  private static String since(ReplayRun run, Optional<Instant> at) {
    if (at.isEmpty() || run.firstFailedProvision().isEmpty()) {
      return "never";
    }
    Duration d = Duration.between(run.firstFailedProvision().get(), at.get());
    // a failed attempt can raise the alert (or open the placement) before the provision's retries give up
    return ReplayRun.minutes(d.abs()) + (d.isNegative() ? " before" : "") + " (" + HHMMSS.format(at.get()) + ")";
  }

  /**
   * Wraps a sentence at spaces into lines of at most {@code width} characters (a longer word keeps its own line),
   * continuation lines starting with {@code indent}: a message is never cut.
   */
  static String wrap(String text, int width, String indent) {
    StringBuilder out = new StringBuilder();
    int lineLength = 0;
    for (String word : text.split(" ")) {
      if (lineLength > 0 && lineLength + 1 + word.length() > width) {
        out.append(System.lineSeparator()).append(indent);
        lineLength = 0;
      } else if (lineLength > 0) {
        out.append(' ');
        lineLength++;
      }
      out.append(word);
      lineLength += word.length();
    }
    return out.toString();
  }

  static String time(Instant at) {
    return HHMMSS.format(at);
  }
}
