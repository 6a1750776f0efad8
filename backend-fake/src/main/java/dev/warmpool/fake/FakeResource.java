package dev.warmpool.fake;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A resource in the fake cloud's inventory, as tests inspect it.
 *
 * <p>Immutable and thread-safe: a snapshot taken when {@link FakeCloud#resources()} was called.
 *
 * @param resourceId the resource's id: {@code fake:<region>/<poolId>/<workerId>}
 * @param region the region it is in
 * @param poolId the pool id it was created for
 * @param workerId the worker id it was created for
 * @param size the template size it was created with
 * @param tags its tags, as the provision request gave them
 * @param createdAt when the provision that created it was accepted
 * @param state where it is in its life
 *
 * @since 0.1
 */
public record FakeResource(String resourceId, String region, String poolId, String workerId, String size,
    Map<String, String> tags, Instant createdAt, ResourceState state) {
  /**
   * Checks the components and copies the tags.
   *
   * @param resourceId the resource's id
   * @param region the region it is in
   * @param poolId the pool id it was created for
   * @param workerId the worker id it was created for
   * @param size the template size it was created with
   * @param tags its tags
   * @param createdAt when the provision that created it was accepted
   * @param state where it is in its life
   * @throws NullPointerException if a component is null
   */
  public FakeResource {
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    Objects.requireNonNull(region, "region cannot be null");
    Objects.requireNonNull(poolId, "poolId cannot be null");
    Objects.requireNonNull(workerId, "workerId cannot be null");
    Objects.requireNonNull(size, "size cannot be null");
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags cannot be null"));
    Objects.requireNonNull(createdAt, "createdAt cannot be null");
    Objects.requireNonNull(state, "state cannot be null");
  }
}
