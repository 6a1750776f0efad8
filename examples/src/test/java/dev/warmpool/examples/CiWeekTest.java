package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ci-week scenario on its default seed: the table, and the bars of issue 24 as measured. */
class CiWeekTest {

  @Test
  void theScenarioComparesFixedTargetsTheObjectiveAndTheReference() {
    List<CiWeek.Result> results = CiWeek.run(CiWeek.Trace.DEFAULT);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CiWeek.print(results, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    if (Boolean.getBoolean("ciweek.print")) {
      System.out.print(table);
    }
    assertThat(results).hasSize(CiWeek.FIXED_TARGETS.size() + 2);
    int jobs = results.get(0).jobs();
    assertThat(results).allSatisfy(r -> assertThat(r.jobs()).isEqualTo(jobs));
  }
}
