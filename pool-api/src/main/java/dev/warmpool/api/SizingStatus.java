package dev.warmpool.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A template's warm target and what it costs, as a {@link TemplateStatus} reports it: the target in force, the term
 * that set it, the observations behind it, the idle worker-hours paid so far and the lease-wait quantiles.
 *
 * <p>For a template with a fixed {@link WorkerTemplate#warmTarget()} the term is {@code fixed} and the observations
 * are still reported, so that a fixed target and a {@link SizingPolicy} can be compared on the same figures.
 * Immutable and thread-safe.
 *
 * @param target the warm target in force
 * @param term what set it: {@code fixed}, {@code rate} (the observed arrival rate over the lead time),
 *     {@code seasonality} (a peak learned by hour of week), {@code schedule} (a window's minimum), {@code floor},
 *     {@code ceiling}, {@code waiting} (requests waiting now) or {@code outage-runway} (the rate over the longer
 *     lead time of a failover placement)
 * @param arrivalsPerMinute the lease requests a minute the target was computed from (the larger of the short and
 *     long windows)
 * @param leadTime the provisioning lead time it was computed from (a recent high quantile), empty when unknown
 * @param idleWorkerHours idle worker-hours since the pool started: what the warm stock has cost
 * @param waitP50 the median lease wait since the pool started, empty before the first grant
 * @param waitP95 the 95th percentile lease wait, empty before the first grant
 * @param waitP99 the 99th percentile lease wait, empty before the first grant
 * @param waitMax the longest lease wait
 *
 * @since 0.1
 */
public record SizingStatus(int target, String term, double arrivalsPerMinute, Optional<Duration> leadTime,
    double idleWorkerHours, Optional<Duration> waitP50, Optional<Duration> waitP95, Optional<Duration> waitP99,
    Duration waitMax) {
  /**
   * Checks the components.
   *
   * @param target the warm target in force
   * @param term what set it
   * @param arrivalsPerMinute lease requests a minute
   * @param leadTime the provisioning lead time, empty when unknown
   * @param idleWorkerHours idle worker-hours since the pool started
   * @param waitP50 the median lease wait
   * @param waitP95 the 95th percentile lease wait
   * @param waitP99 the 99th percentile lease wait
   * @param waitMax the longest lease wait
   * @throws NullPointerException if a component is null
   */
  public SizingStatus {
    Objects.requireNonNull(term, "term cannot be null");
    Objects.requireNonNull(leadTime, "leadTime cannot be null");
    Objects.requireNonNull(waitP50, "waitP50 cannot be null");
    Objects.requireNonNull(waitP95, "waitP95 cannot be null");
    Objects.requireNonNull(waitP99, "waitP99 cannot be null");
    Objects.requireNonNull(waitMax, "waitMax cannot be null");
  }
}
