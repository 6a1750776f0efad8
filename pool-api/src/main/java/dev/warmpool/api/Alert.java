package dev.warmpool.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A condition that a person should know about, raised and cleared by the pool as events.
 *
 * <p>Alerts are deduplicated by {@link #key()}: while an alert with a key is raised, the same condition does not
 * raise it again. Immutable and thread-safe.
 *
 * @param key what the alert is about, stable across raises (e.g. {@code "provisioning-failures:azure/westeurope"})
 * @param severity how urgent it is
 * @param message a sentence a person can act on
 * @param raisedAt when it was raised, on the pool's clock
 *
 * @since 0.1
 */
public record Alert(String key, AlertSeverity severity, String message, Instant raisedAt) {
  /**
   * Checks the components and copies collections.
   *
   * @param key what the alert is about, stable across raises (e.g. {@code "provisioning-failures:azure/westeurope"})
   * @param severity how urgent it is
   * @param message a sentence a person can act on
   * @param raisedAt when it was raised, on the pool's clock
   * @throws NullPointerException if a component is null
   */
  public Alert {
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(severity, "severity cannot be null");
    Objects.requireNonNull(message, "message cannot be null");
    Objects.requireNonNull(raisedAt, "raisedAt cannot be null");
  }
}
