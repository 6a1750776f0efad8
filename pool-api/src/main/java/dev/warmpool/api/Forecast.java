package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How long the warm stock of a template lasts at the current demand and supply.
 *
 * <p>Immutable and thread-safe.
 *
 * @param template the template
 * @param geography the geography the forecast covers, or {@code "*"} for all of the template's placements
 * @param at when it was computed, on the pool's clock
 * @param idle idle workers now
 * @param inFlight provisions under way
 * @param demandPerMinute leases granted or requested per minute (a moving average)
 * @param supplyPerMinute workers expected per minute from provisions that are likely to succeed
 * @param timeToEmpty when demand exceeds supply, how long until no idle worker is left; empty otherwise
 * @param message a sentence for people, e.g. "eu stock of 38 lasts ~2h09m at 0.29 leases/min; westeurope failing"
 *
 * @since 0.1
 */
public record Forecast(String template, String geography, Instant at, int idle, int inFlight, double demandPerMinute,
    double supplyPerMinute, Optional<Duration> timeToEmpty, String message) {
  /**
   * Checks the components and copies collections.
   *
   * @param template the template
   * @param geography the geography the forecast covers, or {@code "*"} for all of the template's placements
   * @param at when it was computed, on the pool's clock
   * @param idle idle workers now
   * @param inFlight provisions under way
   * @param demandPerMinute leases granted or requested per minute (a moving average)
   * @param supplyPerMinute workers expected per minute from provisions that are likely to succeed
   * @param timeToEmpty when demand exceeds supply, how long until no idle worker is left; empty otherwise
   * @param message a sentence for people, e.g. "eu stock of 38 lasts ~2h09m at 0.29 leases/min; westeurope failing"
   * @throws NullPointerException if a component is null
   */
  public Forecast {
    Objects.requireNonNull(template, "template cannot be null");
    Objects.requireNonNull(geography, "geography cannot be null");
    Objects.requireNonNull(at, "at cannot be null");
    Objects.requireNonNull(timeToEmpty, "timeToEmpty cannot be null");
    Objects.requireNonNull(message, "message cannot be null");
  }

  /** {@return when the stock is expected to run out, if it is} */
  public Optional<Instant> emptyAt() {
    return timeToEmpty.map(at::plus);
  }
}
