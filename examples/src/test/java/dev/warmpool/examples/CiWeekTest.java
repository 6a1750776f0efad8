package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ci-week scenario on its default seed: the bars of issue 24, and the table docs/sizing.md quotes (rewritten with
 * {@code -Dwarmpool.docs.update=true}). One run serves both: the scenario replays two days eight times (about a
 * minute).
 */
class CiWeekTest {
  private static final Path PAGE = DocsTest.ROOT.resolve("docs").resolve("sizing.md");
  private static final String BEGIN = "<!-- ci-week table: CiWeekTest keeps it -->";

  @Test
  void theObjectiveMeetsItsWaitForAFractionOfTheIdleWorkerHoursOfAFixedTarget() throws IOException {
    List<CiWeek.Result> results = CiWeek.run(CiWeek.Trace.DEFAULT);
    assertThat(results).hasSize(CiWeek.FIXED_TARGETS.size() + 2);
    int jobs = results.get(0).jobs();
    assertThat(results).allSatisfy(r -> assertThat(r.jobs()).isEqualTo(jobs));
    CiWeek.Result objective = results.get(results.size() - 2);
    CiWeek.Result reference = results.get(results.size() - 1);
    CiWeek.Result smallestFixed = results.stream().filter(r -> r.name().startsWith("fixed"))
        .filter(CiWeek.Result::meetsObjective).findFirst().orElseThrow();

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
}
