package dev.warmpool.spi;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.SafeText;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link ProviderFactory} gets to create a provider: the pool's id and clock and the provider's settings.
 *
 * <p>Settings may hold secrets, so {@link #toString()} prints every key but the values only of keys known to be
 * harmless ({@link #HARMLESS_KEYS}).
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
   * The setting keys whose values {@link #toString()} prints: names of kinds, regions, clouds and limits, never
   * credentials, endpoints or ids. Keys starting with {@code resourceGroup.} are harmless too.
   */
  public static final Set<String> HARMLESS_KEYS = Set.of("kind", "credential", "regions", "cloud", "latency",
      "deprovisionLatency", "listLatency", "seed", "pollInterval", "readRetries", "maxConcurrentCalls");

  /**
   * Checks the components and copies collections.
   *
   * @param poolId the pool's id
   * @param providerName the name the provider is registered under
   * @param settings the provider's settings as the user gave them
   * @param clock the pool's clock; providers read time and schedule polls through it
   * @throws NullPointerException if a component, a setting's key or a setting's value is null (naming the key)
   */
  public ProviderContext {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(providerName, "providerName cannot be null");
    settings = copySettings(providerName, Objects.requireNonNull(settings, "settings cannot be null"));
    Objects.requireNonNull(clock, "clock cannot be null");
  }

  /**
   * Copies provider settings, refusing a null key or value with the setting named (a bare {@code Map.copyOf} throws
   * a {@link NullPointerException} that says nothing).
   *
   * @param providerName the provider the settings are for
   * @param settings the settings
   * @return an immutable copy
   * @throws NullPointerException naming the provider and the key whose value is null, or the null key
   */
  public static Map<String, String> copySettings(String providerName, Map<String, String> settings) {
    settings.forEach((k, v) -> {
      Objects.requireNonNull(k, () -> "providers." + providerName + " has a setting with a null key");
      Objects.requireNonNull(v, () -> "providers." + providerName + "." + SafeText.of(k) + " cannot be null");
    });
    return Map.copyOf(settings);
  }

  /**
   * The context without secrets: every setting's key, and the value only for {@link #HARMLESS_KEYS} and
   * {@code resourceGroup.*} keys ({@code ***} for the others).
   */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    settings.forEach((k, v) -> shown.put(SafeText.of(k),
        HARMLESS_KEYS.contains(k) || k.startsWith("resourceGroup.") ? SafeText.of(v) : "***"));
    return "ProviderContext[poolId=" + poolId + ", providerName=" + SafeText.of(providerName) + ", settings=" + shown
        + ", clock=" + clock + "]";
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
