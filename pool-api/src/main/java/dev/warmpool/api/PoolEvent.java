package dev.warmpool.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Something that happened in a pool, told to {@link PoolListener}s after the fact.
 *
 * <p>A sealed family of immutable records named in the past tense. Every event carries the pool's id and the instant
 * it happened on the pool's clock. New event types may be added in minor releases: listeners should ignore types they
 * do not know.
 *
 * @since 0.1
 */
public sealed interface PoolEvent {

  /** {@return the id of the pool the event happened in} */
  String poolId();

  /** {@return when it happened, on the pool's clock} */
  Instant at();

  /**
   * A lease was granted.
   *
   * @param poolId the pool
   * @param at when
   * @param leaseId the lease
   * @param workerId the worker it holds
   * @param template the worker's template
   * @param placement where the worker runs
   * @param tenant the lease's tenant
   * @param waited how long the request waited
   */
  record LeaseGranted(String poolId, Instant at, String leaseId, String workerId, String template,
      Placement placement, String tenant, Duration waited) implements PoolEvent {}

  /**
   * A lease ended by its holder: released or discarded.
   *
   * @param poolId the pool
   * @param at when
   * @param leaseId the lease
   * @param workerId its worker
   * @param template the worker's template
   * @param tenant the lease's tenant
   * @param discarded true if the holder discarded the worker, false if it released it
   */
  record LeaseReleased(String poolId, Instant at, String leaseId, String workerId, String template, String tenant,
      boolean discarded) implements PoolEvent {}

  /**
   * A lease passed its expiry; its worker is destroyed.
   *
   * @param poolId the pool
   * @param at when
   * @param leaseId the lease
   * @param workerId its worker
   * @param template the worker's template
   * @param tenant the lease's tenant
   */
  record LeaseExpired(String poolId, Instant at, String leaseId, String workerId, String template, String tenant)
      implements PoolEvent {}

  /**
   * A lease request failed: it waited its maximum, or no placement could ever serve it, or the pool closed.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template asked for
   * @param tenant the request's tenant
   * @param waited how long it waited
   * @param reason why it failed, as the exception says
   */
  record LeaseTimedOut(String poolId, Instant at, String template, String tenant, Duration waited, String reason)
      implements PoolEvent {}

  /**
   * A worker was created and is ready: the pool holds it as idle (or, while it closes, deletes it) before this event
   * is published, so a listener may lease it at once.
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker
   * @param template its template
   * @param placement where
   * @param took how long the provision took
   */
  record WorkerProvisioned(String poolId, Instant at, String workerId, String template, Placement placement,
      Duration took) implements PoolEvent {}

  /**
   * A provision failed (after the pool's retries, or one attempt of a probe).
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker that was to be created
   * @param template its template
   * @param placement where
   * @param kind how it failed
   * @param code the provider's error code (e.g. {@code "ServiceUnavailable"}), or empty
   * @param message the provider's message
   */
  record ProvisioningFailed(String poolId, Instant at, String workerId, String template, Placement placement,
      FailureKind kind, String code, String message) implements PoolEvent {}

  /**
   * A worker was destroyed.
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker
   * @param template its template
   * @param placement where it ran
   * @param reason why (e.g. {@code "released"}, {@code "max-age"}, {@code "discarded"}, {@code "close"})
   */
  record WorkerDeprovisioned(String poolId, Instant at, String workerId, String template, Placement placement,
      String reason) implements PoolEvent {}

  /**
   * Destroying a worker failed; the pool tries again later.
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker
   * @param placement where it runs
   * @param kind how it failed
   * @param message the provider's message
   */
  record DeprovisioningFailed(String poolId, Instant at, String workerId, Placement placement, FailureKind kind,
      String message) implements PoolEvent {}

  /**
   * A placement turned unhealthy: provisions stop going there.
   *
   * @param poolId the pool
   * @param at when
   * @param placement the placement
   * @param reason what tripped it, e.g. "41 of 43 calls failed in 10m (TRANSIENT: ServiceUnavailable)"
   */
  record PlacementOpened(String poolId, Instant at, Placement placement, String reason) implements PoolEvent {}

  /**
   * A placement's cooldown passed: probe provisions go there.
   *
   * @param poolId the pool
   * @param at when
   * @param placement the placement
   */
  record PlacementHalfOpened(String poolId, Instant at, Placement placement) implements PoolEvent {}

  /**
   * A placement is healthy again.
   *
   * @param poolId the pool
   * @param at when
   * @param placement the placement
   */
  record PlacementClosed(String poolId, Instant at, Placement placement) implements PoolEvent {}

  /**
   * A template's preferred placement cannot refill the stock before it runs out (its provisioning got slower than the
   * demand allows, or it delivers fewer workers than are leased), so new workers also go to the next healthy placement
   * of the same geography until it keeps up again. The pool raises the {@code supply:<template>} alert with the same
   * reason, before any lease fails; the alert clears when the preferred placement keeps up again.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param from the preferred placement, which keeps provisioning at its own pace
   * @param to the placement that also takes new workers now
   * @param reason the forecast that decided it, e.g. "westeurope refills in ~38m, the stock lasts ~21m at 1.00
   *     leases/min"
   * @since 0.1
   */
  record SupplySpilledOver(String poolId, Instant at, String template, Placement from, Placement to, String reason)
      implements PoolEvent {}

  /**
   * A template's warm target moved away from its preferred placement.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param from the placement it left
   * @param to the placements that now take its share
   */
  record FailoverStarted(String poolId, Instant at, String template, Placement from, List<Placement> to)
      implements PoolEvent {
    /**
     * Checks the components and copies collections.
     *
     * @param poolId the pool
     * @param at when
     * @param template the template
     * @param from the placement it left
     * @param to the placements that now take its share
     * @throws NullPointerException if a component is null
     */
    public FailoverStarted {
      to = List.copyOf(to);
    }
  }

  /**
   * A template's preferred placement is healthy again and new workers go back there (failback).
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param to the placement that takes the warm target again
   */
  record FailoverEnded(String poolId, Instant at, String template, Placement to) implements PoolEvent {}

  /**
   * No eligible placement can provision a template: the pool protects its stock (see {@link WorkerTemplate}).
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param reason why
   */
  record PoolDegraded(String poolId, Instant at, String template, String reason) implements PoolEvent {}

  /**
   * A template can be provisioned again; normal recycling resumes.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   */
  record PoolRecovered(String poolId, Instant at, String template) implements PoolEvent {}

  /**
   * The warm target that a {@link SizingPolicy} computes moved. Rate-limited: at most one a minute per template,
   * carrying the latest target, so a target that follows noisy demand does not flood listeners.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param from the target before
   * @param to the target now
   * @param term what set the new target (see {@link SizingStatus#term()})
   * @param reason a sentence with the figures behind it
   * @since 0.1
   */
  record TargetChanged(String poolId, Instant at, String template, int from, int to, String term, String reason)
      implements PoolEvent {}

  /**
   * A new depletion forecast crossed one of the configured horizons.
   *
   * @param poolId the pool
   * @param at when
   * @param forecast the forecast
   */
  record DepletionForecast(String poolId, Instant at, Forecast forecast) implements PoolEvent {}

  /**
   * An alert was raised.
   *
   * @param poolId the pool
   * @param at when
   * @param alert the alert
   */
  record AlertRaised(String poolId, Instant at, Alert alert) implements PoolEvent {}

  /**
   * An alert's condition passed.
   *
   * @param poolId the pool
   * @param at when
   * @param alert the alert that was raised
   */
  record AlertCleared(String poolId, Instant at, Alert alert) implements PoolEvent {}

  /**
   * Reconciliation found a resource that the pool meant to create but never heard back about, and took it in.
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker
   * @param resourceId the provider's id
   * @param placement where it runs
   */
  record OrphanAdopted(String poolId, Instant at, String workerId, String resourceId, Placement placement)
      implements PoolEvent {}

  /**
   * Reconciliation deleted a tagged resource that nobody owns.
   *
   * @param poolId the pool
   * @param at when
   * @param resourceId the provider's id
   * @param placement where it ran
   * @param reason why it had no owner
   */
  record OrphanRemoved(String poolId, Instant at, String resourceId, Placement placement, String reason)
      implements PoolEvent {}

  /**
   * A worker vanished from the provider's inventory (deleted outside the pool). A lease that held it ended.
   *
   * @param poolId the pool
   * @param at when
   * @param workerId the worker
   * @param template its template
   * @param placement where it ran
   * @param leaseId the lease that held it, if any
   */
  record WorkerLost(String poolId, Instant at, String workerId, String template, Placement placement,
      Optional<String> leaseId) implements PoolEvent {}

  /**
   * A node of a shared pool became its leader: from now on it replenishes, recycles and reconciles the pool.
   *
   * @param poolId the pool
   * @param at when, on the node's clock
   * @param node the new leader
   * @param epoch the leadership's fencing epoch
   */
  record LeadershipAcquired(String poolId, Instant at, String node, long epoch) implements PoolEvent {}

  /**
   * A node of a shared pool stopped leading it: it closed, another node took over, or its store refused a write with
   * a stale epoch.
   *
   * @param poolId the pool
   * @param at when, on the node's clock
   * @param node the node that led
   * @param epoch the epoch it led with
   * @param reason why it stopped
   */
  record LeadershipLost(String poolId, Instant at, String node, long epoch, String reason) implements PoolEvent {}

  /**
   * A template was added, changed or removed at run time ({@link WorkerPool#reconfigure(PoolConfiguration)}).
   *
   * @param poolId the pool
   * @param at when
   * @param template the template's name
   * @param change {@code "added"}, {@code "changed"} (limits only, applied at once), {@code "new-version"} (its
   *     workers roll) or {@code "removed"}
   * @param version the version new workers are made with; empty when removed
   * @since 0.1
   */
  record TemplateChanged(String poolId, Instant at, String template, String change, String version)
      implements PoolEvent {}

  /**
   * A roll replaced a worker of an old version (or of a draining placement), or paused or resumed.
   *
   * @param poolId the pool
   * @param at when
   * @param status where the roll stands now
   * @param idle the template's idle workers just after the step, which the roll keeps at or above what the warm
   *     target and the waiting requests need, less the roll's maxUnavailable
   * @since 0.1
   */
  record RolloutProgressed(String poolId, Instant at, RolloutStatus status, int idle) implements PoolEvent {}

  /**
   * A roll is done: no worker of another version (or in a draining placement) is left for the template.
   *
   * @param poolId the pool
   * @param at when
   * @param template the template
   * @param version the version every worker has now
   * @param replaced how many workers the roll replaced
   * @since 0.1
   */
  record RolloutFinished(String poolId, Instant at, String template, String version, int replaced)
      implements PoolEvent {}

  /**
   * A placement started draining (no new workers; its idle workers are replaced elsewhere, its leased workers removed
   * as their leases end), or stopped.
   *
   * @param poolId the pool
   * @param at when
   * @param placement the placement
   * @param draining true when it started draining, false when it takes new workers again
   * @since 0.1
   */
  record PlacementDraining(String poolId, Instant at, Placement placement, boolean draining) implements PoolEvent {}
}
