package dev.warmpool.spi;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ProviderFactory} gets to create a provider: the pool's id and clock and the provider's settings.
 *
 * <p>Immutable and thread-safe.
 *
 * @param poolId the pool's id
 * @param providerName the name the provider is registered under
 * @param settings the provider's settings as the user gave them
 * @param clock the pool's clock; providers read time and schedule polls through it
 *
 * @since 0.1
 */
public record ProviderContext(String poolId, String providerName, Map<String, String> settings, PoolClock clock) {
  /**
   * Checks the components and copies collections.
   *
   * @param poolId the pool's id
   * @param providerName the name the provider is registered under
   * @param settings the provider's settings as the user gave them
   * @param clock the pool's clock; providers read time and schedule polls through it
   * @throws NullPointerException if a component is null
   */
  public ProviderContext {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(providerName, "providerName cannot be null");
    settings = Map.copyOf(Objects.requireNonNull(settings, "settings cannot be null"));
    Objects.requireNonNull(clock, "clock cannot be null");
  }

  /**
   * One setting, if given.
   *
   * @param key the setting's name
   * @return its value, if present and not blank
   */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
  }

  /**
   * One setting that must be given.
   *
   * @param key the setting's name
   * @param meaning what the setting is, for the message (e.g. "the Azure subscription id")
   * @return its value
   * @throws InvalidConfigurationException if it is missing or blank
   */
  public String requireSetting(String key, String meaning) {
    return setting(key).orElseThrow(() -> new InvalidConfigurationException(option(key),
        option(key) + " is required: " + meaning));
  }

  /**
   * The name of a setting as the pool's configuration spells it, for messages.
   *
   * @param key the setting's name
   * @return {@code "providers.<name>.<key>"}
   */
  public String option(String key) {
    return "providers." + providerName + "." + key;
  }
}
