package dev.warmpool.examples;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A complete, tiny backend plugged into a pool through {@link java.util.ServiceLoader}: the "tiny" cloud keeps its
 * "machines" in a map and answers after a configurable latency on the pool's clock.
 *
 * <p>{@link Factory} is registered in {@code META-INF/services/dev.warmpool.spi.ProviderFactory}, so a pool finds it
 * by name: {@code .provider("tiny", Map.of("latency", "PT30S"))}. The provider keeps the SPI contract: provisioning
 * is idempotent on the worker id, every resource carries the request's tags, deleting a missing resource succeeds,
 * {@code list} returns the pool's resources by tag, and a region it does not serve fails {@code INVALID}. It never
 * retries: the pool does.
 *
 * <p>Run it with {@code ./mvnw -B -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=dev.warmpool.examples.CustomBackend}. Not thread-safe as a program; the provider itself is.
 */
public final class CustomBackend {
  /** The name the factory registers under. */
  public static final String NAME = "tiny";

  private CustomBackend() {}

  /**
   * Runs the example and prints what it does to standard output.
   *
   * @param args ignored
   * @throws Exception if the pool fails to lease or close
   */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Builds a pool on the "tiny" backend by name, leases a worker, releases it and closes the pool.
   *
   * @param out where to print
   * @return the worker's attributes as the backend reported them
   * @throws ExecutionException if the lease failed
   * @throws TimeoutException if the pool did not lease or close within its virtual-time budget
   */
  public static Map<String, String> run(PrintStream out) throws ExecutionException, TimeoutException {
    VirtualClock clock = new VirtualClock();
    WorkerPool pool = WorkerPools.builder()
        .poolId("custom")
        .clock(clock)
        .template(WorkerTemplate.builder("small").warmTarget(2).maxTotal(4).build())
        .placement(Placement.of(NAME, "lab-1", "eu"))
        .provider(NAME, Map.of("latency", "PT30S", "regions", "lab-1"))  // found through ServiceLoader
        .listener(event -> {
          if (event instanceof PoolEvent.WorkerProvisioned || event instanceof PoolEvent.WorkerDeprovisioned) {
            out.println("  event  " + event);
          }
        })
        .build();
    try {
      clock.advance(Duration.ofMinutes(1));
      out.println("warm: " + pool.snapshot().total());
      Map<String, String> attributes;
      try (Lease lease = clock.await(pool.lease(LeaseRequest.of("small")), Duration.ofMinutes(5))) {
        attributes = lease.worker().attributes();
        out.println("leased " + lease.worker().id() + " -> " + lease.worker().resourceId() + " " + attributes);
      }
      return attributes;
    } finally {
      clock.await(pool.closeAsync(), Duration.ofMinutes(30));
      out.println("closed: " + pool.snapshot().total());
    }
  }

  /**
   * The factory that {@link java.util.ServiceLoader} finds. Settings: {@code latency} (an ISO-8601 duration, default
   * {@code PT10S}) and {@code regions} (comma-separated, default {@code lab-1}). Thread-safe and stateless.
   */
  public static final class Factory implements ProviderFactory {
    /** Creates the factory; {@link java.util.ServiceLoader} calls it. */
    public Factory() {}

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public WorkerProvider create(ProviderContext context) {
      Duration latency;
      String text = context.setting("latency").orElse("PT10S");
      try {
        latency = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new InvalidConfigurationException(context.option("latency"), context.option("latency")
            + " must be an ISO-8601 duration such as PT30S, was \"" + text + "\"");
      }
      if (latency.isNegative()) {
        throw new InvalidConfigurationException(context.option("latency"), context.option("latency")
            + " must be zero or positive, was " + latency);
      }
      List<String> regions = List.of(context.setting("regions").orElse("lab-1").split(","));
      for (String unknown : context.settings().keySet()) {
        if (!unknown.equals("latency") && !unknown.equals("regions")) {
          throw new InvalidConfigurationException(context.option(unknown), context.option(unknown)
              + " is not a setting of provider " + NAME + "; allowed: [latency, regions]");
        }
      }
      return new Provider(context.clock(), latency, regions);
    }
  }

  /** The "tiny" cloud: machines in a map, answers on the pool's clock. Thread-safe. */
  static final class Provider implements WorkerProvider {
    private record Machine(String resourceId, String region, Map<String, String> tags, Instant createdAt,
        CompletableFuture<ProvisionedWorker> ready) {}

    private final PoolClock clock;
    private final Duration latency;
    private final List<String> regions;
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();

    Provider(PoolClock clock, Duration latency, List<String> regions) {
      this.clock = clock;
      this.latency = latency;
      this.regions = regions;
    }

    @Override
    public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
      String region = request.placement().region();
      if (!regions.contains(region)) {
        return CompletableFuture.failedFuture(ProviderException.invalid("UnknownRegion",
            "region must be one of " + regions + ", was \"" + region + "\""));
      }
      String resourceId = NAME + ":" + region + "/" + request.poolId() + "/" + request.workerId();
      // computeIfAbsent makes a repeated request (after a lost answer) find the first machine, never a second
      Machine machine = machines.computeIfAbsent(resourceId, id -> {
        CompletableFuture<ProvisionedWorker> ready = new CompletableFuture<>();
        clock.schedule(latency, () -> ready.complete(new ProvisionedWorker(id,
            Map.of("ip", "10.0.0." + (1 + Math.floorMod(id.hashCode(), 250)), "region", region))));
        return new Machine(id, region, request.tags(), clock.now(), ready);
      });
      return machine.ready().copy();
    }

    @Override
    public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
      String resourceId = request.resourceId().orElse(NAME + ":" + request.placement().region() + "/"
          + request.poolId() + "/" + request.workerId());
      CompletableFuture<Void> done = new CompletableFuture<>();
      clock.schedule(latency, () -> {
        machines.remove(resourceId);                  // a missing machine is a success: it is gone either way
        done.complete(null);
      });
      return done;
    }

    @Override
    public CompletableFuture<List<ProviderResource>> list(String poolId) {
      List<ProviderResource> found = machines.values().stream()
          .filter(m -> poolId.equals(m.tags().get(WorkerTags.POOL)))
          .map(m -> new ProviderResource(m.resourceId(), m.region(), m.tags(), Optional.of(m.createdAt()),
              Map.of("state", m.ready().isDone() ? "running" : "creating")))
          .toList();
      return CompletableFuture.completedFuture(found);
    }
  }
}
