package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The ci-week scenario on its default seed: the bars of issue 24, the table docs/sizing.md quotes (rewritten with
 * {@code -Dwarmpool.docs.update=true}) and the HTML report. One run serves all: the scenario replays two days eight
 * times.
 */
class CiWeekTest {
  private static final Path PAGE = DocsTest.ROOT.resolve("docs").resolve("sizing.md");
  private static final String BEGIN = "<!-- ci-week table: CiWeekTest keeps it -->";
  private static final String SVG = "http://www.w3.org/2000/svg";

  private static List<CiWeek.Result> results;

  @BeforeAll
  static void runTheTrace() {
    results = CiWeek.run(CiWeek.Trace.DEFAULT);
  }

  @Test
  void theObjectiveMeetsItsWaitForAFractionOfTheIdleWorkerHoursOfAFixedTarget() throws IOException {
    assertThat(results).hasSize(CiWeek.FIXED_TARGETS.size() + 2);
    int jobs = results.get(0).jobs();
    assertThat(results).allSatisfy(r -> assertThat(r.jobs()).isEqualTo(jobs));
    CiWeek.Result objective = results.get(results.size() - 2);
    CiWeek.Result reference = results.get(results.size() - 1);
    CiWeek.Result smallestFixed = CiWeek.smallestFixedMeetingObjective(results).orElseThrow();

    assertThat(objective.meetsObjective()).isTrue();
    assertThat(objective.idleWorkerHours()).isLessThanOrEqualTo(smallestFixed.idleWorkerHours() / 3);
    assertThat(objective.idleWorkerHours()).isLessThanOrEqualTo(reference.idleWorkerHours() * 2);
    assertThat(objective.provisions()).isLessThanOrEqualTo((int) (jobs * 1.1));
    // the pool's own figure agrees with the minute samples of its idle stock
    assertThat(objective.reportedIdleWorkerHours()).isCloseTo(objective.idleWorkerHours(),
        org.assertj.core.data.Percentage.withPercentage(2));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CiWeek.print(results, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    int begin = page.indexOf(BEGIN);
    assertThat(begin).as("the marker %s in docs/sizing.md", BEGIN).isPositive();
    int open = page.indexOf("```\n", begin) + 4;
    int close = page.indexOf("```", open);
    if (DocsTest.UPDATE) {
      Files.writeString(PAGE, page.substring(0, open) + table + page.substring(close), StandardCharsets.UTF_8);
    } else {
      assertThat(page.substring(open, close)).as("the ci-week table in docs/sizing.md").isEqualTo(table);
    }
  }

  @Test
  void theReportChartsTheDemandTheTargetOverTimeAndTheIdleStock(@TempDir Path dir) throws Exception {
    CiWeek.Trace trace = CiWeek.Trace.DEFAULT;
    Path report = CiWeek.writeReport(trace, results, dir.resolve("reports").resolve("ci-week.html"));
    assertThat(report).isAbsolute().exists();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document html = factory.newDocumentBuilder().parse(report.toFile());

    // the table: the console's rows
    List<List<String>> table = new ArrayList<>();
    NodeList rows = html.getElementsByTagName("tr");
    for (int i = 0; i < rows.getLength(); i++) {
      List<String> cells = new ArrayList<>();
      for (org.w3c.dom.Node c = rows.item(i).getFirstChild(); c != null; c = c.getNextSibling()) {
        cells.add(c.getTextContent());
      }
      table.add(cells);
    }
    assertThat(table).isEqualTo(CiWeek.rows(results).stream().map(Arrays::asList).toList());

    NodeList svgs = html.getElementsByTagNameNS(SVG, "svg");
    assertThat(svgs.getLength()).isEqualTo(1);
    Element svg = (Element) svgs.item(0);

    // the demand: lease requests per interval, counted here from the trace's jobs
    List<CiWeek.Job> jobs = trace.jobs();
    Map<Instant, Integer> expected = new LinkedHashMap<>();
    for (Instant t = trace.start(); t.isBefore(trace.end()); t = t.plus(CiWeekReport.INTERVAL)) {
      Instant from = t;
      expected.put(from, (int) jobs.stream().filter(j -> !j.arrival().isBefore(from)
          && j.arrival().isBefore(from.plus(CiWeekReport.INTERVAL))).count());
    }
    Map<Instant, Integer> bars = new LinkedHashMap<>();
    NodeList rects = svg.getElementsByTagNameNS(SVG, "rect");
    for (int i = 0; i < rects.getLength(); i++) {
      Element r = (Element) rects.item(i);
      if (r.getAttribute("class").equals("demand")) {
        bars.put(Instant.parse(r.getAttribute("data-from")), Integer.parseInt(r.getAttribute("data-requests")));
      }
    }
    assertThat(bars).hasSize(288).isEqualTo(expected);
    assertThat(bars.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(results.get(0).jobs());
    // each of the weekday's bursts stands out of its hour
    for (int hour : trace.burstHours()) {
      Instant top = trace.start().plus(Duration.ofHours(hour));
      for (int m = 10; m < 60; m += 10) {
        assertThat(bars.get(top)).as("requests at %s", top).isGreaterThan(bars.get(top.plus(Duration.ofMinutes(m))));
      }
    }

    // the lines: the objective's target and idle stock, the smallest fixed target meeting p99, the reference
    CiWeek.Result fixed = CiWeek.smallestFixedMeetingObjective(results).orElseThrow();
    CiWeek.Result objective = results.get(results.size() - 2);
    CiWeek.Result reference = results.get(results.size() - 1);
    Map<String, Element> lines = new LinkedHashMap<>();
    NodeList polylines = svg.getElementsByTagNameNS(SVG, "polyline");
    for (int i = 0; i < polylines.getLength(); i++) {
      Element l = (Element) polylines.item(i);
      lines.put(l.getAttribute("class") + ":" + l.getAttribute("data-run"), l);
    }
    assertThat(lines).containsOnlyKeys("target:" + fixed.name(), "idle:" + fixed.name(), "target:" + reference.name(),
        "target:" + objective.name(), "idle:" + objective.name());
    assertSeries(lines.get("idle:" + objective.name()), objective, CiWeek.Sample::idle);
    assertSeries(lines.get("target:" + objective.name()), objective, CiWeek.Sample::target);
    assertSeries(lines.get("idle:" + fixed.name()), fixed, CiWeek.Sample::idle);
    assertSeries(lines.get("target:" + reference.name()), reference, CiWeek.Sample::target);
    assertThat(values(lines.get("target:" + fixed.name()))).containsOnly(Integer.parseInt(fixed.name().substring(6)));
    // the idle line is what the table charges: worker-minutes over 60
    assertThat(Arrays.stream(values(lines.get("idle:" + objective.name()))).sum() / 60.0)
        .isCloseTo(objective.idleWorkerHours(), org.assertj.core.data.Offset.offset(1e-9));
    // the computed target follows the curve: high on the weekday afternoon, low on Saturday night
    int[] target = values(lines.get("target:" + objective.name()));
    assertThat(Arrays.stream(target, 14 * 60, 17 * 60).max().orElseThrow())
        .isGreaterThan(3 * Arrays.stream(target, 24 * 60, 30 * 60).max().orElseThrow());

    // self-contained: nothing fetched from anywhere
    assertThat(Files.readString(report)).doesNotContain("<script", "src=", "href=", "@import", "url(");
  }

  /** A line draws the run's samples: one point a minute, left to right, higher for a larger value. */
  private static void assertSeries(Element line, CiWeek.Result run, ToIntFunction<CiWeek.Sample> value) {
    int[] expected = run.samples().stream().mapToInt(value).toArray();
    assertThat(expected).hasSize(48 * 60);
    assertThat(values(line)).as(line.getAttribute("class") + " of " + run.name()).containsExactly(expected);
    String[] points = line.getAttribute("points").split(" ");
    assertThat(points).hasSize(expected.length);
    double lastX = -1;
    Map<Integer, Double> yOf = new java.util.TreeMap<>();
    for (int i = 0; i < points.length; i++) {
      String[] xy = points[i].split(",");
      double x = Double.parseDouble(xy[0]);
      assertThat(x).isGreaterThan(lastX);
      lastX = x;
      Double before = yOf.putIfAbsent(expected[i], Double.parseDouble(xy[1]));
      assertThat(before == null || before == Double.parseDouble(xy[1])).as("one height per value").isTrue();
    }
    List<Double> heights = new ArrayList<>(yOf.values());     // by value, ascending: the y coordinate falls
    for (int i = 1; i < heights.size(); i++) {
      assertThat(heights.get(i)).isLessThan(heights.get(i - 1));
    }
  }

  private static int[] values(Element line) {
    return Arrays.stream(line.getAttribute("data-values").split(" ")).mapToInt(Integer::parseInt).toArray();
  }

  @Test
  void theCommandLineTakesASeedAndAReportPathAndRefusesTheRest() {
    CiWeek.Options defaults = CiWeek.Options.parse();
    assertThat(defaults.trace()).isEqualTo(CiWeek.Trace.DEFAULT);
    assertThat(defaults.report()).isEqualTo(CiWeek.DEFAULT_REPORT);
    CiWeek.Options o = CiWeek.Options.parse("--seed", "7", "--report", "out/ci.html");
    assertThat(o.trace()).isEqualTo(CiWeek.Trace.DEFAULT.withSeed(7));
    assertThat(o.report()).isEqualTo(Path.of("out/ci.html"));
    assertThatThrownBy(() -> CiWeek.Options.parse("--demand", "3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --demand for --scenario ci-week; allowed: --seed <n>, --report <path>");
    assertThatThrownBy(() -> CiWeek.Options.parse("--seed", "x"))
        .hasMessage("--seed must be a whole number, was \"x\"");
    assertThatThrownBy(() -> CiWeek.Options.parse("--report")).hasMessage("--report needs a value; see --help");
  }
}
