package dev.warmpool.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example application: its health goes UP, DEGRADED during the outage, UP after; a bad key stops it. */
class OutageApplicationTest {

  @Test
  void healthTurnsDegradedDuringTheOutageAndUpAfterIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> statuses = OutageApplication.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(statuses.get(0)).as(out).isEqualTo("UP");
    assertThat(statuses.subList(0, 7)).as(out).contains("DEGRADED"); // from 01:00 to 04:00
    assertThat(statuses.get(statuses.size() - 1)).as(out).isEqualTo("UP");
    assertThat(out).contains("leaked resources after shutdown: 0");
  }

  @Test
  void aBadKeyFailsTheStartNamingTheKey() {
    assertThatThrownBy(() -> OutageApplication.run(System.out,
        "--warmpool.pools.ci.templates.linux.warm-targett=3"))
        .hasStackTraceContaining("warmpool.pools.ci.templates.linux.warm-targett");
  }
}
