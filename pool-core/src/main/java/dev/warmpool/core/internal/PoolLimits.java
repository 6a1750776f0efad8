package dev.warmpool.core.internal;

import java.time.Duration;

/**
 * The control loop's pace and bounds, and what happens to the stock at close. Immutable; the constructor checks
 * every rule.
 *
 * @param controlInterval the longest time between two control passes
 * @param maxConcurrentProvisions provisions in flight per placement and template
 * @param closeGracePeriod how long close waits for live leases
 * @param deleteTimeout how long one deprovision call may take
 * @param reconcileInterval how often the inventory is compared with the known set
 * @param orphanGracePeriod how old an unknown tagged resource must be before it is adopted or deleted
 * @param eventQueueCapacity how many undelivered events may queue before new ones are dropped
 * @param keepWarmPool whether close keeps idle workers and a start adopts the previous generation's
 */
public record PoolLimits(Duration controlInterval, int maxConcurrentProvisions, Duration closeGracePeriod,
    Duration deleteTimeout, Duration reconcileInterval, Duration orphanGracePeriod, int eventQueueCapacity,
    boolean keepWarmPool) {

  /**
   * Checks the rules.
   *
   * @throws dev.warmpool.api.InvalidConfigurationException naming the first option that breaks a rule
   */
  public PoolLimits {
    Rules.positive(controlInterval, "controlInterval");
    Rules.positive(deleteTimeout, "deleteTimeout");
    Rules.notNegative(closeGracePeriod, "closeGracePeriod");
    Rules.atLeastOne(maxConcurrentProvisions, "maxConcurrentProvisions");
    Rules.positive(reconcileInterval, "reconcileInterval");
    Rules.notNegative(orphanGracePeriod, "orphanGracePeriod");
    Rules.atLeastOne(eventQueueCapacity, "eventQueueCapacity");
  }
}
