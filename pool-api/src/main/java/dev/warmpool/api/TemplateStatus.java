package dev.warmpool.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One template's part of a {@link PoolSnapshot}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param template the template's name
 * @param byPlacement worker counts per placement, keyed by {@link Placement#key()}
 * @param total the sum of {@code byPlacement}
 * @param waiting lease requests waiting for a worker of this template
 * @param degraded whether no eligible placement can provision this template now (see {@link PoolEvent.PoolDegraded})
 * @param forecast the latest depletion forecast, empty when there is none
 * @param sizing the warm target in force, the term that set it and what the stock costs; empty where the engine
 *     does not report it
 *
 * @since 0.1
 */
public record TemplateStatus(String template, Map<String, WorkerCounts> byPlacement, WorkerCounts total, int waiting,
    boolean degraded, Optional<Forecast> forecast, Optional<SizingStatus> sizing) {
  /**
   * Checks the components and copies collections.
   *
   * @param template the template's name
   * @param byPlacement worker counts per placement, keyed by {@link Placement#key()}
   * @param total the sum of {@code byPlacement}
   * @param waiting lease requests waiting for a worker of this template
   * @param degraded whether no eligible placement can provision this template now (see {@link PoolEvent.PoolDegraded})
   * @param forecast the latest depletion forecast, empty when there is none
   * @param sizing the warm target in force and its cost, empty where not reported
   * @throws NullPointerException if a component is null
   */
  public TemplateStatus {
    Objects.requireNonNull(template, "template cannot be null");
    byPlacement = Map.copyOf(Objects.requireNonNull(byPlacement, "byPlacement cannot be null"));
    Objects.requireNonNull(total, "total cannot be null");
    Objects.requireNonNull(forecast, "forecast cannot be null");
    Objects.requireNonNull(sizing, "sizing cannot be null");
  }

  /**
   * A status without sizing figures.
   *
   * @param template the template's name
   * @param byPlacement worker counts per placement, keyed by {@link Placement#key()}
   * @param total the sum of {@code byPlacement}
   * @param waiting lease requests waiting for a worker of this template
   * @param degraded whether no eligible placement can provision this template now
   * @param forecast the latest depletion forecast, empty when there is none
   * @throws NullPointerException if a component is null
   */
  public TemplateStatus(String template, Map<String, WorkerCounts> byPlacement, WorkerCounts total, int waiting,
      boolean degraded, Optional<Forecast> forecast) {
    this(template, byPlacement, total, waiting, degraded, forecast, Optional.empty());
  }
}
