package dev.warmpool.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One placement's health in a {@link PoolSnapshot}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param placement the placement
 * @param state closed (healthy), open (failing) or half-open (probing)
 * @param recentCalls provider calls in the current failure-rate window
 * @param recentFailures failed calls among them, with the creates that hang (still out well past what this
 *     placement's creates take) while they stay out
 * @param coolingSizes sizes that are cooling down after a capacity error in this placement
 * @param throttledUntil when writes to this placement may resume after a throttle, if they are paused
 *
 * @since 0.1
 */
public record PlacementStatus(Placement placement, PlacementState state, int recentCalls, int recentFailures,
    Set<String> coolingSizes, Optional<Instant> throttledUntil) {
  /**
   * Checks the components and copies collections.
   *
   * @param placement the placement
   * @param state closed (healthy), open (failing) or half-open (probing)
   * @param recentCalls provider calls in the current failure-rate window
   * @param recentFailures failed calls among them, with the creates that hang (still out well past what this
   *     placement's creates take) while they stay out
   * @param coolingSizes sizes that are cooling down after a capacity error in this placement
   * @param throttledUntil when writes to this placement may resume after a throttle, if they are paused
   * @throws NullPointerException if a component is null
   */
  public PlacementStatus {
    Objects.requireNonNull(placement, "placement cannot be null");
    Objects.requireNonNull(state, "state cannot be null");
    coolingSizes = Set.copyOf(Objects.requireNonNull(coolingSizes, "coolingSizes cannot be null"));
    Objects.requireNonNull(throttledUntil, "throttledUntil cannot be null");
  }
}
