package dev.warmpool.examples;

import static dev.warmpool.examples.ReplayReport.esc;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * The ci-week scenario's HTML report: one self-contained file (inline CSS and SVG, no script, no network) with the
 * table and one chart over the two days: the demand (lease requests per {@link #INTERVAL}) above, and below it the
 * objective mode's computed target and idle stock beside the idle stock of the smallest fixed target that meets the
 * same p99, and the target of the reference that knows the curve.
 *
 * <p>Each line carries its run ({@code data-run}) and the values it draws, one a minute ({@code data-values}), so a
 * reader (or a test) can take the figures from the file. Stateless and thread-safe.
 */
final class CiWeekReport {
  /** The demand's bars: lease requests per this interval. */
  static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final int WIDTH = 1000;
  private static final int LEFT = 50;
  /** The legend lives in this margin, right of the plots, so that it never covers a line. */
  private static final int RIGHT = 230;
  private static final int DEMAND_TOP = 40;
  private static final int DEMAND_HEIGHT = 110;
  private static final int WORKERS_TOP = 200;
  private static final int WORKERS_HEIGHT = 260;
  private static final int HEIGHT = 500;

  /** One line of the workers' panel. */
  private record Line(String cssClass, CiWeek.Result run, ToIntFunction<CiWeek.Sample> value, String colour,
      double width, String dash, String label) {}

  private CiWeekReport() {}

  static String html(CiWeek.Trace trace, List<CiWeek.Result> results) {
    CiWeek.Result objective = results.get(results.size() - 2);
    CiWeek.Result reference = results.get(results.size() - 1);
    CiWeek.Result fixed = CiWeek.smallestFixedMeetingObjective(results).orElse(null);
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<title>Warmpool ci-week: fixed warm targets and a lease-wait objective</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1040px;")
        .append("color:#222}\nh1{font-size:22px}h2{font-size:18px;margin-top:32px}\n")
        .append("table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}\n")
        .append("p{font-size:14px;color:#444;max-width:980px}\nsvg text{font-family:inherit}\n</style>\n</head>\n")
        .append("<body>\n<h1>Warmpool ci-week: fixed warm targets and a lease-wait objective</h1>\n<p>")
        .append(esc(describe(trace))).append("</p>\n");
    List<String[]> rows = CiWeek.rows(results);
    b.append("<table id=\"comparison\">\n<tr>");
    for (String h : rows.get(0)) {
      b.append("<th>").append(esc(h)).append("</th>");
    }
    b.append("</tr>\n");
    for (String[] row : rows.subList(1, rows.size())) {
      b.append("<tr>");
      for (String cell : row) {
        b.append("<td>").append(esc(cell)).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n<h2>Demand, target over time, idle stock</h2>\n");
    List<Line> lines = new ArrayList<>();
    if (fixed != null) {
      lines.add(new Line("target", fixed, CiWeek.Sample::target, "#7f7f7f", 1, "2,3", "target, " + fixed.name()));
      lines.add(new Line("idle", fixed, CiWeek.Sample::idle, "#7f7f7f", 1.5, null, "idle, " + fixed.name()
          + wh(fixed)));
    }
    lines.add(new Line("target", reference, CiWeek.Sample::target, "#2ca02c", 1.2, "6,3", "target, reference"));
    lines.add(new Line("target", objective, CiWeek.Sample::target, "#d62728", 2, null, "target, objective"));
    lines.add(new Line("idle", objective, CiWeek.Sample::idle, "#1f77b4", 1.5, null, "idle, objective"
        + wh(objective)));
    chart(b, trace, lines);
    b.append("<p>Above: lease requests per ").append(INTERVAL.toMinutes()).append(" minutes. Below, sampled every"
        + " minute: the warm target in force (idle plus coming workers) and the idle workers. The objective (p99 wait"
        + " at most 5 s) computes its target from the arrival rate and the provisioning lead time it observes; ");
    if (fixed != null) {
      b.append(esc(fixed.name())).append(" is the smallest fixed target of the grid that meets the same p99 without a"
          + " failed lease, and pays for its stock all night and all Saturday; ");
    }
    b.append("the reference knows the demand curve in advance.</p>\n</body>\n</html>\n");
    return b.toString();
  }

  private static String wh(CiWeek.Result r) {
    return String.format(Locale.ROOT, " (%.0f w-h)", r.idleWorkerHours());
  }

  static String describe(CiWeek.Trace t) {
    return String.format(Locale.ROOT, "A synthetic two-day CI trace from seed %d, replayed on the fake cloud and a"
        + " virtual clock: %s from 00:00 UTC, then Saturday. Poisson arrivals at %.1f a minute at night, ramping from"
        + " 06:00 to %.1f at 09:00 (two thirds over lunch), down from 17:00; bursts of %d jobs at %s; Saturday %.1f a"
        + " minute from 10:00 to 16:00. Every job gets a fresh worker and holds it 4 to 20 minutes. Provisioning"
        + " takes %d to %d minutes, and %.0f%% of the creates take %.1f times as long.", t.seed(),
        DAY.format(t.start()), t.night(), t.weekdayPeak(), t.burstJobs(), t.burstHours().stream()
            .map(h -> String.format(Locale.ROOT, "%02d:00", h)).toList(), t.saturdayPeak(),
        t.latencyMin().toMinutes(), t.latencyMax().toMinutes(), t.tailShare() * 100, t.tailFactor());
  }

  private static void chart(StringBuilder b, CiWeek.Trace trace, List<Line> lines) {
    b.append("<svg id=\"chart-ci-week\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"lease requests, warm targets and idle workers over two days\">\n");
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    int[] demand = demand(trace);
    int maxDemand = ReplayReport.roundUp(Math.max(1, max(demand)));
    int maxWorkers = 1;
    for (Line l : lines) {
      for (CiWeek.Sample s : l.run().samples()) {
        maxWorkers = Math.max(maxWorkers, l.value().applyAsInt(s));
      }
    }
    maxWorkers = ReplayReport.roundUp(maxWorkers);
    axes(b, trace, DEMAND_TOP, DEMAND_HEIGHT, maxDemand, "requests / " + INTERVAL.toMinutes() + " min");
    axes(b, trace, WORKERS_TOP, WORKERS_HEIGHT, maxWorkers, "workers");
    b.append("<g id=\"demand\" data-interval-minutes=\"").append(INTERVAL.toMinutes()).append("\" fill=\"#9ecae1\">\n");
    for (int i = 0; i < demand.length; i++) {
      Instant from = trace.start().plus(INTERVAL.multipliedBy(i));
      double x0 = x(trace, from);
      double x1 = x(trace, from.plus(INTERVAL));
      double y = y(demand[i], maxDemand, DEMAND_TOP, DEMAND_HEIGHT);
      b.append(String.format(Locale.ROOT, "<rect class=\"demand\" data-from=\"%s\" data-requests=\"%d\" x=\"%.1f\" "
          + "y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"><title>%s %s: %d requests</title></rect>%n", from, demand[i], x0,
          y, Math.max(0.5, x1 - x0 - 0.3), DEMAND_TOP + DEMAND_HEIGHT - y, DAY.format(from), HHMM.format(from),
          demand[i]));
    }
    b.append("</g>\n");
    legend(b, DEMAND_TOP + 10, "#9ecae1", null, "lease requests");
    int n = 0;
    for (Line l : lines) {
      StringBuilder points = new StringBuilder();
      StringBuilder values = new StringBuilder();
      for (CiWeek.Sample s : l.run().samples()) {
        int v = l.value().applyAsInt(s);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(trace, s.at()),
            y(v, maxWorkers, WORKERS_TOP, WORKERS_HEIGHT)));
        values.append(v).append(' ');
      }
      b.append("<polyline class=\"").append(l.cssClass()).append("\" data-run=\"").append(esc(l.run().name()))
          .append("\" data-values=\"").append(values.toString().trim()).append("\" fill=\"none\" stroke=\"")
          .append(l.colour()).append("\" stroke-width=\"").append(l.width()).append('"')
          .append(l.dash() == null ? "" : " stroke-dasharray=\"" + l.dash() + "\"").append(" points=\"")
          .append(points.toString().trim()).append("\"/>\n");
      legend(b, WORKERS_TOP + 10 + 18 * n++, l.colour(), l.dash(), l.label());
    }
    b.append("</svg>\n");
  }

  /** Lease requests of the trace per interval, from its start to its end. */
  static int[] demand(CiWeek.Trace trace) {
    int[] counts = new int[(int) (Duration.between(trace.start(), trace.end()).toMinutes() / INTERVAL.toMinutes())];
    for (CiWeek.Job job : trace.jobs()) {
      int i = (int) (Duration.between(trace.start(), job.arrival()).toMillis() / INTERVAL.toMillis());
      counts[Math.min(i, counts.length - 1)]++;
    }
    return counts;
  }

  private static void axes(StringBuilder b, CiWeek.Trace trace, int top, int height, int max, String title) {
    int bottom = top + height;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
        bottom, WIDTH - RIGHT, bottom));
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
        top, LEFT, bottom));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 %d %d)\" "
        + "text-anchor=\"middle\">%s</text>%n", 14, top + height / 2, 14, top + height / 2, esc(title)));
    for (int v = 0; v <= max; v += ReplayReport.step(max)) {
      double yy = y(v, max, top, height);
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>"
          + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT - 4, yy + 4, v, LEFT + 1, yy,
          WIDTH - RIGHT, yy));
    }
    for (Instant t = trace.start(); !t.isAfter(trace.end()); t = t.plus(Duration.ofHours(3))) {
      double xx = x(trace, t);
      boolean midnight = t.getEpochSecond() % 86_400 == 0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>"
          + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n", xx,
          midnight ? top : bottom, xx, bottom + 4, midnight ? "#bbb" : "#333", xx, bottom + 16, HHMM.format(t)));
      if (midnight && t.isBefore(trace.end())) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>%n",
            xx + 4, top + 12, DAY.format(t)));
      }
    }
  }

  private static void legend(StringBuilder b, int y, String colour, String dash, String text) {
    int x = WIDTH - RIGHT + 14;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
        + "stroke-width=\"3\"%s/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", x, y, x + 18, y, colour,
        dash == null ? "" : " stroke-dasharray=\"" + dash + "\"", x + 24, y + 4, esc(text)));
  }

  private static int max(int[] values) {
    int m = 0;
    for (int v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double x(CiWeek.Trace trace, Instant at) {
    double span = Duration.between(trace.start(), trace.end()).toSeconds();
    double offset = Duration.between(trace.start(), at).toSeconds();
    return LEFT + (WIDTH - LEFT - RIGHT) * Math.max(0, Math.min(1, offset / span));
  }

  private static double y(int value, int max, int top, int height) {
    return top + height - height * (double) value / max;
  }
}
