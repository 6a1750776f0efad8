package dev.warmpool.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeClockTest {
  private final VirtualClock clock = new VirtualClock();
  private final NodeClock node = new NodeClock(clock);
  private final List<String> ran = new ArrayList<>();

  @Test
  void tasksRunOnTheSharedClock() {
    node.schedule(Duration.ofSeconds(5), () -> ran.add("node@" + clock.now()));
    clock.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("node@" + VirtualClock.DEFAULT_START.plusSeconds(5));
    assertThat(node.now()).isEqualTo(clock.now());
  }

  @Test
  void aPausedNodeRunsWhatFellDueLateAndInOrderWhenItResumes() {
    node.schedule(Duration.ofSeconds(1), () -> ran.add("first"));
    node.schedule(Duration.ofSeconds(2), () -> ran.add("second"));
    clock.schedule(Duration.ofSeconds(3), () -> ran.add("cloud"));
    node.pause();
    clock.advance(Duration.ofSeconds(10));
    assertThat(ran).containsExactly("cloud");
    assertThat(node.paused()).isTrue();

    node.resume();
    clock.runDue();
    assertThat(ran).containsExactly("cloud", "first", "second");
  }

  @Test
  void aCrashedNodeNeverRunsAnythingAgain() {
    node.schedule(Duration.ofSeconds(1), () -> ran.add("before"));
    node.pause();
    clock.advance(Duration.ofSeconds(2));
    node.crash();
    node.resume();
    node.schedule(Duration.ofSeconds(1), () -> ran.add("after"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(ran).isEmpty();
    assertThat(node.crashed()).isTrue();
  }

  @Test
  void nullIsRefusedWithTheArgumentsName() {
    assertThatThrownBy(() -> new NodeClock(null)).hasMessage("shared cannot be null");
    assertThatThrownBy(() -> node.schedule(Duration.ZERO, null)).hasMessage("task cannot be null");
  }
}
