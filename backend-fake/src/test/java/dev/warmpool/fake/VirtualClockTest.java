package dev.warmpool.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  private final VirtualClock clock = new VirtualClock(Instant.parse("2023-03-23T02:00:00Z"));

  @Test
  void tasksRunInDueOrderThenInScheduleOrder() {
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ofMinutes(2), () -> ran.add("b@2"));
    clock.schedule(Duration.ofMinutes(1), () -> ran.add("a@1"));
    clock.schedule(Duration.ofMinutes(2), () -> ran.add("c@2"));
    clock.advance(Duration.ofMinutes(5));
    assertThat(ran).containsExactly("a@1", "b@2", "c@2");
    assertThat(clock.now()).isEqualTo(Instant.parse("2023-03-23T02:05:00Z"));
  }

  @Test
  void aTaskSeesTheTimeItWasDueAt() {
    List<Instant> seen = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(90), () -> seen.add(clock.now()));
    clock.advance(Duration.ofHours(1));
    assertThat(seen).containsExactly(Instant.parse("2023-03-23T02:01:30Z"));
  }

  @Test
  void tasksScheduledByTasksRunInTheSameAdvanceWhenDue() {
    List<Instant> seen = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      seen.add(clock.now());
      if (seen.size() < 3) {
        clock.schedule(Duration.ofMinutes(10), tick[0]);
      }
    };
    clock.schedule(Duration.ZERO, tick[0]);
    clock.advance(Duration.ofMinutes(25));
    assertThat(seen).hasSize(3);
    assertThat(seen.get(2)).isEqualTo(Instant.parse("2023-03-23T02:20:00Z"));
  }

  @Test
  void aCancelledTaskDoesNotRun() {
    List<String> ran = new ArrayList<>();
    var handle = clock.schedule(Duration.ofSeconds(1), () -> ran.add("x"));
    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
  }

  @Test
  void awaitMovesTimeUntilTheFutureCompletes() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    clock.schedule(Duration.ofMinutes(7), () -> f.complete("done"));
    assertThat(clock.await(f, Duration.ofHours(1))).isEqualTo("done");
    assertThat(clock.now()).isEqualTo(Instant.parse("2023-03-23T02:07:00Z"));
  }

  @Test
  void awaitGivesUpAtItsVirtualLimit() {
    CompletableFuture<String> f = new CompletableFuture<>();
    clock.schedule(Duration.ofMinutes(7), () -> f.complete("late"));
    assertThatThrownBy(() -> clock.await(f, Duration.ofMinutes(5))).isInstanceOf(TimeoutException.class);
    assertThat(clock.now()).isEqualTo(Instant.parse("2023-03-23T02:05:00Z"));
  }

  @Test
  void aThrowingTaskFailsTheAdvanceWithItsCause() {
    clock.schedule(Duration.ofSeconds(1), () -> {
      throw new ArithmeticException("boom");
    });
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class).hasRootCauseInstanceOf(ArithmeticException.class);
  }

  @Test
  void negativeDelaysAreRefused() {
    assertThatThrownBy(() -> clock.schedule(Duration.ofSeconds(-1), () -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay cannot be negative");
  }

  @Test
  void runUntilIdleRunsEveryTaskAndStopsAtTheLastOne() {
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ofMinutes(3), () -> {
      ran.add("a");
      clock.schedule(Duration.ofMinutes(4), () -> ran.add("b"));
    });
    assertThat(clock.runUntilIdle(Duration.ofHours(1))).isEqualTo(Instant.parse("2023-03-23T02:07:00Z"));
    assertThat(ran).containsExactly("a", "b");
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void runUntilIdleLeavesTasksBeyondItsSpanScheduled() {
    List<Instant> ticks = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      ticks.add(clock.now());
      clock.schedule(Duration.ofMinutes(10), tick[0]);
    };
    clock.schedule(Duration.ZERO, tick[0]);
    assertThat(clock.runUntilIdle(Duration.ofMinutes(25))).isEqualTo(Instant.parse("2023-03-23T02:20:00Z"));
    assertThat(ticks).hasSize(3);
    assertThat(clock.pendingTasks()).isEqualTo(1);
  }
}
