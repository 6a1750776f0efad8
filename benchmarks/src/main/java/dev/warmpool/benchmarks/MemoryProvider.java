package dev.warmpool.benchmarks;

import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A zero-latency in-memory provider: every provision and deprovision completes before the call returns. It keeps
 * only the set of live worker ids, so the benchmarks measure the engine and not a cloud.
 *
 * <p>Thread-safe.
 */
public final class MemoryProvider implements WorkerProvider {
  private final Inventory live = new Inventory();

  /** An empty provider. */
  public MemoryProvider() {}

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    live.add(request);
    return CompletableFuture.completedFuture(new ProvisionedWorker("mem/" + request.workerId(), Map.of()));
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    live.remove(request.workerId());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    return CompletableFuture.completedFuture(live.list(poolId));
  }

  /**
   * How many workers exist right now.
   *
   * @return the number of provisioned and not yet deprovisioned workers
   */
  public int live() {
    return live.size();
  }
}
