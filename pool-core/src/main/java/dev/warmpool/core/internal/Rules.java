package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;

/**
 * The checks the configuration records run on themselves: each message names the option, the rule and the value.
 * Stateless.
 */
final class Rules {
  private Rules() {}

  static Duration positive(Duration d, String option) {
    if (d == null) {
      throw new InvalidConfigurationException(option, option + " cannot be null");
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidConfigurationException(option, option + " must be positive, was " + d);
    }
    return d;
  }

  static Duration notNegative(Duration d, String option) {
    if (d == null) {
      throw new InvalidConfigurationException(option, option + " cannot be null");
    }
    if (d.isNegative()) {
      throw new InvalidConfigurationException(option, option + " cannot be negative, was " + d);
    }
    return d;
  }

  static int atLeastOne(int value, String option) {
    if (value < 1) {
      throw new InvalidConfigurationException(option, option + " must be between 1 and " + Integer.MAX_VALUE
          + ", was " + value);
    }
    return value;
  }

  static Duration atLeast(Duration d, Duration floor, String option, String floorName) {
    if (d == null) {
      throw new InvalidConfigurationException(option, option + " cannot be null");
    }
    if (d.compareTo(floor) < 0) {
      throw new InvalidConfigurationException(option, option + " must be at least " + floorName + " (" + floor
          + "), was " + d);
    }
    return d;
  }
}
