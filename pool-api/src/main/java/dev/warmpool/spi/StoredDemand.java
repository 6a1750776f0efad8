package dev.warmpool.spi;

import java.util.Objects;

/**
 * One hour of the week of a template's learned demand, which the leader of a shared pool keeps in the store so that
 * the next leader pre-warms for the peaks the last one saw. At most 168 per template: the store keeps one per
 * template and hour of the week, replacing it on each write.
 *
 * @param template the template's name
 * @param hourOfWeek the hour of the week in the sizing policy's zone, 0 (Monday 00:00) to 167 (Sunday 23:00)
 * @param peak the most lease requests seen in any five minutes of that hour, 0 or more
 * @param recordedHour the hour it was seen, in whole hours since 1970-01-01T00:00Z
 *
 * @since 0.1
 */
public record StoredDemand(String template, int hourOfWeek, int peak, long recordedHour) {

  /**
   * Checks the components.
   *
   * @param template the template's name
   * @param hourOfWeek the hour of the week, 0 to 167
   * @param peak the most requests in five minutes of that hour
   * @param recordedHour the hour it was seen
   * @throws NullPointerException if template is null
   * @throws IllegalArgumentException if hourOfWeek is outside 0 to 167 or peak is negative
   */
  public StoredDemand {
    Objects.requireNonNull(template, "template cannot be null");
    if (hourOfWeek < 0 || hourOfWeek > 167) {
      throw new IllegalArgumentException("hourOfWeek must be between 0 and 167, was " + hourOfWeek);
    }
    if (peak < 0) {
      throw new IllegalArgumentException("peak must be 0 or more, was " + peak);
    }
  }
}
