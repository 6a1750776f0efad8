package dev.warmpool.core.internal;

import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.Forecast;
import dev.warmpool.api.PoolEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Early warning: each pass, a depletion forecast per template (how long its idle stock lasts at the current demand
 * and supply), published as a {@code DepletionForecast} event each time it crosses one more horizon, and as the
 * depletion alert (critical under 30 minutes).
 *
 * <p>Design: {@link Forecaster} holds the demand average and the last forecast; this class decides what supply to
 * count on (the success rate of the placement that provisions the stock now, none while it is in a failure burst) and
 * when a crossing counts (with a 10% margin against flapping). (Issue 16's Little's-law sizing of supply reads the
 * same demand.) Runner only.
 */
final class DepletionWatch {
  private final PoolRuntime rt;
  private final ForecastPolicy policy;
  private final boolean failover;

  DepletionWatch(PoolRuntime rt) {
    this.rt = rt;
    this.policy = rt.config.forecast();
    this.failover = rt.config.health().failover();
  }

  /** Recomputes the template's forecast from this pass's tallies; publishes crossings and alerts. */
  void forecast(TemplateRuntime t, Instant now) {
    Forecaster f = t.forecaster;
    double demand = f.update(now);
    PlacementShelf target = t.active != null ? t.active : failover ? null : t.home;
    // Why: the health window mixes outcomes of different ages. At the onset of an outage its successes are
    // provisions issued up to a latency (20 min) before the failures began, so the window's success rate (5 of 11 in
    // the seed incident) promised a supply that never came and forecast 4h39m for a pool that ran dry in 2h13m. While
    // the placement is in a failure burst (the provisioning-failures alert's threshold), new provisions are not
    // counted on at all; in-flight ones still count at the window's rate below.
    double rate = target != null && target.health.windowFailures() >= policy.failureBurst() ? 0 : successRate(target);
    int idle = 0;
    double coming = 0;
    for (PlacementShelf s : t.shelves) {
      idle += s.tallyIdle;
      coming += s.inFlight * successRate(s);
    }
    Optional<Duration> tte = Forecaster.timeToEmpty(idle, coming, demand, demand * rate);
    String geography = t.home.placement.geography();
    StringBuilder msg = new StringBuilder("template ").append(t.name()).append(": ").append(geography)
        .append(" stock of ").append(idle);
    if (tte.isPresent()) {
      msg.append(" lasts ~").append(Forecaster.format(tte.get()));
    } else {
      msg.append(" holds");
    }
    msg.append(String.format(Locale.ROOT, " at %.2f leases/min", demand));
    for (PlacementShelf s : t.shelves) {
      if (Failover.inHomeGeography(t, s) && s.health.windowFailures() > 0) {
        msg.append("; ").append(s.placement.region()).append(" failing (").append(s.health.failureSummary())
            .append(')');
      }
    }
    Forecast forecast = new Forecast(t.name(), geography, now, idle, (int) Math.round(coming), demand,
        demand * rate, tte, msg.toString());
    f.publish(forecast);
    int index = -1;
    if (tte.isPresent()) {
      List<Duration> horizons = policy.forecastHorizons();
      for (int i = 0; i < horizons.size(); i++) {
        if (tte.get().compareTo(horizons.get(i)) < 0) {
          index = i;
        }
      }
      // Why: the demand estimate wobbles with each arrival (0.29 to 0.31 a minute at one request every 200 s), so a
      // forecast near a horizon went back and forth across it and published the same crossing again (1h, 30m and
      // 10m each twice in the seed incident). A crossed horizon counts as left only once the forecast is 10% above it.
      if (index < f.horizonIndex && f.horizonIndex < horizons.size()
          && tte.get().toMillis() < horizons.get(f.horizonIndex).toMillis() * 1.1) {
        index = f.horizonIndex;
      }
    }
    if (index > f.horizonIndex) {
      rt.publish(new PoolEvent.DepletionForecast(rt.poolId, now, forecast));
    }
    f.horizonIndex = index;
    String key = "depletion:" + t.name();
    if (index < 0) {
      rt.alerts.clear(key, now);
    } else {
      boolean soon = tte.get().compareTo(Duration.ofMinutes(30)) < 0;
      rt.alerts.raise(key, soon ? AlertSeverity.CRITICAL : AlertSeverity.WARNING, forecast.message(), now);
    }
  }

  private static double successRate(PlacementShelf s) {
    if (s == null || !s.health.isClosed()) {
      return 0;
    }
    int calls = s.health.windowCalls();
    return calls == 0 ? 1 : (calls - s.health.windowFailures()) / (double) calls;
  }
}
