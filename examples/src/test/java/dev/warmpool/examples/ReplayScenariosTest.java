package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --scenario}: each outage shape beyond the seed, the naive pool and Warmpool side by side. */
class ReplayScenariosTest {

  @ParameterizedTest
  @ValueSource(strings = {"partial-slowdown", "throttle-storm"})
  void warmpoolFailsNoLeaseWhileAnotherEuRegionIsHealthy(String scenario, @TempDir Path dir) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    IncidentReplay.Result r = IncidentReplay.run(ReplayOptions.parse("--scenario", scenario, "--report",
        dir.resolve("r.html").toString()), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String console = bytes.toString(StandardCharsets.UTF_8);

    assertThat(r.options().scenario()).isEqualTo(scenario);
    assertThat(console).contains(r.options().shape().headline(r.options()), r.options().shape().during(r.options()));
    assertThat(r.warmpool().failed()).as("Warmpool's failed leases in %s", scenario).isZero();
    // the comparison means something: the same outage fails leases of a pool that has nowhere else to go
    assertThat(r.naive().failed()).as("the naive pool's failed leases in %s", scenario).isPositive();
    Instant naiveFirstFailure = r.naive().firstFailedLease().orElseThrow();
    // the first alert comes before the first lease fails: Warmpool's before the naive pool's first failure (its
    // own has none), and the naive pool's too (it runs the same engine and cannot fail over, but it warns)
    assertThat(r.warmpool().firstAlert()).as("Warmpool's first provisioning alert in %s", scenario)
        .hasValueSatisfying(a -> assertThat(a).isBefore(naiveFirstFailure));
    assertThat(r.naive().firstAlert()).as("the naive pool's first provisioning alert in %s", scenario)
        .hasValueSatisfying(a -> assertThat(a).isBefore(naiveFirstFailure));
    assertThat(r.warmpool().euOnlyOutsideEu()).isZero();
    assertThat(r.warmpool().leftInCloud()).isZero();
    assertThat(r.naive().leftInCloud()).isZero();
  }

  @Test
  void theSeedIsTheDefaultAndAnUnknownScenarioIsNamed() {
    assertThat(ReplayOptions.parse().scenario()).isEqualTo("seed");
    assertThat(ReplayOptions.HELP).contains("--scenario", "seed", "partial-slowdown", "throttle-storm", "ci-week");
    assertThatThrownBy(() -> ReplayOptions.parse("--scenario", "ci-weak"))
        .hasMessage("--scenario must be one of [seed, partial-slowdown, throttle-storm], was \"ci-weak\"");
  }
}
