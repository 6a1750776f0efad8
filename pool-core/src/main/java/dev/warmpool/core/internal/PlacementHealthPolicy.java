package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;

/**
 * When a placement counts as unhealthy, how it comes back, and what the pool does meanwhile (fail over, protect its
 * stock). Immutable; the constructor checks every rule, so a built policy is always valid.
 *
 * @param failover whether a template's warm target moves away from an unhealthy placement (and back)
 * @param degradedMode whether the pool protects its stock when no placement can provision
 * @param failureWindow how far back the failure rate looks
 * @param minCalls how many calls the window needs before it may open a placement
 * @param failureRate the share of failed calls that opens a placement
 * @param openCooldown the first cooldown of an open placement; it doubles while failures continue
 * @param maxOpenCooldown the longest cooldown
 * @param probeAcceptance checked and kept for compatibility; a probe counts only when its call completes
 * @param probesToClose successful probes that close a half-open placement
 * @param capacityCooldown how long a (placement, size) pair rests after a capacity error
 * @param throttleDefault how long writes pause after a throttle that named no retry-after
 */
public record PlacementHealthPolicy(boolean failover, boolean degradedMode, Duration failureWindow, int minCalls,
    double failureRate, Duration openCooldown, Duration maxOpenCooldown, Duration probeAcceptance, int probesToClose,
    Duration capacityCooldown, Duration throttleDefault) {

  /** The defaults the public builder starts from: failover and degraded mode on, 3 calls at 50% in 10 minutes. */
  public static final PlacementHealthPolicy DEFAULTS = new PlacementHealthPolicy(true, true, Duration.ofMinutes(10), 3,
      0.5, Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(2), 2, Duration.ofMinutes(15),
      Duration.ofSeconds(30));

  /**
   * Checks the rules.
   *
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public PlacementHealthPolicy {
    Rules.atLeastOne(minCalls, "placementHealth.minCalls");
    if (!(failureRate > 0 && failureRate <= 1)) {
      throw new InvalidConfigurationException("placementHealth.failureRate", "placementHealth.failureRate must be"
          + " above 0 and at most 1, was " + failureRate);
    }
    Rules.positive(failureWindow, "placementHealth.window");
    Rules.positive(openCooldown, "openCooldown.initial");
    Rules.atLeast(maxOpenCooldown, openCooldown, "openCooldown.max", "openCooldown.initial");
    Rules.atLeastOne(probesToClose, "probes.probes");
    Rules.positive(probeAcceptance, "probes.acceptance");
    Rules.positive(capacityCooldown, "capacityCooldown");
    Rules.positive(throttleDefault, "throttlePause");
  }
}
