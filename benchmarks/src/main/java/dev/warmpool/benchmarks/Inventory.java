package dev.warmpool.benchmarks;

import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live workers of an in-memory provider, listed with their tags as the SPI asks, so that the pool's
 * reconciliation sees what exists. Thread-safe.
 */
final class Inventory {
  private final Map<String, ProvisionRequest> live = new ConcurrentHashMap<>();

  void add(ProvisionRequest request) {
    live.put(request.workerId(), request);
  }

  void remove(String workerId) {
    live.remove(workerId);
  }

  int size() {
    return live.size();
  }

  List<ProviderResource> list(String poolId) {
    return live.values().stream()
        .filter(r -> r.poolId().equals(poolId))
        .map(r -> new ProviderResource("mem/" + r.workerId(), r.placement().region(), r.tags(), Optional.empty(),
            Map.of()))
        .toList();
  }
}
