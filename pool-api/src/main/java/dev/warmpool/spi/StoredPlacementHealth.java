package dev.warmpool.spi;

import dev.warmpool.api.PlacementState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one placement as the leader of a shared pool keeps it in its {@link PoolStore}, so that the next
 * leader continues where the last one stopped: the circuit's state and cooldowns, the failure-rate window, the probes
 * that succeeded, the throttle pause and the capacity cooldowns per size. Every node reads it for its snapshots.
 * Immutable and thread-safe.
 *
 * @param placement the placement's key ({@code provider/region})
 * @param state closed, open or half-open
 * @param openUntil when an open placement half-opens, or null if it never opened
 * @param nextCooldown how long the placement rests the next time it opens (it doubles while failures continue)
 * @param closedSince when the placement last closed after being open, or null if it never reopened
 * @param probeSuccesses successful probes since it half-opened
 * @param calls when the calls in the failure window were made, oldest first
 * @param failures when the failed calls in the window were made, oldest first
 * @param failureCode the provider's code of the first failure in the window, or empty
 * @param throttledUntil when writes to the placement may start again after a throttle, or null if never throttled
 * @param coolingUntil capacity (or invalid-request) cooldowns: when each size may be provisioned again
 * @since 0.1
 */
public record StoredPlacementHealth(String placement, PlacementState state, Instant openUntil, Duration nextCooldown,
    Instant closedSince, int probeSuccesses, List<Instant> calls, List<Instant> failures, String failureCode,
    Instant throttledUntil, Map<String, Instant> coolingUntil) {

  /**
   * Checks the components and copies the collections.
   *
   * @param placement the placement's key
   * @param state the state
   * @param openUntil when it half-opens, or null
   * @param nextCooldown the next cooldown
   * @param closedSince when it last closed, or null
   * @param probeSuccesses successful probes since it half-opened
   * @param calls the window's calls
   * @param failures the window's failures
   * @param failureCode the first failure's code, or empty
   * @param throttledUntil the end of the throttle, or null
   * @param coolingUntil cooldowns per size
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if probeSuccesses is negative or nextCooldown is not positive
   */
  public StoredPlacementHealth {
    Objects.requireNonNull(placement, "placement cannot be null");
    Objects.requireNonNull(state, "state cannot be null");
    Objects.requireNonNull(nextCooldown, "nextCooldown cannot be null");
    calls = List.copyOf(Objects.requireNonNull(calls, "calls cannot be null"));
    failures = List.copyOf(Objects.requireNonNull(failures, "failures cannot be null"));
    Objects.requireNonNull(failureCode, "failureCode cannot be null");
    coolingUntil = Map.copyOf(Objects.requireNonNull(coolingUntil, "coolingUntil cannot be null"));
    if (probeSuccesses < 0) {
      throw new IllegalArgumentException("probeSuccesses must be >= 0, was " + probeSuccesses);
    }
    if (nextCooldown.isNegative() || nextCooldown.isZero()) {
      throw new IllegalArgumentException("nextCooldown must be positive, was " + nextCooldown);
    }
  }
}
