package dev.warmpool.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A cloud backend: creates, destroys and lists workers in its placements.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Every method returns at once; the work completes the future, on any thread. A failure completes it
 *       exceptionally with a {@link ProviderException} whose kind says what the pool should do.</li>
 *   <li>{@link #provision} MUST be idempotent on {@link ProvisionRequest#workerId()}: a repeated call for the same
 *       worker (after a lost response, a timeout, a restart) finds the resource the first call made and never makes a
 *       second. Derive the resource's name from the worker id and the region.</li>
 *   <li>{@link #provision} MUST put {@link ProvisionRequest#tags()} on every resource it creates, so
 *       {@link #list} can find them, and SHOULD stop waiting at {@link ProvisionRequest#deadline()}: the pool
 *       resolves a resource that appears later through reconciliation.</li>
 *   <li>{@link #deprovision} of a resource that does not exist succeeds.</li>
 *   <li>Retries: the pool retries a whole provision or deprovision itself (with backoff and retry-after). A backend
 *       MUST NOT also retry mutations inside its client, or one call turns into many; retrying idempotent reads (such
 *       as polls of a long-running operation) a bounded number of times is fine.</li>
 * </ul>
 *
 * <p>Implementations MUST be thread-safe. A provider may also implement {@link WorkerHealthProbe}.
 *
 * @since 0.1
 */
public interface WorkerProvider extends AutoCloseable {

  /**
   * Creates a worker, or finds the one an earlier call for the same worker id created.
   *
   * @param request what to create, where, with which tags, until when
   * @return the worker's resource id and connection attributes, once it is ready
   */
  CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request);

  /**
   * Destroys a worker and everything that was created with it.
   *
   * @param request which worker
   * @return completes when the resource is gone (or never existed)
   */
  CompletableFuture<Void> deprovision(DeprovisionRequest request);

  /**
   * Lists every resource tagged with {@code poolId}, in every placement of this provider, whatever its state.
   *
   * @param poolId the pool's id, as in the {@link WorkerTags#POOL} tag
   * @return the resources, with their tags and creation times
   */
  CompletableFuture<List<ProviderResource>> list(String poolId);

  /**
   * Checks that this provider can create workers of a template (its provider properties are complete and well
   * formed). The pool calls it at build for every template that may be placed with this provider, so that bad
   * configuration fails at once rather than at the first provision. The default accepts every template.
   *
   * @param template a template of the pool
   * @throws dev.warmpool.api.InvalidConfigurationException naming the property that is missing or malformed
   */
  default void validate(dev.warmpool.api.WorkerTemplate template) {}

  /**
   * Checks that this provider can create workers in a placement: it serves the placement's region, and has the
   * settings that region needs (an Azure resource group for it, say). The pool calls it at build for every placement
   * that names this provider, before {@link #validate(dev.warmpool.api.WorkerTemplate)}, so that a typo in a region
   * fails at once rather than at the first provision. The default accepts every placement.
   *
   * @param placement a placement of the pool that names this provider
   * @throws dev.warmpool.api.InvalidConfigurationException naming the placement and what is wrong with it
   */
  default void validate(dev.warmpool.api.Placement placement) {}

  /** Releases the provider's own resources (HTTP clients, threads). Called once when the pool closes. */
  @Override
  default void close() {}
}
