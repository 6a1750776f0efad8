package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;

/**
 * Per-call retries of provider calls: how many attempts, how long between them, and the seed of their jitter.
 * Immutable; the constructor checks every rule.
 *
 * @param maxAttempts provider calls per provision, counting the first
 * @param retryDelay the first retry's delay; it doubles per attempt, with jitter
 * @param maxRetryDelay the longest retry delay
 * @param seed the seed of the retry jitter, for reproducible simulations
 * @param maxRetryAfter the longest a provider's retry-after is honoured: a retry, a placement's write pause or a
 *     delete's next try waits for the provider's retry-after up to this, whatever the failure's kind
 */
public record CallRetryPolicy(int maxAttempts, Duration retryDelay, Duration maxRetryDelay, long seed,
    Duration maxRetryAfter) {

  /** The defaults the public builder starts from: 3 attempts, 5 seconds doubling up to 40; retry-after up to 5 min. */
  public static final CallRetryPolicy DEFAULTS = new CallRetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(40),
      0x5eed, Duration.ofMinutes(5));

  /**
   * Checks the rules.
   *
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public CallRetryPolicy {
    Rules.atLeastOne(maxAttempts, "retries.maxAttempts");
    Rules.positive(retryDelay, "retries.delay");
    Rules.atLeast(maxRetryDelay, retryDelay, "retries.maxDelay", "retries.delay");
    Rules.positive(maxRetryAfter, "maxRetryAfter");
  }
}
