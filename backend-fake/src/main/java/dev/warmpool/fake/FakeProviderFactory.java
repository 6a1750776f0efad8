package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SafeText;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code "fake"} provider, found by {@link java.util.ServiceLoader}: a pool configured with provider
 * {@code fake} gets a {@link FakeCloud}'s provider.
 *
 * <p>How a factory that ServiceLoader made reaches a cloud: every {@link FakeCloud} registers itself (weakly) under
 * its {@link FakeCloud#id()}. Settings:
 * <ul>
 *   <li>{@code cloud=<id>}: the provider of the live cloud registered under that id, usually one a test built
 *       with {@code FakeCloud.builder().id("<id>")}. If no cloud has that id and {@code regions} is given, a new
 *       cloud is built and registered under it (find it with {@link FakeCloud#registered(String)}).</li>
 *   <li>{@code regions=westeurope:eu,northeurope:eu}: without {@code cloud} (or with an unknown one), a new cloud
 *       with these {@code region:geography} pairs, on the pool's clock ({@link ProviderContext#clock()}).</li>
 *   <li>{@code latency=PT5M} or {@code latency=PT3M..PT20M}: the new cloud's provisioning latency, fixed or uniform
 *       (ISO-8601 durations); 3 to 20 minutes by default.</li>
 *   <li>{@code deprovisionLatency}, {@code listLatency}: the same form; one minute and one second by default.</li>
 *   <li>{@code seed=42}: the new cloud's seed; 0 by default.</li>
 *   <li>{@code keepWarmPool=true}: the pool keeps its warm stock on close (give it when the pool is built with
 *       {@code keepWarmPool(true)}), so the cloud counts what it leaves running as kept, not leaked
 *       ({@link FakeCloud#declareKeepWarm(String)}); {@code false} by default.</li>
 * </ul>
 * A new cloud made from settings has no faults; script faults by building the cloud in the test and naming it with
 * {@code cloud}. Unknown settings are refused.
 *
 * <p>The provider is bound to the pool's id: when it is closed, the cloud counts that pool as closed.
 *
 * <p>Thread-safe: it holds no state.
 *
 * @since 0.1
 */
public final class FakeProviderFactory implements ProviderFactory {
  private static final Set<String> SETTINGS = Set.of("cloud", "regions", "latency", "deprovisionLatency",
      "listLatency", "seed", "keepWarmPool");

  /** Creates the factory; ServiceLoader calls this. */
  public FakeProviderFactory() {
    // stateless
  }

  /** {@return {@value FakeCloud#DEFAULT_PROVIDER_NAME}} */
  @Override
  public String name() {
    return FakeCloud.DEFAULT_PROVIDER_NAME;
  }

  /**
   * Finds or builds the cloud the settings name and returns its provider for the context's pool.
   *
   * @param context the pool's id, clock and this provider's settings
   * @return the provider
   * @throws InvalidConfigurationException naming the setting that is unknown, missing or malformed
   */
  @Override
  public WorkerProvider create(ProviderContext context) {
    for (String key : context.settings().keySet()) {
      if (!SETTINGS.contains(key)) {
        throw new InvalidConfigurationException(context.option(key), context.option(key)
            + " is not a setting of the fake provider; known: " + new TreeSet<>(SETTINGS));
      }
    }
    boolean keepWarm = keepWarm(context);
    var cloudId = context.setting("cloud");
    if (cloudId.isPresent()) {
      var existing = FakeCloud.registered(cloudId.get());
      if (existing.isPresent()) {
        return providerOf(existing.get(), context, keepWarm);
      }
      if (context.setting("regions").isEmpty()) {
        throw new InvalidConfigurationException(context.option("cloud"), context.option("cloud")
            + " names no live FakeCloud, was \"" + cloudId.get() + "\"; live clouds: " + FakeCloud.registeredIds()
            + " (or give " + context.option("regions") + " to build a new one)");
      }
    }
    String regions = context.requireSetting("regions",
        "the fake cloud's regions as region:geography pairs, e.g. westeurope:eu,northeurope:eu"
            + " (or name a built cloud with " + context.option("cloud") + ")");
    FakeCloud.Builder b = FakeCloud.builder().clock(context.clock());
    cloudId.ifPresent(b::id);
    Latency latency = context.setting("latency").map(v -> latency(context, "latency", v))
        .orElse(FakeCloud.DEFAULT_PROVISION_LATENCY);
    for (String pair : regions.split(",")) {
      String[] parts = pair.trim().split(":");
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new InvalidConfigurationException(context.option("regions"), context.option("regions")
            + " must be region:geography pairs separated by commas, e.g. westeurope:eu,northeurope:eu, was "
            + SafeText.quote(regions));
      }
      b.region(parts[0].trim(), parts[1].trim(), latency);
    }
    context.setting("deprovisionLatency").ifPresent(v -> b.deprovisionLatency(latency(context,
        "deprovisionLatency", v)));
    context.setting("listLatency").ifPresent(v -> b.listLatency(latency(context, "listLatency", v)));
    context.setting("seed").ifPresent(v -> {
      try {
        b.seed(Long.parseLong(v.trim()));
      } catch (NumberFormatException e) {
        throw new InvalidConfigurationException(context.option("seed"), context.option("seed")
            + " must be a whole number, was " + SafeText.quote(v));
      }
    });
    return providerOf(b.build(), context, keepWarm);
  }

  private static WorkerProvider providerOf(FakeCloud cloud, ProviderContext context, boolean keepWarm) {
    if (keepWarm) {
      cloud.declareKeepWarm(context.poolId());
    }
    return cloud.provider(context.providerName(), context.poolId());
  }

  private static boolean keepWarm(ProviderContext context) {
    String value = context.setting("keepWarmPool").map(String::trim).orElse("false");
    if (!value.equals("true") && !value.equals("false")) {
      throw new InvalidConfigurationException(context.option("keepWarmPool"), context.option("keepWarmPool")
          + " must be true or false, was \"" + value + "\"");
    }
    return value.equals("true");
  }

  private static Latency latency(ProviderContext context, String key, String value) {
    String option = context.option(key);
    try {
      String[] bounds = value.trim().split("\\.\\.");
      if (bounds.length == 1) {
        return Latency.fixed(Duration.parse(bounds[0].trim()));
      }
      if (bounds.length == 2) {
        return Latency.uniform(Duration.parse(bounds[0].trim()), Duration.parse(bounds[1].trim()));
      }
    } catch (DateTimeParseException | InvalidConfigurationException e) {
      throw new InvalidConfigurationException(option, option + " must be an ISO-8601 duration (PT5M) or a range"
          + " min..max (PT3M..PT20M) with min <= max, both zero or positive, was " + SafeText.quote(value));
    }
    throw new InvalidConfigurationException(option, option + " must be an ISO-8601 duration (PT5M) or a range"
        + " min..max (PT3M..PT20M), was " + SafeText.quote(value));
  }
}
