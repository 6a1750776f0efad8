package dev.warmpool.benchmarks;

import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory provider whose provisions and deprovisions complete after a fixed latency on the pool's clock (a
 * virtual clock in the benchmarks). It never fails.
 *
 * <p>Thread-safe.
 */
public final class LatencyProvider implements WorkerProvider {
  private final PoolClock clock;
  private final Duration provisionLatency;
  private final Duration deprovisionLatency;
  // what a list returns: the engine's reconciliation marks a worker the listing does not show as lost, and forgets it
  private final Map<String, ProviderResource> live = new ConcurrentHashMap<>();

  /**
   * A provider on a clock.
   *
   * @param clock the clock the answers are scheduled on
   * @param provisionLatency how long a provision takes
   * @param deprovisionLatency how long a deprovision takes
   */
  public LatencyProvider(PoolClock clock, Duration provisionLatency, Duration deprovisionLatency) {
    this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    this.provisionLatency = Objects.requireNonNull(provisionLatency, "provisionLatency cannot be null");
    this.deprovisionLatency = Objects.requireNonNull(deprovisionLatency, "deprovisionLatency cannot be null");
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    CompletableFuture<ProvisionedWorker> f = new CompletableFuture<>();
    clock.schedule(provisionLatency, () -> {
      live.put(request.workerId(), new ProviderResource("mem/" + request.workerId(),
          request.placement().region(), request.tags(), Optional.of(clock.now()), Map.of()));
      f.complete(new ProvisionedWorker("mem/" + request.workerId(), Map.of()));
    });
    return f;
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    clock.schedule(deprovisionLatency, () -> {
      live.remove(request.workerId());
      f.complete(null);
    });
    return f;
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    return CompletableFuture.completedFuture(live.values().stream()
        .filter(r -> poolId.equals(r.tags().get(WorkerTags.POOL))).toList());
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
