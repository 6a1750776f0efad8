package dev.warmpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LeaseFailedExceptionTest {

  /** The constructor shared by the three lease failures. */
  @FunctionalInterface
  interface Failure {
    LeaseFailedException create(String detail, String poolId, String template, String tenant, Duration waited,
        WorkerCounts counts, int waiting, Throwable lastFailure);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("LeaseTimeoutException", (Failure) LeaseTimeoutException::new),
        Arguments.of("NoEligiblePlacementException", (Failure) NoEligiblePlacementException::new),
        Arguments.of("PoolClosedException", (Failure) PoolClosedException::new));
  }

  private static final WorkerCounts COUNTS = new WorkerCounts(3, 1, 2, 0, 4);

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void theMessageNamesPoolTemplateTenantWaitCountsWaitingAndTheCause(String type, Failure failure) {
    Exception cause = new IllegalStateException("AllocationFailed in azure/westeurope");
    LeaseFailedException e = failure.create("no worker within the maximum wait", "pool-a", "linux", "acme",
        Duration.ofSeconds(150), COUNTS, 4, cause);
    assertThat(e).hasMessage("pool pool-a: no worker within the maximum wait (template linux, tenant acme,"
        + " waited 2m30s; idle=1 leased=2 draining=0 provisioning=3 deleting=4, waiting=4);"
        + " last provisioning failure: AllocationFailed in azure/westeurope");
    assertThat(e).hasCause(cause).isInstanceOf(WarmpoolException.class).isInstanceOf(RuntimeException.class);
    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.poolId()).isEqualTo("pool-a");
    assertThat(e.template()).isEqualTo("linux");
    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.waited()).isEqualTo(Duration.ofSeconds(150));
    assertThat(e.counts()).isEqualTo(COUNTS);
    assertThat(e.waiting()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void withoutALastFailureTheMessageSaysNothingOfOne(String type, Failure failure) {
    LeaseFailedException e = failure.create("pool closed", "pool-a", "linux", "acme", Duration.ZERO,
        WorkerCounts.ZERO, 0, null);
    assertThat(e).hasMessage("pool pool-a: pool closed (template linux, tenant acme, waited 0s;"
        + " idle=0 leased=0 draining=0 provisioning=0 deleting=0, waiting=0)");
    assertThat(e).hasNoCause();
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({"PT0S, 0s", "PT45S, 45s", "PT1.5S, 1500ms", "PT0.25S, 250ms", "PT1M, 1m00s", "PT1M30S, 1m30s",
      "PT59M59S, 59m59s", "PT1H, 1h00m00s", "PT1H2M5S, 1h02m05s", "PT26H, 26h00m00s"})
  void theWaitedTimeIsWrittenForPeople(Duration waited, String text) {
    LeaseFailedException e = new LeaseTimeoutException("timed out", "p", "t", "x", waited, WorkerCounts.ZERO, 0,
        null);
    assertThat(e.getMessage()).contains("waited " + text + ";");
  }

  @Test
  void aLabelSelectorStandsInForTheTemplate() {
    LeaseFailedException e = new NoEligiblePlacementException("no eligible placement", "p", "{os=linux}", "acme",
        Duration.ofSeconds(2), WorkerCounts.ZERO, 1, null);
    assertThat(e.getMessage()).contains("(template {os=linux}, tenant acme,");
    assertThat(e.template()).isEqualTo("{os=linux}");
  }

  static Stream<Arguments> nullArguments() {
    Duration w = Duration.ofSeconds(1);
    WorkerCounts c = WorkerCounts.ZERO;
    return Stream.of(
        Arguments.of("poolId", (Runnable) () -> new LeaseTimeoutException("d", null, "t", "x", w, c, 0, null)),
        Arguments.of("template", (Runnable) () -> new LeaseTimeoutException("d", "p", null, "x", w, c, 0, null)),
        Arguments.of("tenant", (Runnable) () -> new LeaseTimeoutException("d", "p", "t", null, w, c, 0, null)),
        Arguments.of("waited", (Runnable) () -> new LeaseTimeoutException("d", "p", "t", "x", null, c, 0, null)),
        Arguments.of("counts", (Runnable) () -> new LeaseTimeoutException("d", "p", "t", "x", w, null, 0, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void aNullArgumentFailsNamingIt(String argument, Runnable create) {
    assertThatNullPointerException().isThrownBy(create::run).withMessage(argument + " cannot be null");
  }
}
