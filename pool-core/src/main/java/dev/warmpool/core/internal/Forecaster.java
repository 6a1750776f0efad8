package dev.warmpool.core.internal;

import dev.warmpool.api.Forecast;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long a template's idle stock lasts: demand (an exponentially weighted average of lease requests per minute)
 * against supply (demand times the success rate of the placement that provisions the stock now).
 *
 * <p>Design: the lease path only bumps a striped counter ({@link #requests}); the engine turns counts into a rate once
 * per control pass, weighting each pass by its length ({@code 1 - e^(-dt/tau)}), so the average is the same whatever
 * the pass frequency. Time to empty is (idle + in-flight provisions expected to succeed) / (demand - supply) when
 * demand exceeds supply.
 */
final class Forecaster {
  final LongAdder requests = new LongAdder();
  private final Duration tau;
  private long lastCount;
  private Instant lastAt;
  private double perMinute = Double.NaN;
  private volatile Forecast latest;
  /** The smallest horizon the forecast is below, as an index into the horizons; -1 when above them all. */
  int horizonIndex = -1;

  Forecaster(Duration tau) {
    this.tau = tau;
  }

  /** Folds the requests counted since the last call into the average. */
  double update(Instant now) {
    long count = requests.sum();
    if (lastAt == null) {
      lastAt = now;
      lastCount = count;
      return 0;
    }
    double minutes = Duration.between(lastAt, now).toMillis() / 60_000.0;
    if (minutes <= 0) {
      return Double.isNaN(perMinute) ? 0 : perMinute;
    }
    double instant = (count - lastCount) / minutes;
    double weight = 1 - Math.exp(-minutes * 60_000.0 / tau.toMillis());
    perMinute = Double.isNaN(perMinute) ? instant : perMinute + weight * (instant - perMinute);
    lastAt = now;
    lastCount = count;
    return perMinute;
  }

  /** The average of the last {@link #update}, per minute; 0 before there is one. */
  double demand() {
    return Double.isNaN(perMinute) ? 0 : perMinute;
  }

  Optional<Forecast> latest() {
    return Optional.ofNullable(latest);
  }

  void publish(Forecast f) {
    latest = f;
  }

  static Optional<Duration> timeToEmpty(int idle, double expectedInFlight, double demand, double supply) {
    if (demand <= supply || demand <= 0) {
      return Optional.empty();
    }
    double minutes = (idle + expectedInFlight) / (demand - supply);
    return Optional.of(Duration.ofSeconds((long) (minutes * 60)));
  }

  static String format(Duration d) {
    long m = d.toMinutes();
    return m >= 60 ? String.format("%dh%02dm", m / 60, m % 60) : m + "m";
  }
}
