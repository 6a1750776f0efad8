package dev.warmpool.spi;

import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What to create: one worker of a template in a placement.
 *
 * <p>Immutable and thread-safe.
 *
 * @param poolId the pool's id
 * @param workerId the worker's id: the idempotency key; derive the resource's name from it
 * @param generation the pool generation that asks
 * @param template the template (its provider properties say what to create)
 * @param placement where
 * @param tags the tags to put on every resource created (at least {@link WorkerTags#POOL} and
 *     {@link WorkerTags#WORKER})
 * @param deadline when the pool stops waiting; the provider should stop waiting too
 *
 * @since 0.1
 */
public record ProvisionRequest(String poolId, String workerId, long generation, WorkerTemplate template,
    Placement placement, Map<String, String> tags, Instant deadline) {
  /**
   * Checks the components and copies collections.
   *
   * @param poolId the pool's id
   * @param workerId the worker's id: the idempotency key; derive the resource's name from it
   * @param generation the pool generation that asks
   * @param template the template (its provider properties say what to create)
   * @param placement where
   * @param tags the tags to put on every resource created (at least {@link WorkerTags#POOL} and {@link WorkerTags#WORKER})
   * @param deadline when the pool stops waiting; the provider should stop waiting too
   * @throws NullPointerException if a component is null
   */
  public ProvisionRequest {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(template, "template cannot be null");
    Objects.requireNonNull(placement, "placement cannot be null");
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags cannot be null"));
    Objects.requireNonNull(deadline, "deadline cannot be null");
  }
}
