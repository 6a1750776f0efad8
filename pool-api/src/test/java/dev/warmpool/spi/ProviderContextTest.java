package dev.warmpool.spi;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.warmpool.api.PoolClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProviderContextTest {

  /** A clock that never moves and never runs tasks: these tests only read settings. */
  static final PoolClock STILL = new PoolClock() {
    @Override
    public Instant now() {
      return Instant.EPOCH;
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
      return () -> false;
    }
  };

  private static ProviderContext context(Map<String, String> settings) {
    return new ProviderContext("pool-a", "azure", settings, STILL);
  }

  @Test
  void aGivenSettingIsReturned() {
    ProviderContext c = context(Map.of("subscriptionId", "1234"));
    assertThat(c.requireSetting("subscriptionId", "the Azure subscription id")).isEqualTo("1234");
    assertThat(c.setting("subscriptionId")).contains("1234");
  }

  @Test
  void aMissingRequiredSettingFailsNamingTheOptionAndItsMeaning() {
    ProviderContext c = context(Map.of("tenantId", "t"));
    assertInvalid(() -> c.requireSetting("subscriptionId", "the Azure subscription id"),
        "providers.azure.subscriptionId", "providers.azure.subscriptionId is required: the Azure subscription id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void aBlankRequiredSettingCountsAsMissing(String blank) {
    ProviderContext c = context(Map.of("subscriptionId", blank));
    assertThat(c.setting("subscriptionId")).isEmpty();
    assertInvalid(() -> c.requireSetting("subscriptionId", "the Azure subscription id"),
        "providers.azure.subscriptionId", "providers.azure.subscriptionId is required: the Azure subscription id");
  }

  @Test
  void optionSpellsTheSettingAsTheConfigurationDoes() {
    assertThat(context(Map.of()).option("region")).isEqualTo("providers.azure.region");
  }

  @Test
  void theSettingsAreACopy() {
    Map<String, String> settings = new HashMap<>(Map.of("a", "1"));
    ProviderContext c = context(settings);
    settings.put("b", "2");
    assertThat(c.settings()).containsOnly(Map.entry("a", "1"));
    assertThat(c.setting("b")).isEmpty();
  }

  @Test
  void aNullComponentFailsNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> new ProviderContext(null, "azure", Map.of(), STILL))
        .withMessage("poolId cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new ProviderContext("p", null, Map.of(), STILL))
        .withMessage("providerName cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new ProviderContext("p", "azure", null, STILL))
        .withMessage("settings cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new ProviderContext("p", "azure", Map.of(), null))
        .withMessage("clock cannot be null");
  }

  @org.junit.jupiter.api.Test
  void aNullSettingValueIsRefusedNamingTheKeyAndToStringHidesSecrets() {
    java.util.Map<String, String> settings = new java.util.HashMap<>();
    settings.put("clientSecret", null);
    org.assertj.core.api.Assertions.assertThatNullPointerException()
        .isThrownBy(() -> new ProviderContext("p", "azure", settings, STILL))
        .withMessage("providers.azure.clientSecret cannot be null");
    settings.put("clientSecret", "hunter2secret");
    settings.put("kind", "vm\nforged");
    org.assertj.core.api.Assertions.assertThat(new ProviderContext("p", "azure", settings, STILL)
        .toString()).contains("clientSecret=***", "kind=vm\\nforged").doesNotContain("hunter2secret", "\n");
  }
}
