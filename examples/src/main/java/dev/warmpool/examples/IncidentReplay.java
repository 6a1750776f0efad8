package dev.warmpool.examples;

import java.util.List;

/** Temporary. */
public final class IncidentReplay {
  private IncidentReplay() {}

  /**
   * Temporary.
   *
   * @param args args
   */
  public static void main(String[] args) {
    ReplayOptions o = ReplayOptions.parse(args);
    List<ReplayRun.Job> jobs = ReplayRun.jobs(o);
    for (boolean naive : new boolean[] {true, false}) {
      long t0 = System.nanoTime();
      ReplayRun r = ReplayRun.run(naive ? "naive" : "warmpool", naive, o, jobs);
      System.out.println("== " + r.name() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms; jobs=" + r.jobs()
          + " granted=" + r.granted() + " failed=" + r.failed() + " tenants=" + r.tenantsAffected().size()
          + " impact=" + r.impactMinutes() + " longest=" + r.longestWait() + " prov=" + r.provisionedByRegion()
          + " euOut=" + r.euOnlyOutsideEu() + " left=" + r.leftInCloud());
      r.markers().forEach(m -> System.out.println("  " + m.at() + " " + m.label() + ": " + m.detail()));
    }
  }
}
