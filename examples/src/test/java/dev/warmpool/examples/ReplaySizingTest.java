package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's outage replayed with Warmpool's warm target computed from a lease-wait objective: the bar of issue 24
 * (today's result, no failed lease, with less idle stock than the fixed target the demo uses), and the table
 * docs/sizing.md quotes (rewritten with {@code -Dwarmpool.docs.update=true}).
 */
class ReplaySizingTest {
  private static final Path PAGE = DocsTest.ROOT.resolve("docs").resolve("sizing.md");
  private static final String BEGIN = "<!-- seed replay sizing table: ReplaySizingTest keeps it -->";

  @Test
  void theObjectiveKeepsTheSeedOutageWithoutAFailedLeaseOnLessIdleStockThanTheFixedTarget(@TempDir Path dir)
      throws IOException {
    List<String> rest = new ArrayList<>();
    ReplaySizing sizing = ReplaySizing.strip(new String[] {"--sizing", "objective", "--report",
        dir.resolve("r.html").toString()}, rest);
    assertThat(sizing.objective()).isTrue();
    ReplayOptions options = ReplayOptions.parse(rest.toArray(String[]::new));
    IncidentReplay.Result r = IncidentReplay.run(options, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    ReplayRun objective = ReplaySizing.runObjective(r, ImageRoll.NONE);

    assertThat(objective.jobs()).isEqualTo(r.jobs().size());
    assertThat(r.warmpool().failed()).isZero();
    assertThat(objective.failed()).isZero();
    assertThat(objective.granted()).isEqualTo(objective.jobs());
    assertThat(objective.euOnlyOutsideEu()).isZero();
    assertThat(objective.leftInCloud()).isZero();
    assertThat(objective.poolEmpty()).isEmpty();
    assertThat(ReplaySizing.idleWorkerHours(objective)).isPositive()
        .isLessThan(ReplaySizing.idleWorkerHours(r.warmpool()));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplaySizing.print(r, objective, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8).strip() + "\n";
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    int begin = page.indexOf(BEGIN);
    assertThat(begin).as("the marker %s in docs/sizing.md", BEGIN).isPositive();
    int open = page.indexOf("```\n", begin) + 4;
    int close = page.indexOf("```", open);
    if (DocsTest.UPDATE) {
      Files.writeString(PAGE, page.substring(0, open) + table + page.substring(close), StandardCharsets.UTF_8);
    } else {
      assertThat(page.substring(open, close)).as("the seed replay's sizing table in docs/sizing.md").isEqualTo(table);
    }
  }

  @Test
  void theOptionTakesFixedOrObjective() {
    List<String> rest = new ArrayList<>();
    assertThat(ReplaySizing.strip(new String[] {"--seed", "7"}, rest)).isEqualTo(ReplaySizing.FIXED);
    assertThat(rest).containsExactly("--seed", "7");
    assertThat(ReplaySizing.strip(new String[] {"--sizing", "fixed"}, new ArrayList<>()).objective()).isFalse();
    assertThatThrownBy(() -> ReplaySizing.strip(new String[] {"--sizing", "smart"}, new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--sizing must be fixed or objective, was \"smart\"");
    assertThatThrownBy(() -> ReplaySizing.strip(new String[] {"--sizing"}, new ArrayList<>()))
        .hasMessage("--sizing must be fixed or objective, was \"\"");
  }
}
