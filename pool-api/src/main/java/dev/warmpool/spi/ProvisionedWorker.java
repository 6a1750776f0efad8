package dev.warmpool.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A worker that a provider created and that is ready to serve.
 *
 * <p>Immutable and thread-safe.
 *
 * @param resourceId the provider's id of the resource
 * @param attributes how to reach the worker (e.g. {@code ip}, {@code fqdn}); never secrets
 *
 * @since 0.1
 */
public record ProvisionedWorker(String resourceId, Map<String, String> attributes) {
  /**
   * Checks the components and copies collections.
   *
   * @param resourceId the provider's id of the resource
   * @param attributes how to reach the worker (e.g. {@code ip}, {@code fqdn}); never secrets
   * @throws NullPointerException if a component is null
   */
  public ProvisionedWorker {
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
  }
}
