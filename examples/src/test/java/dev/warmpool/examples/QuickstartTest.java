package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PoolSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {
  @Test
  void quickstartLeasesOneWorkerAndLeavesNothingInTheCloud() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PoolSnapshot whileLeased = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(whileLeased.total().leased()).isEqualTo(1);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("leased ").contains("in westeurope").contains("workers left in the cloud: 0");
  }
}
