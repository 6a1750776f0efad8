package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay's {@code --roll-image-at}: a new image rolled during the outage and before it. */
class ImageRollReplayTest {

  private static IncidentReplay.Result replay(Path dir, String rollAt) {
    List<String> rest = new ArrayList<>();
    ImageRoll roll = ImageRoll.strip(new String[] {"--roll-image-at", rollAt, "--report",
        dir.resolve("r.html").toString()}, rest);
    ReplayOptions options = ReplayOptions.parse(rest.toArray(String[]::new));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return IncidentReplay.run(options, new PrintStream(out, true, StandardCharsets.UTF_8), roll);
  }

  private static List<String> labels(ReplayRun run) {
    return run.markers().stream().map(ReplayRun.Marker::label).toList();
  }

  @Test
  void aRollDuringTheOutagePausesTheNaivePoolsRollAndWarmpoolFinishesItsOwnWithNoFailedLease(@TempDir Path dir) {
    IncidentReplay.Result r = replay(dir, "03:30");

    assertThat(labels(r.naive())).contains("template changed", "roll paused", "roll finished");
    assertThat(labels(r.warmpool())).contains("template changed", "roll finished");
    assertThat(r.warmpool().failed()).isZero();
  }

  @Test
  void aRollBeforeTheOutageFinishesWithNoFailedLease(@TempDir Path dir) {
    IncidentReplay.Result r = replay(dir, "01:00");

    ReplayRun.Marker finished = r.warmpool().markers().stream().filter(m -> m.label().equals("roll finished"))
        .findFirst().orElseThrow();
    assertThat(finished.at()).isBefore(r.options().outageFrom());
    assertThat(r.warmpool().failed()).isZero();
  }

  @Test
  void aBadTimeIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> ImageRoll.strip(new String[] {"--roll-image-at", "25:00"}, new ArrayList<>()))
        .hasMessageContaining("--roll-image-at must be HH:MM");
  }
}
