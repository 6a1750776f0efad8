package dev.warmpool.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A rest the leader put on a placement (or a placement and size) that every node of a shared pool honours: an open
 * placement after a failure burst, a capacity or invalid answer, a throttle.
 *
 * @param key what rests: a placement key ({@code provider/region}), or a placement key and a size
 *     ({@code provider/region#size})
 * @param kind why: {@code OPEN}, {@code CAPACITY}, {@code INVALID} or {@code THROTTLED}
 * @param until when the rest ends, on the leader's pool clock
 * @param reason what the provider said, for operators
 *
 * @since 0.1
 */
public record StoredCooldown(String key, String kind, Instant until, String reason) {

  /**
   * Checks the components.
   *
   * @param key what rests
   * @param kind why
   * @param until when the rest ends
   * @param reason what the provider said
   * @throws NullPointerException if a component is null
   */
  public StoredCooldown {
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(kind, "kind cannot be null");
    Objects.requireNonNull(until, "until cannot be null");
    Objects.requireNonNull(reason, "reason cannot be null");
  }
}
