package dev.warmpool.core.internal;

import java.time.Duration;

/**
 * How placement health and per-call retries behave; validated by the public builder.
 *
 * @param failover whether a template's warm target moves away from an unhealthy placement
 * @param degradedMode whether the pool protects its stock when no placement can provision
 * @param failureWindow how far back the failure rate looks
 * @param minCalls how many calls the window needs before it may open a placement
 * @param failureRate the share of failed calls that opens a placement
 * @param openCooldown the first cooldown of an open placement; it doubles while failures continue
 * @param maxOpenCooldown the longest cooldown
 * @param probeAcceptance how long a probe provision must run without failing to count as a success
 * @param probesToClose successful probes that close a half-open placement
 * @param capacityCooldown how long a (placement, size) pair rests after a capacity error
 * @param throttleDefault how long writes pause after a throttle that named no retry-after
 * @param maxAttempts provider calls per provision, counting the first
 * @param retryDelay the first retry's delay; it doubles per attempt, with jitter
 * @param maxRetryDelay the longest retry delay
 * @param seed the seed of the retry jitter, for reproducible simulations
 * @param demandSmoothing the time constant of the demand average behind forecasts
 * @param forecastHorizons horizons, longest first, whose crossing publishes a forecast event
 * @param failureBurst failed calls in the window that raise a provisioning-failures alert
 */
public record HealthPolicy(boolean failover, boolean degradedMode, Duration failureWindow, int minCalls,
    double failureRate, Duration openCooldown, Duration maxOpenCooldown, Duration probeAcceptance, int probesToClose,
    Duration capacityCooldown, Duration throttleDefault, int maxAttempts, Duration retryDelay, Duration maxRetryDelay,
    long seed, Duration demandSmoothing, java.util.List<Duration> forecastHorizons, int failureBurst) {

  /** The defaults the public builder starts from. */
  public static final HealthPolicy DEFAULTS = new HealthPolicy(true, true, Duration.ofMinutes(10), 3, 0.5,
      Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(2), 2, Duration.ofMinutes(15),
      Duration.ofSeconds(30), 3, Duration.ofSeconds(5), Duration.ofSeconds(40), 0x5eed, Duration.ofMinutes(60),
      java.util.List.of(Duration.ofHours(6), Duration.ofHours(3), Duration.ofHours(1), Duration.ofMinutes(30),
          Duration.ofMinutes(10)), 3);
}
