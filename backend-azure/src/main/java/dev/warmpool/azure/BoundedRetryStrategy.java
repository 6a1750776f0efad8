package dev.warmpool.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import java.time.Duration;

/**
 * The SDK's exponential backoff, except that a response whose {@code Retry-After} is longer than the longest backoff
 * is not retried inside the client: the SDK would honour any {@code Retry-After} without a cap and hold a thread for
 * it, while the pool can wait for it without a thread (THROTTLED or TRANSIENT with the retry-after).
 */
final class BoundedRetryStrategy implements RetryStrategy {
  private final ExponentialBackoff backoff;
  private final Duration maxDelay;

  BoundedRetryStrategy(int maxRetries, Duration baseDelay, Duration maxDelay) {
    this.backoff = new ExponentialBackoff(maxRetries, baseDelay, maxDelay);
    this.maxDelay = maxDelay;
  }

  @Override
  public int getMaxRetries() {
    return backoff.getMaxRetries();
  }

  @Override
  public Duration calculateRetryDelay(int retryAttempts) {
    return backoff.calculateRetryDelay(retryAttempts);
  }

  @Override
  public boolean shouldRetryCondition(RequestRetryCondition condition) {
    if (condition.getResponse() != null) {
      Duration retryAfter = ArmErrors.parseRetryAfter(condition.getResponse().getHeaderValue(HttpHeaderName.RETRY_AFTER));
      if (retryAfter != null && retryAfter.compareTo(maxDelay) > 0) {
        return false;
      }
    }
    return backoff.shouldRetryCondition(condition);
  }
}
