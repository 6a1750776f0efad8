package dev.warmpool.core;

import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small in-memory provider for white-box engine tests: fixed latency on the pool's clock, failures chosen by a
 * function, an inventory keyed by worker id, idempotent provision. Scenario tests use backend-fake's FakeCloud.
 */
class TestProvider implements WorkerProvider {
  private final PoolClock clock;
  final Map<String, ProvisionRequest> inventory = new ConcurrentHashMap<>();
  final AtomicInteger provisionCalls = new AtomicInteger();
  final AtomicInteger deprovisionCalls = new AtomicInteger();
  volatile Duration latency;
  volatile Function<ProvisionRequest, ProviderException> provisionFailure = r -> null;
  volatile boolean closed;

  TestProvider(PoolClock clock, Duration latency) {
    this.clock = clock;
    this.latency = latency;
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    provisionCalls.incrementAndGet();
    CompletableFuture<ProvisionedWorker> f = new CompletableFuture<>();
    clock.schedule(latency, () -> {
      ProviderException e = provisionFailure.apply(request);
      if (e != null) {
        f.completeExceptionally(e);
        return;
      }
      inventory.putIfAbsent(request.workerId(), request);
      f.complete(new ProvisionedWorker("res/" + request.placement().region() + "/" + request.workerId(),
          Map.of("ip", "10.0.0." + (request.workerId().hashCode() & 0xff))));
    });
    return f;
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    deprovisionCalls.incrementAndGet();
    CompletableFuture<Void> f = new CompletableFuture<>();
    clock.schedule(latency, () -> {
      inventory.remove(request.workerId());
      f.complete(null);
    });
    return f;
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    return CompletableFuture.completedFuture(inventory.values().stream()
        .filter(r -> r.poolId().equals(poolId))
        .map(r -> new ProviderResource("res/" + r.workerId(), r.placement().region(), r.tags(), Optional.empty(),
            Map.of()))
        .toList());
  }

  @Override
  public void close() {
    closed = true;
  }
}
