package dev.warmpool.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a template's roll stands: how many of its workers are of another version (or in a draining placement) and
 * still to be replaced, and how many were replaced so far.
 *
 * @param template the template
 * @param version the version new workers are made with
 * @param remaining workers of another version or in a draining placement still alive (idle, leased or being made)
 * @param replaced such workers removed since the roll started
 * @param paused whether the roll waits because no placement can provision the template (an outage): the old
 *     workers keep serving meanwhile
 * @param startedAt when the roll started
 * @since 0.1
 */
public record RolloutStatus(String template, String version, int remaining, int replaced, boolean paused,
    Instant startedAt) {
  /**
   * Checks the fields.
   *
   * @param template the template
   * @param version the version new workers are made with
   * @param remaining old workers still alive
   * @param replaced old workers removed since the roll started
   * @param paused whether the roll waits for a placement that can provision the template
   * @param startedAt when the roll started
   * @throws NullPointerException if a field is null
   * @throws IllegalArgumentException if a count is negative
   */
  public RolloutStatus {
    Objects.requireNonNull(template, "template cannot be null");
    Objects.requireNonNull(version, "version cannot be null");
    Objects.requireNonNull(startedAt, "startedAt cannot be null");
    if (remaining < 0 || replaced < 0) {
      throw new IllegalArgumentException("remaining and replaced must be >= 0, got " + remaining + ", " + replaced);
    }
  }
}
