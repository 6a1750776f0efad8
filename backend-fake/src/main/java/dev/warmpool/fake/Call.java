package dev.warmpool.fake;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One call to the fake cloud, as its call log records it.
 *
 * <p>Immutable and thread-safe. A call's entry is taken when the call is made; {@link FakeCloud#calls()} returns
 * the entries as they are at that moment, so a pending provision shows {@link Outcome#PENDING} until it completes.
 *
 * @param at when the call was made
 * @param operation which call
 * @param region the region it addressed, or {@link FakeCloud#ALL_REGIONS} for a list
 * @param poolId the pool id of the request
 * @param workerId the worker id of the request, or an empty string for a list
 * @param outcome what the cloud answered, or {@link Outcome#PENDING}
 * @param code the error code the caller saw (e.g. {@code ServiceUnavailable}), or an empty string
 * @param completedAt when the caller got the answer, if it did
 *
 * @since 0.1
 */
public record Call(Instant at, Operation operation, String region, String poolId, String workerId, Outcome outcome,
    String code, Optional<Instant> completedAt) {
  /**
   * Checks the components.
   *
   * @param at when the call was made
   * @param operation which call
   * @param region the region it addressed, or {@link FakeCloud#ALL_REGIONS} for a list
   * @param poolId the pool id of the request
   * @param workerId the worker id of the request, or an empty string for a list
   * @param outcome what the cloud answered, or {@link Outcome#PENDING}
   * @param code the error code the caller saw, or an empty string
   * @param completedAt when the caller got the answer, if it did
   * @throws NullPointerException if a component is null
   */
  public Call {
    Objects.requireNonNull(at, "at cannot be null");
    Objects.requireNonNull(operation, "operation cannot be null");
    Objects.requireNonNull(region, "region cannot be null");
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(outcome, "outcome cannot be null");
    Objects.requireNonNull(code, "code cannot be null");
    Objects.requireNonNull(completedAt, "completedAt cannot be null");
  }

  @Override
  public String toString() {
    return at + " " + operation + " " + region + " " + poolId + "/" + workerId + " -> " + outcome
        + (code.isEmpty() ? "" : " " + code) + completedAt.map(c -> " at " + c).orElse("");
  }
}
