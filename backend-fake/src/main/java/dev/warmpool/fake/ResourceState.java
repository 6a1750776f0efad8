package dev.warmpool.fake;

import java.util.Locale;

/**
 * Where a resource in the fake cloud's inventory is in its life.
 *
 * @since 0.1
 */
public enum ResourceState {
  /** Being created: a provision was accepted and has not finished (or never will, under a hanging fault). */
  CREATING,
  /** Created and ready to serve. */
  RUNNING,
  /** Being deleted; it leaves the inventory when the delete finishes. */
  DELETING;

  /** {@return the state as the {@code state} attribute spells it: {@code creating}, {@code running}, {@code deleting}} */
  public String attribute() {
    return name().toLowerCase(Locale.ROOT);
  }
}
