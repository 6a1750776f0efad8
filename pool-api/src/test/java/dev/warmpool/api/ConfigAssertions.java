package dev.warmpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on configuration failures, shared by the API and SPI tests. */
public final class ConfigAssertions {
  private ConfigAssertions() {}

  /**
   * Asserts that {@code call} throws an {@link InvalidConfigurationException} for {@code option} with exactly
   * {@code message}.
   *
   * @param call the call that must fail
   * @param option the option the exception must name
   * @param message the whole message
   */
  public static void assertInvalid(ThrowingCallable call, String option, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
      assertThat(e.option()).isEqualTo(option);
      assertThat(e).hasMessage(message);
    });
  }
}
