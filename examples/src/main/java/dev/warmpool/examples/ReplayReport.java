package dev.warmpool.examples;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The incident replay's HTML report: one self-contained file (inline CSS and SVG, no script, no network) with, for
 * each run, a chart of idle workers per region and one of waiting requests over time, the outage shaded, the
 * timeline's events marked and numbered, and the side-by-side table.
 *
 * <p>Stateless and thread-safe.
 */
final class ReplayReport {
  private static final String[] COLOURS = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"};
  private static final int WIDTH = 1000;
  private static final int LEFT = 50;
  /** The legend lives in this margin, right of the plots, so that it never covers a line. */
  private static final int RIGHT = 170;
  /** Events closer than this many pixels share one marker, labelled with the range of their numbers. */
  static final double CLUSTER_PIXELS = 14;
  private static final int IDLE_TOP = 40;
  private static final int IDLE_HEIGHT = 200;
  private static final int WAIT_TOP = 280;
  private static final int WAIT_HEIGHT = 80;
  private static final int HEIGHT = 400;

  private ReplayReport() {}

  static String html(IncidentReplay.Result r) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<title>Warmpool incident replay: 2023-03-23, West Europe</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1040px;")
        .append("color:#222}\nh1{font-size:22px}h2{font-size:18px;margin-top:32px}\n")
        .append("table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:left}th{background:#f3f3f3}td.sub{padding-left:28px}\n")
        .append(".scenario{white-space:pre-wrap;font-size:14px;color:#444}\n")
        .append("ol.events{font-size:13px;columns:2;column-gap:32px}ol.events li{margin-bottom:2px}\n")
        .append("svg text{font-family:inherit}\n</style>\n</head>\n<body>\n")
        .append("<h1>Warmpool incident replay: 2023-03-23, West Europe</h1>\n<p class=\"scenario\">")
        .append(esc(IncidentReplay.describeScenario(r))).append("</p>\n");
    List<String[]> rows = IncidentReplay.table(r);
    b.append("<table id=\"comparison\">\n<tr>");
    for (String h : rows.get(0)) {
      b.append("<th>").append(esc(h)).append("</th>");
    }
    b.append("</tr>\n");
    for (String[] row : rows.subList(1, rows.size())) {
      boolean indented = row[0].startsWith(" ");            // "  to failover": counts from the row above
      b.append(indented ? "<tr><td class=\"sub\">" : "<tr><td>").append(esc(row[0].strip())).append("</td><td>")
          .append(esc(row[1])).append("</td><td>").append(esc(row[2])).append("</td></tr>\n");
    }
    b.append("</table>\n");
    int maxIdle = roundUp(Math.max(ReplayRun.WARM_TARGET, Math.max(maxIdle(r.naive()), maxIdle(r.warmpool()))));
    int maxWaiting = roundUp(Math.max(3, Math.max(maxWaiting(r.naive()), maxWaiting(r.warmpool()))));
    for (ReplayRun run : List.of(r.naive(), r.warmpool())) {
      chart(b, r, run, maxIdle, maxWaiting);
    }
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static void chart(StringBuilder b, IncidentReplay.Result r, ReplayRun run, int maxIdle, int maxWaiting) {
    ReplayOptions o = r.options();
    String id = run.naive() ? "naive" : "warmpool";
    b.append("<h2>").append(esc(run.name())).append("</h2>\n");
    b.append("<svg id=\"chart-").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"").append(esc(run.name()))
        .append(": idle workers per region and waiting requests\">\n");
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    // the outage, shaded across both panels
    double x0 = x(o, o.outageFrom());
    double x1 = x(o, o.outageUntil());
    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#fde0dc\"/>%n",
        x0, IDLE_TOP, x1 - x0, WAIT_TOP + WAIT_HEIGHT - IDLE_TOP));
    b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#b0413e\">outage in %s"
        + "</text>%n", x0 + 8, IDLE_TOP + 14, esc(String.join(", ", o.outageRegions()))));
    axes(b, o, IDLE_TOP, IDLE_HEIGHT, maxIdle, "idle workers");
    axes(b, o, WAIT_TOP, WAIT_HEIGHT, maxWaiting, "waiting requests");
    List<ReplayRun.Sample> samples = run.samples();
    int c = 0;
    for (ReplayOptions.Region region : o.regions()) {
      String colour = COLOURS[c++ % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (ReplayRun.Sample s : samples) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(o, s.at()),
            y(s.idleByRegion().getOrDefault(region.name(), 0), maxIdle, IDLE_TOP, IDLE_HEIGHT)));
      }
      b.append("<polyline class=\"idle\" data-region=\"").append(esc(region.name()))
          .append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
          .append(points.toString().trim()).append("\"/>\n");
      legend(b, IDLE_TOP + 10 + 18 * (c - 1), colour, region.name() + " (" + region.geography() + ")");
    }
    StringBuilder waiting = new StringBuilder();
    for (ReplayRun.Sample s : samples) {
      waiting.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(o, s.at()),
          y(s.waiting(), maxWaiting, WAIT_TOP, WAIT_HEIGHT)));
    }
    legend(b, WAIT_TOP + 10, "#d62728", "waiting for a worker");
    b.append("<polyline class=\"waiting\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"")
        .append(waiting.toString().trim()).append("\"/>\n");
    List<ReplayRun.Marker> markers = run.markers();
    // events a few pixels apart share one marker ("1-10"): numbers printed on top of each other cannot be read
    int first = 0;
    int cluster = 0;
    while (first < markers.size()) {
      double mx = x(o, markers.get(first).at());
      int last = first;
      while (last + 1 < markers.size() && x(o, markers.get(last + 1).at()) - mx < CLUSTER_PIXELS) {
        last++;
      }
      StringBuilder title = new StringBuilder();
      for (int i = first; i <= last; i++) {
        title.append(i > first ? "\n" : "").append(i + 1).append(". ").append(label(markers.get(i)));
      }
      String numbers = first == last ? String.valueOf(first + 1) : (first + 1) + "-" + (last + 1);
      b.append(String.format(Locale.ROOT, "<line class=\"event\" data-events=\"%s\" x1=\"%.1f\" y1=\"%d\" "
          + "x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"3,3\" stroke-width=\"1\"><title>%s</title>"
          + "</line>%n", numbers, mx, IDLE_TOP, mx, WAIT_TOP + WAIT_HEIGHT, esc(title.toString())));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s"
          + "</text>%n", mx, IDLE_TOP - 4 - 12 * (cluster % 2), numbers));
      cluster++;
      first = last + 1;
    }
    b.append("</svg>\n<ol class=\"events\">\n");
    for (ReplayRun.Marker m : markers) {
      b.append("<li>").append(esc(label(m))).append("</li>\n");
    }
    b.append("</ol>\n");
  }

  private static String label(ReplayRun.Marker m) {
    return IncidentReplay.time(m.at()) + " " + m.label() + ": " + m.detail();
  }

  private static void axes(StringBuilder b, ReplayOptions o, int top, int height, int max, String title) {
    int bottom = top + height;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
        bottom, WIDTH - RIGHT, bottom));
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT,
        top, LEFT, bottom));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 %d %d)\" "
        + "text-anchor=\"middle\">%s</text>%n", 14, top + height / 2, 14, top + height / 2, esc(title)));
    for (int v = 0; v <= max; v += step(max)) {
      double yy = y(v, max, top, height);
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>"
          + "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT - 4, yy + 4, v, LEFT + 1, yy,
          WIDTH - RIGHT, yy));
    }
    long pastTheHour = o.start().getEpochSecond() % 3600;      // the first tick: the first full hour, the start too
    Instant t = pastTheHour == 0 ? o.start() : o.start().plusSeconds(3600 - pastTheHour);
    for (; !t.isAfter(o.end()); t = t.plus(Duration.ofHours(1))) {
      double xx = x(o, t);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
          + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n", xx, bottom, xx,
          bottom + 4, xx, bottom + 16, IncidentReplay.time(t).substring(0, 5)));
    }
  }

  private static void legend(StringBuilder b, int y, String colour, String text) {
    int x = WIDTH - RIGHT + 14;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
        + "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", x, y, x + 18, y, colour,
        x + 24, y + 4, esc(text)));
  }

  /**
   * A round step for an axis up to {@code max}: 1, 2 or 5 times a power of ten, about five ticks.
   *
   * @param max the axis maximum, positive
   * @return the step
   */
  static int step(int max) {
    int magnitude = 1;
    while (true) {
      for (int m : new int[] {1, 2, 5}) {
        if (m * magnitude * 5 >= max) {
          return m * magnitude;
        }
      }
      magnitude *= 10;
    }
  }

  /**
   * Rounds an axis maximum up to a multiple of its {@link #step(int)}, so that the top tick is round.
   *
   * @param max the largest value to show, positive
   * @return the axis maximum
   */
  static int roundUp(int max) {
    int step = step(max);
    return (max + step - 1) / step * step;
  }

  private static double x(ReplayOptions o, Instant at) {
    double span = Duration.between(o.start(), o.end()).toSeconds();
    double offset = Duration.between(o.start(), at).toSeconds();
    return LEFT + (WIDTH - LEFT - RIGHT) * Math.max(0, Math.min(1, offset / span));
  }

  private static double y(int value, int max, int top, int height) {
    return top + height - height * (double) value / max;
  }

  private static int maxIdle(ReplayRun run) {
    return run.samples().stream().flatMap(s -> s.idleByRegion().values().stream()).mapToInt(Integer::intValue)
        .max().orElse(0);
  }

  private static int maxWaiting(ReplayRun run) {
    return run.samples().stream().mapToInt(ReplayRun.Sample::waiting).max().orElse(0);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
