package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hang bar and the judged window of {@link HangWatch}, on instants the test chooses. */
class HangWatchTest {
  private static final Instant T0 = Instant.parse("2023-03-23T02:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** Five creates that took 20 to 40 seconds, started a minute apart from {@code T0 - 10 min}. */
  private static HangWatch warmed() {
    HangWatch w = new HangWatch();
    for (int i = 0; i < 5; i++) {
      Instant start = at(-600 + 60L * i);
      w.started(start);
      w.succeeded(start, start.plusSeconds(20 + 5L * i));
    }
    return w;
  }

  @Test
  void aColdPlacementHasNoBarAndNothingIsJudged() {
    HangWatch w = new HangWatch();
    for (int i = 0; i < 4; i++) {
      w.started(at(i));
      w.succeeded(at(i), at(i + 480));
    }
    w.started(at(10));
    assertThat(w.bar()).as("four creates completed: too few to know").isNull();
    assertThat(w.judge(at(3600), WINDOW)).isEmpty();
    assertThat(w.hung(at(3600), Instant.MIN)).isZero();
  }

  @Test
  void theBarIsTwiceTheSlowestRecentCreateAndAtLeastAMinute() {
    HangWatch w = warmed();
    assertThat(w.bar()).as("slowest 40 s, twice is 80 s").isEqualTo(Duration.ofSeconds(80));
    HangWatch fast = new HangWatch();
    for (int i = 0; i < 5; i++) {
      fast.started(at(i));
      fast.succeeded(at(i), at(i + 5));
    }
    assertThat(fast.bar()).as("the floor").isEqualTo(HangWatch.FLOOR);
  }

  @Test
  void aCreateOutPastTheBarHangsOnceALaterOneCompletedInTheUsualTimeAndNotWhenItCompletes() {
    HangWatch w = warmed();
    w.started(at(0)); // hangs
    w.started(at(10));
    w.started(at(20)); // completes in the usual time, overtaking the first
    w.succeeded(at(20), at(45));
    HangWatch.Judged j = w.judge(at(90), WINDOW).get(0);
    assertThat(j.calls()).as("the creates started in the minute before now - 80 s").isEqualTo(2);
    assertThat(j.hung()).as("the first and second are out past the bar and were overtaken").isEqualTo(2);
    assertThat(j.overtaken()).isTrue();
    assertThat(w.hung(at(90), Instant.MIN)).isEqualTo(2);

    w.succeeded(at(10), at(100)); // the second was only slow after all: taken back out, and the bar rises
    assertThat(w.bar()).isEqualTo(Duration.ofSeconds(180));
    assertThat(w.hung(at(190), Instant.MIN)).isEqualTo(1);
    assertThat(w.hung(at(170), Instant.MIN)).as("the first is within the new bar").isZero();
  }

  @Test
  void withNoLaterCreateCompletingInTheUsualTimeACreateHangsOnlyPastTwiceTheBar() {
    HangWatch w = warmed();
    w.started(at(0));
    w.started(at(10));
    w.started(at(20));
    w.succeeded(at(20), at(60)); // 40 s: slower than four in five recent creates, so it overtakes nothing
    assertThat(w.hung(at(100), Instant.MIN)).as("out past the bar, not overtaken").isZero();
    HangWatch.Judged first = w.judge(at(100), WINDOW).get(0);
    assertThat(first.calls()).isEqualTo(3);
    assertThat(first.hung()).isZero();
    assertThat(w.hung(at(160), Instant.MIN)).as("the first is out past twice the bar").isEqualTo(1);
    HangWatch.Judged alone = w.judge(at(170), WINDOW).get(1);
    assertThat(alone.after()).isEqualTo(Duration.ofSeconds(160));
    assertThat(alone.overtaken()).isFalse();
    assertThat(alone.calls()).isEqualTo(2);
    assertThat(alone.hung()).isEqualTo(2);
  }

  @Test
  void failuresCountByStartAndCreatesBeforeAClosingAreNotJudged() {
    HangWatch w = warmed();
    w.started(at(0));
    w.started(at(5));
    w.failed(at(5));
    w.failed(at(5)); // a second report of the same failure changes nothing
    HangWatch.Judged j = w.judge(at(90), WINDOW).get(0);
    assertThat(j.calls()).isEqualTo(2);
    assertThat(j.failed()).isEqualTo(1);
    assertThat(j.hung()).as("not overtaken").isZero();

    w.closed(at(6));
    assertThat(w.judge(at(90), WINDOW).get(0).calls()).as("started before the placement closed").isZero();
    w.started(at(30));
    w.forgetCreates();
    assertThat(w.hung(at(3600), Instant.MIN)).as("nothing out: another leader's creates are forgotten").isZero();
    assertThat(w.bar()).as("the latencies stay").isEqualTo(Duration.ofSeconds(80));
  }
}
