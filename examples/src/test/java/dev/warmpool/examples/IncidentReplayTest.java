package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentReplayTest {
  IncidentReplay.Result result;
  String console;

  @BeforeAll
  void replayTheOutageOnce(@TempDir Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplayOptions options = ReplayOptions.parse("--report", dir.resolve("report.html").toString());
    result = IncidentReplay.run(options, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    console = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theNaivePoolRunsDryAbout2h10mAfterItsFirstFailedProvision() {
    ReplayRun naive = result.naive();
    Instant firstFailure = naive.firstFailedProvision().orElseThrow();
    assertThat(firstFailure).isAfterOrEqualTo(result.options().outageFrom());
    Duration toEmpty = Duration.between(firstFailure, naive.poolEmpty().orElseThrow());
    assertThat(toEmpty).isBetween(Duration.ofMinutes(130 - 15), Duration.ofMinutes(130 + 15));
  }

  @Test
  void theNaivePoolFailsLeasesFromEmptyUntilTheRecovery() {
    ReplayRun naive = result.naive();
    assertThat(naive.failed()).isPositive();
    assertThat(naive.firstFailedLease().orElseThrow()).isAfterOrEqualTo(naive.poolEmpty().orElseThrow());
    Instant recovery = result.options().outageUntil();
    assertThat(naive.lastFailedLease().orElseThrow())
        .isBetween(recovery.minus(Duration.ofMinutes(10)), recovery.plus(Duration.ofMinutes(30)));
    // impact for most of the time between empty and recovery, not a blip
    long emptyToRecovery = Duration.between(naive.poolEmpty().orElseThrow(), recovery).toMinutes();
    assertThat(naive.impactMinutes()).isGreaterThan((int) (emptyToRecovery * 3 / 4));
    assertThat(naive.firstFailover()).isEmpty();
  }

  @Test
  void warmpoolFailsNoLeaseAlertsAtOnceAndFailsOverWithinFiveMinutes() {
    ReplayRun warmpool = result.warmpool();
    assertThat(warmpool.jobs()).isEqualTo(result.jobs().size());
    assertThat(warmpool.failed()).isZero();
    assertThat(warmpool.granted()).isEqualTo(warmpool.jobs());
    Instant firstFailure = warmpool.firstFailedProvision().orElseThrow();
    // since issue 16 the placement's window counts refused deletes and each failed create attempt, so the alert and
    // the failover may come while the first provision is still retrying (before its ProvisioningFailed)
    assertThat(Duration.between(firstFailure, warmpool.firstAlert().orElseThrow()))
        .isBetween(Duration.ofMinutes(-2), Duration.ofSeconds(60));
    assertThat(Duration.between(firstFailure, warmpool.firstFailover().orElseThrow()))
        .isBetween(Duration.ofMinutes(-2), Duration.ofMinutes(5));
    assertThat(warmpool.poolEmpty()).isEmpty();
    assertThat(warmpool.failback()).hasValueSatisfying(t -> assertThat(t).isAfter(result.options().outageUntil()));
  }

  @Test
  void theMinutesOfImpactFitTheWindowTheTableShows() {
    ReplayRun naive = result.naive();
    Instant[] window = naive.impactWindow().orElseThrow();
    assertThat(window[0]).isBefore(naive.firstFailedLease().orElseThrow()); // the first failed job arrived earlier
    assertThat(window[1]).isEqualTo(naive.lastFailedLease().orElseThrow());
    long span = Math.round(Duration.between(window[0], window[1]).toSeconds() / 60.0);
    assertThat((long) naive.impactMinutes()).isPositive().isLessThanOrEqualTo(span);
    assertThat(console).containsPattern("minutes of impact +" + naive.impactMinutes() + " \\("
        + IncidentReplay.time(window[0]) + " to " + IncidentReplay.time(window[1]) + "\\) ");
    assertThat(result.warmpool().impactMinutes()).isZero();
    assertThat(result.warmpool().impactWindow()).isEmpty();
  }

  @Test
  void theFirstFailedProvisionAndTheFirstFailedDeleteAreNamedApart() {
    for (ReplayRun run : List.of(result.naive(), result.warmpool())) {
      Instant provision = run.firstFailedProvision().orElseThrow();
      Instant delete = run.firstFailedDelete().orElseThrow();
      assertThat(run.markers()).anySatisfy(m -> {
        assertThat(m.label()).isEqualTo("first failed provision");
        assertThat(m.at()).isEqualTo(provision);
        assertThat(m.detail()).startsWith("a provision in westeurope failed");
      }).anySatisfy(m -> {
        assertThat(m.label()).isEqualTo("first failed delete");
        assertThat(m.at()).isEqualTo(delete);
        assertThat(m.detail()).startsWith("a delete in westeurope failed");
      }).noneMatch(m -> m.label().equals("first failure"));
      // the first alert counted is about provisioning, not the deletes alert that may come before it (a failed create
      // attempt may raise it while the first provision still retries)
      assertThat(run.firstAlert().orElseThrow()).isAfterOrEqualTo(provision.minus(Duration.ofMinutes(2)))
          .isAfter(delete);
    }
    assertThat(console).contains("first failed delete (costs no lease)", "first failed provision",
        "to the first provisioning alert");
  }

  @Test
  void everyMessageIsPrintedWholeInLinesOfAtMost120Characters() {
    assertThat(console.lines().filter(l -> !l.startsWith("HTML report")))
        .allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(120));
    assertThat(console).doesNotContain("...");
    String unwrapped = console.replaceAll("\\R {39}", " ");
    for (ReplayRun run : List.of(result.naive(), result.warmpool())) {
      assertThat(run.markers()).allSatisfy(m -> assertThat(unwrapped).contains(m.label() + " ".repeat(
          Math.max(1, 27 - m.label().length())) + m.detail()));
    }
  }

  @Test
  void theChartsYAxisHasRoundTicks() {
    assertThat(ReplayReport.step(3)).isEqualTo(1);
    assertThat(ReplayReport.step(45)).isEqualTo(10);
    assertThat(ReplayReport.roundUp(45)).isEqualTo(50);
    assertThat(ReplayReport.roundUp(40)).isEqualTo(40);
    assertThat(ReplayReport.roundUp(120)).isEqualTo(150);
  }

  @Test
  void euOnlyTenantsAreNeverPlacedOutsideTheEu() {
    assertThat(result.jobs()).anyMatch(ReplayRun.Job::euOnly).anyMatch(j -> !j.euOnly());
    assertThat(result.warmpool().euOnlyOutsideEu()).isZero();
    assertThat(result.naive().euOnlyOutsideEu()).isZero();
  }

  @Test
  void bothPoolsLeaveNothingInTheirCloud() {
    assertThat(result.naive().leftInCloud()).isZero();
    assertThat(result.warmpool().leftInCloud()).isZero();
  }

  @Test
  void bothRunsServeTheSameJobsFromTheSameSeed() {
    assertThat(result.naive().jobs()).isEqualTo(result.warmpool().jobs()).isEqualTo(result.jobs().size());
    assertThat(ReplayRun.jobs(result.options())).isEqualTo(result.jobs());
    assertThat(ReplayRun.jobs(ReplayOptions.parse("--seed", "7"))).isNotEqualTo(result.jobs());
  }

  @Test
  void theConsoleShowsBothTimelinesTheTableAndWhereTheReportIs() {
    assertThat(console)
        .contains("Timeline: naive pool (UTC)", "Timeline: Warmpool (UTC)")
        .contains("failed or timed-out leases", "  to failover", "workers provisioned in northeurope")
        .contains("HTML report").contains(result.report().toString());
  }

  @Test
  void theReportHoldsAChartForEachRunWithEveryRegionAndTheWaitingRequests() throws Exception {
    Path report = result.report();
    assertThat(report).exists();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document html = factory.newDocumentBuilder().parse(report.toFile());
    NodeList svgs = html.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
    assertThat(svgs.getLength()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      Element svg = (Element) svgs.item(i);
      ReplayRun run = i == 0 ? result.naive() : result.warmpool();
      assertThat(svg.getAttribute("id")).isEqualTo(i == 0 ? "chart-naive" : "chart-warmpool");
      NodeList lines = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
      List<String> classes = new java.util.ArrayList<>();
      for (int j = 0; j < lines.getLength(); j++) {
        Element line = (Element) lines.item(j);
        classes.add(line.getAttribute("class") + ":" + line.getAttribute("data-region"));
        assertThat(line.getAttribute("points").split(" ")).hasSize(run.samples().size());
      }
      assertThat(classes).containsExactly("idle:westeurope", "idle:northeurope", "idle:eastus", "waiting:");
      // every event is marked once; markers closer than CLUSTER_PIXELS are one cluster ("1-10")
      int next = 1;
      double lastX = -100;
      for (int j = 0; j < svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "line").getLength(); j++) {
        Element line = (Element) svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "line").item(j);
        if (line.getAttribute("class").equals("event")) {
          String[] range = line.getAttribute("data-events").split("-");
          assertThat(Integer.parseInt(range[0])).isEqualTo(next);
          next = Integer.parseInt(range[range.length - 1]) + 1;
          double x = Double.parseDouble(line.getAttribute("x1"));
          assertThat(x - lastX).as("distance between two event markers").isGreaterThanOrEqualTo(
              ReplayReport.CLUSTER_PIXELS);
          lastX = x;
        }
      }
      assertThat(next - 1).isEqualTo(run.markers().size());
    }
    // self-contained: nothing fetched from anywhere
    assertThat(Files.readString(report)).doesNotContain("<script", "src=", "href=", "@import", "url(")
        .contains("<table id=\"comparison\">");
  }

  @Test
  void helpListsEveryOptionAndABadOptionIsNamed() {
    assertThat(ReplayOptions.HELP).contains("--seed", "--demand", "--tenants", "--regions", "--outage ",
        "--outage-window", "--report", "--help");
    assertThat(ReplayOptions.wantsHelp("--seed", "1", "--help")).isTrue();
    assertThatThrownBy(() -> ReplayOptions.parse("--sed", "1")).hasMessageContaining("unknown option --sed");
    assertThatThrownBy(() -> ReplayOptions.parse("--demand", "0")).hasMessageContaining("--demand must be between");
    assertThatThrownBy(() -> ReplayOptions.parse("--outage", "westeurop")).hasMessageContaining("--outage must name");
    assertThatThrownBy(() -> ReplayOptions.parse("--outage-window", "06:51-02:41"))
        .hasMessageContaining("--outage-window must end after it starts");
  }

  @Test
  void whenBothEuRegionsFailWarmpoolGoesDegradedAndStillServesBetterThanTheNaivePool(@TempDir Path dir) {
    ReplayOptions options = ReplayOptions.parse("--outage", "westeurope,northeurope", "--report",
        dir.resolve("multi.html").toString());
    IncidentReplay.Result multi = IncidentReplay.run(options, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));

    assertThat(multi.warmpool().firstDegraded()).isPresent();
    assertThat(multi.warmpool().failed()).isLessThan(multi.naive().failed());
    assertThat(multi.warmpool().euOnlyOutsideEu()).isZero();
    assertThat(multi.warmpool().leftInCloud()).isZero();
  }

  @Test
  void aMultiRegionOutageIsParsedIntoBothRegions() {
    ReplayOptions o = ReplayOptions.parse("--outage", "westeurope,northeurope", "--outage-window", "02:41-05:00");
    assertThat(o.outageRegions()).containsExactly("westeurope", "northeurope");
    assertThat(o.outageUntil()).isEqualTo(Instant.parse("2023-03-23T05:00:00Z"));
  }
}
