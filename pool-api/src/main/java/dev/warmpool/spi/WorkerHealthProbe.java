package dev.warmpool.spi;

import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link WorkerProvider}: tells whether an existing worker is usable. The pool probes a
 * resource that reconciliation adopts before it grants it.
 *
 * <p>Implementations MUST be thread-safe and MUST NOT throw; a failed probe completes with {@code false}.
 *
 * @since 0.1
 */
public interface WorkerHealthProbe {

  /**
   * Checks a worker.
   *
   * @param resource the resource as {@link WorkerProvider#list} reported it
   * @return true if the worker can serve leases
   */
  CompletableFuture<Boolean> isHealthy(ProviderResource resource);
}
