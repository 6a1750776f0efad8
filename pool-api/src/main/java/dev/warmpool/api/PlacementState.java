package dev.warmpool.api;

/**
 * The health of a placement, in circuit-breaker terms.
 *
 * @since 0.1
 */
public enum PlacementState {
  /** Healthy: provisions go there. */
  CLOSED,
  /** Failing: no provisions go there until a cooldown passes; its share moves to other placements. */
  OPEN,
  /** On probation after a cooldown: a few probe provisions decide whether it closes or opens again. */
  HALF_OPEN
}
