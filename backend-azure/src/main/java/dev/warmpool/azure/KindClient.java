package dev.warmpool.azure;

import com.azure.core.management.polling.PollResult;
import com.azure.core.util.polling.SyncPoller;
import dev.warmpool.spi.ProvisionRequest;
import java.util.Map;
import java.util.Optional;

/**
 * The ARM calls for one worker kind, each exactly one REST request (or one long-running operation) with a body this
 * backend builds, through the SDK's generated inner clients. Blocking: callers run it on the provider's executor.
 */
interface KindClient {

  /** A resource as a GET returned it. */
  record Found(String id, String provisioningState, Map<String, String> tags, Object resource) {}

  /** {@return the resource, or empty if ARM answered 404} */
  default Optional<Found> get(String resourceGroup, String name) {
    return get(resourceGroup, name, com.azure.core.util.Context.NONE);
  }

  /** {@return the resource, or empty if ARM answered 404; the context may name a provision's attempt chain} */
  Optional<Found> get(String resourceGroup, String name, com.azure.core.util.Context context);

  /** Sends the PUT, its polls in the request's attempt chain ({@link ReadBudget}); the poller has the response. */
  SyncPoller<? extends PollResult<?>, ?> beginCreate(String resourceGroup, String name, ProvisionRequest request);

  /** Sends the DELETE; the returned poller has the activation response. */
  SyncPoller<? extends PollResult<?>, ?> beginDelete(String resourceGroup, String name);

  /** {@return whether a resource as a GET returned it can serve: provisioned and, where ARM says so, running} */
  default boolean isHealthy(Found found) {
    return "Succeeded".equalsIgnoreCase(found.provisioningState());
  }

  /**
   * Runs one GET, turning ARM's 404 into empty.
   *
   * @param get the GET, returning what was found
   * @return what was found, or empty if the resource does not exist
   */
  static Optional<Found> foundOrEmpty(java.util.function.Supplier<Found> get) {
    try {
      return Optional.of(get.get());
    } catch (com.azure.core.management.exception.ManagementException e) {
      if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** {@return the resource's id, from a final result or a GET} */
  String idOf(Object resource);

  /** {@return how to reach the worker (ip, fqdn); may make further reads} */
  Map<String, String> attributes(String resourceGroup, Object resource);
}
