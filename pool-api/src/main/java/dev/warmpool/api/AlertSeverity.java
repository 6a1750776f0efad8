package dev.warmpool.api;

/**
 * How urgent an {@link Alert} is.
 *
 * @since 0.1
 */
public enum AlertSeverity {
  /** Worth knowing; nothing to do yet. */
  INFO,
  /** Something is failing; the pool is coping on its own for now. */
  WARNING,
  /** Leases are failing or about to; a person should act. */
  CRITICAL
}
