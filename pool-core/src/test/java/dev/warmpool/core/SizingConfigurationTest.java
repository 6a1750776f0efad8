package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.WorkerTemplate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sizing policy in the builder and in the file configuration, and the bad input each refuses. */
class SizingConfigurationTest {
  private static final String T = "warmpool.pools.ci.templates.linux.";

  private static SizingPolicy.Builder p99() {
    return SizingPolicy.objective(0.99, Duration.ofSeconds(5));
  }

  @Test
  void theFileConfigurationBuildsTheSamePolicyAsTheBuilder() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(T + "sizing.quantile", "0.99");
    m.put(T + "sizing.max-wait", "5s");
    m.put(T + "sizing.floor", "2");
    m.put(T + "sizing.ceiling", "40");
    m.put(T + "sizing.zone", "Europe/Berlin");
    m.put(T + "sizing.learn-seasonality", "false");
    m.put(T + "sizing.windows.mornings", "mon-fri 07:00-10:00 12");
    m.put(T + "sizing.windows.saturday", "sat 09:00-12:00 4");
    m.put(T + "max-total", "50");
    WorkerTemplate read = WorkerPoolConfig.read(m).get("ci").template("linux");
    SizingPolicy expected = p99().floor(2).ceiling(40).zone("Europe/Berlin").learnSeasonality(false)
        .window(new SizingPolicy.Window(DayOfWeek.MONDAY, DayOfWeek.FRIDAY, LocalTime.of(7, 0), LocalTime.of(10, 0),
            12))
        .window(new SizingPolicy.Window(DayOfWeek.SATURDAY, DayOfWeek.SATURDAY, LocalTime.of(9, 0),
            LocalTime.of(12, 0), 4))
        .build();
    assertThat(read.sizing()).contains(expected);
    assertThat(read.sizing().orElseThrow().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(read.warmTarget()).isZero();
  }

  @Test
  void aTemplateWithoutSizingKeysKeepsItsFixedTarget() {
    WorkerTemplate read = WorkerPoolConfig.read(Map.of(T + "warm-target", "7")).get("ci").template("linux");
    assertThat(read.sizing()).isEmpty();
    assertThat(read.warmTarget()).isEqualTo(7);
  }

  @Test
  void aQuantileOutsideZeroToOneIsRefused() {
    for (double q : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> SizingPolicy.objective(q, Duration.ofSeconds(5)).build())
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("sizing.quantile must be strictly between 0 and 1").hasMessageContaining("was " + q);
    }
    assertThatThrownBy(() -> WorkerPoolConfig.read(Map.of(T + "sizing.quantile", "1.2", T + "sizing.max-wait", "5s"))
        .get("ci").template("linux"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", T + "sizing.quantile").hasMessageContaining("was 1.2");
  }

  @Test
  void aWaitThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> SizingPolicy.objective(0.99, Duration.ZERO).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", "sizing.maxWait")
        .hasMessage("sizing.maxWait must be positive, was PT0S");
    assertThatThrownBy(() -> WorkerPoolConfig.read(Map.of(T + "sizing.quantile", "0.9", T + "sizing.max-wait", "-1s"))
        .get("ci").template("linux"))
        .hasFieldOrPropertyWithValue("option", T + "sizing.max-wait");
  }

  @Test
  void aFloorAboveTheCeilingOrMaxTotalIsRefused() {
    assertThatThrownBy(() -> p99().floor(10).ceiling(5).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("sizing.ceiling must be at least sizing.floor (10), was 5");
    assertThatThrownBy(() -> WorkerTemplate.builder("linux").maxTotal(4).sizing(p99().floor(5).build()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("template[linux].sizing.floor must be between 0 and maxTotal (4), was 5");
    assertThatThrownBy(() -> WorkerTemplate.builder("linux").warmTarget(3).sizing(p99().build()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("warmTarget must be 0 when a sizing policy computes the target, was 3");
  }

  @Test
  void anUnknownZoneIsRefused() {
    assertThatThrownBy(() -> p99().zone("Mars/Olympus").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", "sizing.zone")
        .hasMessageContaining("was \"Mars/Olympus\"");
    Map<String, String> m = Map.of(T + "sizing.quantile", "0.9", T + "sizing.max-wait", "5s",
        T + "sizing.zone", "Mars/Olympus");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m).get("ci").template("linux"))
        .hasFieldOrPropertyWithValue("option", T + "sizing.zone");
  }

  @Test
  void emptyOrOverlappingWindowsAreRefused() {
    assertThatThrownBy(() -> p99().window(SizingPolicy.Window.parse("w", "mon 10:00-10:00 3")).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("window \"mon 10:00-10:00 3\" is empty");
    assertThatThrownBy(() -> p99().window(SizingPolicy.Window.parse("w", "mon 22:00-02:00 3")).build())
        .hasMessageContaining("is empty").hasMessageContaining("crosses midnight");
    assertThatThrownBy(() -> p99().window(SizingPolicy.Window.parse("w", "mon-fri 07:00-10:00 3"))
        .window(SizingPolicy.Window.parse("w", "fri-sun 09:00-12:00 3")).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("sizing.windows: window \"fri-sun 09:00-12:00 3\" overlaps window \"mon-fri 07:00-10:00 3\" on"
            + " [FRIDAY]; windows must not overlap");
    // touching windows do not overlap
    assertThat(p99().window(SizingPolicy.Window.parse("w", "mon 07:00-10:00 3"))
        .window(SizingPolicy.Window.parse("w", "mon 10:00-12:00 5")).build().scheduledMinimum(DayOfWeek.MONDAY,
            LocalTime.of(10, 0))).isEqualTo(5);
    Map<String, String> m = Map.of(T + "sizing.quantile", "0.9", T + "sizing.max-wait", "5s",
        T + "sizing.windows.a", "mon-fri 07:00-10:00 3", T + "sizing.windows.b", "tue 08:00-09:00 1");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m).get("ci").template("linux"))
        .hasFieldOrPropertyWithValue("option", T + "sizing.windows").hasMessageContaining("overlaps");
  }

  @Test
  void aWindowThatIsNotOfItsFormIsRefusedWithTheForm() {
    Map<String, String> m = Map.of(T + "sizing.quantile", "0.9", T + "sizing.max-wait", "5s",
        T + "sizing.windows.a", "weekdays 7-10 3");
    assertThatThrownBy(() -> WorkerPoolConfig.read(m).get("ci").template("linux"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", T + "sizing.windows")
        .hasMessageContaining("\"mon-fri 07:00-19:00 12\"").hasMessageContaining("was \"weekdays 7-10 3\"");
  }

  @Test
  void sizingKeysWithoutTheObjectiveAreRefused() {
    assertThatThrownBy(() -> WorkerPoolConfig.read(Map.of(T + "sizing.floor", "2")).get("ci").template("linux"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasFieldOrPropertyWithValue("option", T + "sizing.quantile")
        .hasMessageContaining("is required");
  }
}
