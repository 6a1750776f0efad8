package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Depletion forecasts and the alerts on failure bursts. Immutable; the constructor checks every rule and sorts the
 * horizons longest first.
 *
 * @param demandSmoothing the time constant of the demand average behind forecasts
 * @param forecastHorizons horizons, longest first, whose crossing publishes a forecast event
 * @param failureBurst failed calls in the window that raise a provisioning-failures alert
 */
public record ForecastPolicy(Duration demandSmoothing, List<Duration> forecastHorizons, int failureBurst) {

  /** The defaults the public builder starts from: 60 minutes of smoothing, 6h to 10m horizons, bursts of 3. */
  public static final ForecastPolicy DEFAULTS = new ForecastPolicy(Duration.ofMinutes(60), List.of(Duration.ofHours(6),
      Duration.ofHours(3), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(10)), 3);

  /**
   * Checks the rules.
   *
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public ForecastPolicy {
    Rules.positive(demandSmoothing, "demandSmoothing");
    if (forecastHorizons == null || forecastHorizons.isEmpty()) {
      throw new InvalidConfigurationException("forecastHorizons", "forecastHorizons needs at least one horizon");
    }
    for (Duration h : forecastHorizons) {
      Rules.positive(h, "forecastHorizons");
    }
    forecastHorizons = forecastHorizons.stream().sorted(Comparator.reverseOrder()).toList();
    Rules.atLeastOne(failureBurst, "alertOnFailures");
  }
}
