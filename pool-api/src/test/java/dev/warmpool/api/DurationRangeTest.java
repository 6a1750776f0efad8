package dev.warmpool.api;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class DurationRangeTest {
  private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
  private static final Duration MILLENNIUM = ChronoUnit.YEARS.getDuration().multipliedBy(1000);

  @Test
  void boundsAreIncludedExceptZeroInAPositiveRange() {
    DurationRange positive = DurationRange.positiveUpTo(Duration.ofDays(1));
    assertThat(positive.contains(Duration.ZERO)).isFalse();
    assertThat(positive.contains(Duration.ofNanos(1))).isTrue();
    assertThat(positive.contains(Duration.ofDays(1))).isTrue();
    assertThat(positive.contains(Duration.ofDays(1).plusNanos(1))).isFalse();
    assertThat(DurationRange.upTo(Duration.ofDays(1)).contains(Duration.ZERO)).isTrue();
    assertThat(DurationRange.upTo(Duration.ofDays(1)).contains(Duration.ofNanos(-1))).isFalse();
    DurationRange between = DurationRange.between(Duration.ofSeconds(3), Duration.ofHours(1));
    assertThat(between.contains(Duration.ofSeconds(3))).isTrue();
    assertThat(between.contains(Duration.ofSeconds(3).minusNanos(1))).isFalse();
  }

  @Test
  void rangesReadAsWords() {
    assertThat(DurationRange.positiveUpTo(Duration.ofDays(365))).hasToString("positive and at most 365 days");
    assertThat(DurationRange.upTo(Duration.ofDays(1))).hasToString("zero or positive and at most 1 day");
    assertThat(DurationRange.between(Duration.ofSeconds(3), Duration.ofHours(1)))
        .hasToString("between 3 seconds and 1 hour");
    assertThat(DurationRange.between(Duration.ofMinutes(2), Duration.ofDays(1)).minFrom("openCooldown.initial"))
        .hasToString("between openCooldown.initial (2 minutes) and 1 day");
    assertThat(DurationRange.upTo(Duration.ofMillis(1500)))
        .hasToString("zero or positive and at most 1500 milliseconds");
    assertThat(DurationRange.upTo(Duration.ofNanos(1500))).hasToString("zero or positive and at most PT0.0000015S");
  }

  @Test
  void anOptionOutOfRangeNamesTheOptionTheValueAndTheRange() {
    DurationRange r = DurationRange.positiveUpTo(Duration.ofDays(365));
    assertInvalid(() -> r.check(FOREVER, "leaseDuration"), "leaseDuration",
        "leaseDuration must be positive and at most 365 days, was " + FOREVER);
    assertThatIllegalArgumentException().isThrownBy(() -> r.checkArgument(MILLENNIUM, "duration"))
        .withMessage("duration must be positive and at most 365 days, was " + MILLENNIUM);
    assertThat(r.check(Duration.ofDays(365), "leaseDuration")).isEqualTo(Duration.ofDays(365));
  }

  @Test
  void aRangeMustBeARange() {
    assertThatIllegalArgumentException().isThrownBy(() -> DurationRange.positiveUpTo(Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(() -> DurationRange.upTo(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DurationRange.between(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }

  /** Every duration option of the API's builders, with its bound. */
  static Stream<Arguments> options() {
    Function<BiFunction<WorkerTemplate.Builder, Duration, WorkerTemplate.Builder>, Function<Duration, Runnable>>
        template = set -> d -> () -> set.apply(WorkerTemplate.builder("linux"), d).build();
    Function<BiFunction<LeaseRequest.Builder, Duration, LeaseRequest.Builder>, Function<Duration, Runnable>> request =
        set -> d -> () -> set.apply(LeaseRequest.forTemplate("linux"), d).build();
    return Stream.of(
        Arguments.of("template[linux].maxAge", template.apply(WorkerTemplate.Builder::maxAge),
            "positive and at most 365 days", Duration.ofDays(365)),
        Arguments.of("template[linux].maxIdleTime", template.apply(WorkerTemplate.Builder::maxIdleTime),
            "positive and at most 365 days", Duration.ofDays(365)),
        Arguments.of("template[linux].provisioningTimeout",
            template.apply(WorkerTemplate.Builder::provisioningTimeout), "positive and at most 1 day",
            Duration.ofDays(1)),
        Arguments.of("leaseDuration", request.apply(LeaseRequest.Builder::leaseDuration),
            "positive and at most 365 days", Duration.ofDays(365)),
        Arguments.of("maxWait", request.apply(LeaseRequest.Builder::maxWait), "zero or positive and at most 1 day",
            Duration.ofDays(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("options")
  void hugeValuesOfEveryDurationOptionFailAtBuildAndItsBoundPasses(String option, Function<Duration, Runnable> build,
      String range, Duration max) {
    for (Duration huge : List.of(FOREVER, MILLENNIUM, max.plusNanos(1))) {
      assertInvalid(() -> build.apply(huge).run(), option, option + " must be " + range + ", was " + huge);
    }
    build.apply(max).run();
  }
}
