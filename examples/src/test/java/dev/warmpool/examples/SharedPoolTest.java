package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.core.InMemoryPoolStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharedPoolTest {

  @Test
  void threeNodesShareOnePoolSurviveTheLeadersCrashAndFenceAPausedLeader() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SharedPool.Outcome o = SharedPool.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new InMemoryPoolStore());
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(o.warmWorkers()).isEqualTo(6);
    assertThat(o.grants()).isPositive();
    assertThat(o.grantedWorkers()).as("maxUses 1: every lease a different worker").isEqualTo(o.grants());
    assertThat(o.takeover()).isNotNull().isLessThanOrEqualTo(Duration.ofSeconds(15));
    assertThat(o.staleLeaderFenced()).isTrue();
    assertThat(o.workersLeft()).isZero();
    assertThat(out).contains("one warm target of 6, not one per node", "refused by epoch");
  }
}
