package dev.warmpool.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.WarmpoolException;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderExceptionTest {

  @Test
  void aNegativeRetryAfterFailsNamingItAndTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProviderException.throttled("TooManyRequests", "slow down", Duration.ofSeconds(-5)))
        .withMessage("retryAfter cannot be negative, was PT-5S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ProviderException(FailureKind.TRANSIENT, "", "x", Duration.ofNanos(-1), null))
        .withMessage("retryAfter cannot be negative, was PT-0.000000001S");
  }

  @Test
  void aZeroOrMissingRetryAfterIsAccepted() {
    assertThat(ProviderException.throttled("429", "slow down", Duration.ZERO).retryAfter()).contains(Duration.ZERO);
    assertThat(ProviderException.throttled("429", "slow down", null).retryAfter()).isEmpty();
  }

  @Test
  void aNullKindCodeOrMessageFailsNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> new ProviderException(null, "", "m", null, null))
        .withMessage("kind cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new ProviderException(FailureKind.INVALID, null, "m", null, null))
        .withMessage("code cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new ProviderException(FailureKind.INVALID, "", null, null, null))
        .withMessage("message cannot be null");
  }

  static Stream<Arguments> factories() {
    return Stream.of(
        Arguments.of(FailureKind.TRANSIENT,
            (BiFunction<String, String, ProviderException>) ProviderException::transientFailure),
        Arguments.of(FailureKind.CAPACITY, (BiFunction<String, String, ProviderException>) ProviderException::capacity),
        Arguments.of(FailureKind.INVALID, (BiFunction<String, String, ProviderException>) ProviderException::invalid),
        Arguments.of(FailureKind.NOT_FOUND,
            (BiFunction<String, String, ProviderException>) ProviderException::notFound),
        Arguments.of(FailureKind.THROTTLED, (BiFunction<String, String, ProviderException>)
            (code, message) -> ProviderException.throttled(code, message, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factories")
  void eachFactoryGivesItsKind(FailureKind kind, BiFunction<String, String, ProviderException> factory) {
    ProviderException e = factory.apply("SomeCode", "it failed");
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.code()).isEqualTo("SomeCode");
    assertThat(e).hasMessage("it failed").hasNoCause().isInstanceOf(WarmpoolException.class);
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void toStringShowsKindCodeRetryAfterAndMessage() {
    assertThat(ProviderException.throttled("TooManyRequests", "slow down", Duration.ofSeconds(30)))
        .hasToString("dev.warmpool.spi.ProviderException: THROTTLED TooManyRequests (retry after PT30S): slow down");
    assertThat(ProviderException.capacity("", "no quota"))
        .hasToString("dev.warmpool.spi.ProviderException: CAPACITY: no quota");
  }

  @Test
  void theCauseIsKept() {
    Exception cause = new java.io.IOException("connection reset");
    ProviderException e = new ProviderException(FailureKind.TRANSIENT, "", "reset", null, cause);
    assertThat(e).hasCause(cause);
  }
}
