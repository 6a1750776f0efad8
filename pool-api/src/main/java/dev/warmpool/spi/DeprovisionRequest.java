package dev.warmpool.spi;

import dev.warmpool.api.Placement;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to destroy: one worker.
 *
 * <p>Immutable and thread-safe.
 *
 * @param poolId the pool's id
 * @param workerId the worker's id; with the placement it names the resource when the resource id is unknown (a
 *     provision whose answer was lost)
 * @param resourceId the provider's id of the resource, when the pool knows it
 * @param placement where the worker runs
 * @param deadline when the pool stops waiting
 *
 * @since 0.1
 */
public record DeprovisionRequest(String poolId, String workerId, Optional<String> resourceId, Placement placement,
    Instant deadline) {
  /**
   * Checks the components and copies collections.
   *
   * @param poolId the pool's id
   * @param workerId the worker's id; with the placement it names the resource when the resource id is unknown (a provision whose answer was lost)
   * @param resourceId the provider's id of the resource, when the pool knows it
   * @param placement where the worker runs
   * @param deadline when the pool stops waiting
   * @throws NullPointerException if a component is null
   */
  public DeprovisionRequest {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    Objects.requireNonNull(placement, "placement cannot be null");
    Objects.requireNonNull(deadline, "deadline cannot be null");
  }
}
