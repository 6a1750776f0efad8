package dev.warmpool.api;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlacementTest {

  private static final String NAME_RULE =
      " must be 1 to 63 letters, digits, '.', '_' or '-' starting with a letter or digit, was \"";

  @Test
  void ofGivesPreferenceZero() {
    Placement p = Placement.of("azure", "westeurope", "eu");
    assertThat(p).isEqualTo(new Placement("azure", "westeurope", "eu", 0));
    assertThat(p.key()).isEqualTo("azure/westeurope");
    assertThat(p).hasToString("azure/westeurope (eu)");
  }

  @Test
  void withPreferenceCopiesWithAnotherPreference() {
    Placement p = Placement.of("azure", "westeurope", "eu");
    Placement later = p.withPreference(3);
    assertThat(later.preference()).isEqualTo(3);
    assertThat(later.key()).isEqualTo(p.key());
    assertThat(later).isNotEqualTo(p);
    assertThat(p.preference()).isZero();
  }

  @Test
  void aNullComponentFailsNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> Placement.of(null, "westeurope", "eu"))
        .withMessage("placement.provider cannot be null");
    assertThatNullPointerException().isThrownBy(() -> Placement.of("azure", null, "eu"))
        .withMessage("placement.region cannot be null");
    assertThatNullPointerException().isThrownBy(() -> Placement.of("azure", "westeurope", null))
        .withMessage("placement.geography cannot be null");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "placement.provider  | ''        | westeurope | eu",
      "placement.provider  | az ure    | westeurope | eu",
      "placement.region    | azure     | ''         | eu",
      "placement.region    | azure     | west/eu    | eu",
      "placement.geography | azure     | westeurope | ''",
      "placement.geography | azure     | westeurope | -eu"})
  void aMalformedNameFailsNamingTheComponentAndTheValue(String option, String provider, String region,
      String geography) {
    String bad = option.endsWith("provider") ? provider : option.endsWith("region") ? region : geography;
    assertInvalid(() -> Placement.of(provider, region, geography), option, option + NAME_RULE + bad + "\"");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void aNegativePreferenceFails(int preference) {
    assertInvalid(() -> new Placement("azure", "westeurope", "eu", preference), "placement.preference",
        "placement.preference must be between 0 and 2147483647, was " + preference);
    Placement p = Placement.of("azure", "westeurope", "eu");
    assertInvalid(() -> p.withPreference(preference), "placement.preference",
        "placement.preference must be between 0 and 2147483647, was " + preference);
  }

  @Test
  void theLargestPreferenceIsAccepted() {
    assertThat(Placement.of("azure", "westeurope", "eu").withPreference(Integer.MAX_VALUE).preference())
        .isEqualTo(Integer.MAX_VALUE);
  }
}
