package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.SafeText;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SPI view of a {@link FakeCloud} for one pool (or several): it remembers the pools it served, so that closing
 * it tells the cloud those pools closed.
 *
 * <p>Thread-safe.
 */
final class FakeProvider implements WorkerProvider, WorkerHealthProbe {
  private final String name;
  private final String cloudId;
  private final ControlPlane plane;
  private final Set<String> pools = ConcurrentHashMap.newKeySet();

  FakeProvider(String name, String cloudId, ControlPlane plane, String poolId) {
    this.name = name;
    this.cloudId = cloudId;
    this.plane = plane;
    if (poolId != null) {
      pools.add(poolId);
    }
  }

  /** A placement must be in one of the cloud's regions. */
  @Override
  public void validate(Placement placement) {
    Objects.requireNonNull(placement, "placement cannot be null");
    if (!plane.serves(placement.region())) {
      throw new InvalidConfigurationException("placements", "placement " + placement.key() + " is in region "
          + SafeText.quote(placement.region()) + ", which this fake cloud does not serve; its regions: "
          + plane.regionNames());
    }
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    pools.add(Objects.requireNonNull(request, "request cannot be null").poolId());
    return plane.provision(request);
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    pools.add(Objects.requireNonNull(request, "request cannot be null").poolId());
    return plane.deprovision(request);
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    pools.add(Objects.requireNonNull(poolId, "poolId cannot be null"));
    return plane.list(poolId);
  }

  @Override
  public CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
    return plane.isHealthy(resource);
  }

  /**
   * Marks every pool this provider served as closed; the cloud's leak check looks at their resources, and a
   * keep-warm pool keeps what is running now.
   */
  @Override
  public void close() {
    synchronized (plane.lock) {
      plane.inventory.closed(pools);
    }
  }

  @Override
  public String toString() {
    return "FakeProvider[" + name + " on " + cloudId + "]";
  }
}
