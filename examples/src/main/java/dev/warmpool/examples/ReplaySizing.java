package dev.warmpool.examples;

import dev.warmpool.api.SizingPolicy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The replay's {@code --sizing objective} option: after the usual replay, Warmpool runs the same jobs and the same
 * outage once more with its warm target computed from a lease-wait objective ({@link #OBJECTIVE}) instead of the fixed
 * {@link ReplayRun#WARM_TARGET}, and one table compares what each run cost in idle worker-hours and what its jobs got.
 *
 * <p>Kept apart from {@link ReplayOptions}: {@link #strip} takes the option out of the arguments before they are
 * parsed. Immutable and thread-safe.
 *
 * @param objective whether the objective run and the comparison are asked for
 */
public record ReplaySizing(boolean objective) {
  /** The objective of the objective run: p99 wait at most 5 s, never fewer than 2 idle workers, never more than 80. */
  public static final SizingPolicy OBJECTIVE = SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(2)
      .ceiling(80).build();

  /** The help text of the option. */
  public static final String HELP = """
        --sizing <fixed|objective>   objective: run Warmpool once more with its target computed from p99 wait <= 5 s
                                     (floor 2, ceiling 80) and compare idle worker-hours (default fixed)
      """;

  /** The fixed warm target only, as without the option. */
  public static final ReplaySizing FIXED = new ReplaySizing(false);

  /**
   * Takes {@code --sizing <fixed|objective>} out of the arguments.
   *
   * @param args the command line
   * @param rest receives the other arguments, in order
   * @return what was asked for, {@link #FIXED} without the option
   * @throws IllegalArgumentException if the value is missing or neither {@code fixed} nor {@code objective}
   */
  public static ReplaySizing strip(String[] args, List<String> rest) {
    ReplaySizing sizing = FIXED;
    for (int i = 0; i < args.length; i++) {
      if (!args[i].equals("--sizing")) {
        rest.add(args[i]);
        continue;
      }
      String value = i + 1 < args.length ? args[++i] : "";
      sizing = switch (value) {
        case "fixed" -> FIXED;
        case "objective" -> new ReplaySizing(true);
        default -> throw new IllegalArgumentException("--sizing must be fixed or objective, was \"" + value + "\"");
      };
    }
    return sizing;
  }

  /**
   * Runs Warmpool with {@link #OBJECTIVE} on the replay's jobs and outage.
   *
   * @param r the usual replay, whose Warmpool run kept the fixed target
   * @param roll the replay's image roll, if any
   * @return the objective run
   */
  static ReplayRun runObjective(IncidentReplay.Result r, ImageRoll roll) {
    return ReplayRun.run("Warmpool, objective", false, r.options(), r.jobs(), roll, OBJECTIVE);
  }

  /**
   * The comparison table: a header row, then one row per run (naive pool, Warmpool with the fixed target, Warmpool
   * with the objective).
   *
   * @param r the usual replay
   * @param objective Warmpool's objective run
   * @return the rows
   */
  static List<String[]> table(IncidentReplay.Result r, ReplayRun objective) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", "failed leases", "longest wait", "idle worker-hours", "provisions"});
    rows.add(row("naive pool, warm target " + ReplayRun.WARM_TARGET, r.naive()));
    rows.add(row("Warmpool, warm target " + ReplayRun.WARM_TARGET, r.warmpool()));
    rows.add(row("Warmpool, objective p99 <= 5s", objective));
    return rows;
  }

  /**
   * Prints the comparison.
   *
   * @param r the usual replay
   * @param objective Warmpool's objective run
   * @param out where to print
   */
  static void print(IncidentReplay.Result r, ReplayRun objective, PrintStream out) {
    out.println();
    out.println("Sizing: the same jobs and outage; Warmpool's warm target fixed, or computed from p99 wait <= 5s"
        + " (floor 2, ceiling 80)");
    List<String[]> rows = table(r, objective);
    int w0 = rows.stream().mapToInt(x -> x[0].length()).max().orElse(0);
    for (String[] row : rows) {
      out.println(String.format(Locale.ROOT, "  %-" + w0 + "s  %13s  %12s  %17s  %10s", (Object[]) row)
          .stripTrailing());
    }
  }

  /**
   * The idle worker-hours of a run: its idle workers, sampled every minute of virtual time, summed over the run.
   *
   * @param run the run
   * @return the worker-hours
   */
  public static double idleWorkerHours(ReplayRun run) {
    long workerMinutes = 0;
    for (ReplayRun.Sample s : run.samples()) {
      for (int idle : s.idleByRegion().values()) {
        workerMinutes += idle;
      }
    }
    return workerMinutes / 60.0;
  }

  /**
   * The workers a run provisioned, in every region.
   *
   * @param run the run
   * @return the count
   */
  public static int provisions(ReplayRun run) {
    return run.provisionedByRegion().values().stream().mapToInt(Integer::intValue).sum();
  }

  private static String[] row(String label, ReplayRun run) {
    return new String[] {label, String.valueOf(run.failed()), ReplayRun.minutes(run.longestWait()),
        String.format(Locale.ROOT, "%.1f", idleWorkerHours(run)), String.valueOf(provisions(run))};
  }
}
