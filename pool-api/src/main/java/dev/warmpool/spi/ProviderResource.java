package dev.warmpool.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource as a provider's inventory lists it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param resourceId the provider's id of the resource
 * @param region the region it is in
 * @param tags its tags (the pool finds its own by {@link WorkerTags})
 * @param createdAt when it was created, if the provider knows; reconciliation measures grace periods from it
 * @param attributes how to reach it, as {@link ProvisionedWorker#attributes()}
 *
 * @since 0.1
 */
public record ProviderResource(String resourceId, String region, Map<String, String> tags,
    Optional<Instant> createdAt, Map<String, String> attributes) {
  /**
   * Checks the components and copies collections.
   *
   * @param resourceId the provider's id of the resource
   * @param region the region it is in
   * @param tags its tags (the pool finds its own by {@link WorkerTags})
   * @param createdAt when it was created, if the provider knows; reconciliation measures grace periods from it
   * @param attributes how to reach it, as {@link ProvisionedWorker#attributes()}
   * @throws NullPointerException if a component is null
   */
  public ProviderResource {
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    Objects.requireNonNull(region, "region cannot be null");
    tags = Map.copyOf(Objects.requireNonNull(tags, "tags cannot be null"));
    Objects.requireNonNull(createdAt, "createdAt cannot be null");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
  }

  /** {@return the {@link WorkerTags#WORKER} tag, if present} */
  public Optional<String> workerId() {
    return Optional.ofNullable(tags.get(WorkerTags.WORKER));
  }
}
