package dev.warmpool.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A consistent picture of a pool at one instant: workers by template, placement and state, waiting requests,
 * placement health, degraded templates, forecasts and raised alerts.
 *
 * <p>Immutable and thread-safe. Taking one costs a pass over the pool's workers: fine for monitoring, not for every
 * lease.
 *
 * @param poolId the pool
 * @param takenAt when it was taken, on the pool's clock
 * @param templates one entry per template, in configuration order
 * @param placements one entry per placement, in preference order
 * @param alerts the alerts raised and not yet cleared
 * @param droppedEvents events that listeners did not receive because they fell too far behind, since the pool started
 * @param rollouts the rolls under way, one per template whose workers are being replaced
 *
 * @since 0.1
 */
public record PoolSnapshot(String poolId, Instant takenAt, List<TemplateStatus> templates,
    List<PlacementStatus> placements, List<Alert> alerts, long droppedEvents, List<RolloutStatus> rollouts) {
  /**
   * Checks the components and copies collections.
   *
   * @param poolId the pool
   * @param takenAt when it was taken, on the pool's clock
   * @param templates one entry per template, in configuration order
   * @param placements one entry per placement, in preference order
   * @param alerts the alerts raised and not yet cleared
   * @param droppedEvents events that listeners did not receive because they fell too far behind, since the pool started
   * @param rollouts the rolls under way
   * @throws NullPointerException if a component is null
   */
  public PoolSnapshot {
    rollouts = List.copyOf(Objects.requireNonNull(rollouts, "rollouts cannot be null"));
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(takenAt, "takenAt cannot be null");
    templates = List.copyOf(Objects.requireNonNull(templates, "templates cannot be null"));
    placements = List.copyOf(Objects.requireNonNull(placements, "placements cannot be null"));
    alerts = List.copyOf(Objects.requireNonNull(alerts, "alerts cannot be null"));
  }

  /**
   * A snapshot with no roll under way.
   *
   * @param poolId the pool's id
   * @param takenAt when, on the pool's clock
   * @param templates one entry per template, in configuration order
   * @param placements one entry per placement, in preference order
   * @param alerts the alerts raised and not yet cleared
   * @param droppedEvents events that listeners did not receive because they fell too far behind
   */
  public PoolSnapshot(String poolId, Instant takenAt, List<TemplateStatus> templates, List<PlacementStatus> placements,
      List<Alert> alerts, long droppedEvents) {
    this(poolId, takenAt, templates, placements, alerts, droppedEvents, List.of());
  }

  /**
   * The roll under way for a template.
   *
   * @param template the template's name
   * @return its roll, or empty when none is under way
   */
  public Optional<RolloutStatus> rollout(String template) {
    return rollouts.stream().filter(r -> r.template().equals(template)).findFirst();
  }

  /**
   * One template's status.
   *
   * @param template the template's name
   * @return its status, or empty if the pool has no such template
   */
  public Optional<TemplateStatus> template(String template) {
    return templates.stream().filter(t -> t.template().equals(template)).findFirst();
  }

  /**
   * One placement's status.
   *
   * @param key the placement's {@link Placement#key()}
   * @return its status, or empty if the pool has no such placement
   */
  public Optional<PlacementStatus> placement(String key) {
    return placements.stream().filter(p -> p.placement().key().equals(key)).findFirst();
  }

  /** {@return worker counts summed over every template} */
  public WorkerCounts total() {
    return templates.stream().map(TemplateStatus::total).reduce(WorkerCounts.ZERO, WorkerCounts::plus);
  }

  /** {@return lease requests waiting, over every template} */
  public int waiting() {
    return templates.stream().mapToInt(TemplateStatus::waiting).sum();
  }
}
