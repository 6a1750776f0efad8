package dev.warmpool.api;

import java.util.Map;
import java.util.Objects;

/**
 * One cloud worker (a VM, a container group) as the pool knows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the pool's id for the worker, unique within the pool and stable across restarts; backends derive the
 *     resource's name from it
 * @param template the name of the worker's template
 * @param placement where the worker runs
 * @param resourceId the provider's id of the resource (for Azure, the ARM resource id)
 * @param attributes how to reach the worker, as the provider reported it (e.g. {@code ip}, {@code fqdn})
 *
 * @since 0.1
 */
public record Worker(String id, String template, Placement placement, String resourceId,
    Map<String, String> attributes) {

  /**
   * Checks the components and copies collections.
   *
   * @param id the pool's id for the worker, unique within the pool and stable across restarts; backends derive the resource's name from it
   * @param template the name of the worker's template
   * @param placement where the worker runs
   * @param resourceId the provider's id of the resource (for Azure, the ARM resource id)
   * @param attributes how to reach the worker, as the provider reported it (e.g. {@code ip}, {@code fqdn})
   * @throws NullPointerException if a component is null
   */
  public Worker {
    Objects.requireNonNull(id, "id cannot be null");
    Objects.requireNonNull(template, "template cannot be null");
    Objects.requireNonNull(placement, "placement cannot be null");
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
  }
}
