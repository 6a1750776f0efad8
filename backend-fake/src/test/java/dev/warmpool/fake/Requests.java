package dev.warmpool.fake;

import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** SPI requests for tests, with the tags a pool would put on them. */
final class Requests {
  static final WorkerTemplate SMALL = WorkerTemplate.builder("small").size("D2").build();
  static final WorkerTemplate LARGE = WorkerTemplate.builder("large").size("D8").build();

  private Requests() {}

  static ProvisionRequest provision(String poolId, String workerId, String region, Instant deadline) {
    return provision(poolId, workerId, region, SMALL, deadline);
  }

  static ProvisionRequest provision(String poolId, String workerId, String region, WorkerTemplate template,
      Instant deadline) {
    return new ProvisionRequest(poolId, workerId, 1, template, placement(region),
        Map.of(WorkerTags.POOL, poolId, WorkerTags.WORKER, workerId, WorkerTags.GENERATION, "1",
            WorkerTags.TEMPLATE, template.name()), deadline);
  }

  static DeprovisionRequest deprovision(String poolId, String workerId, String region, Instant deadline) {
    return new DeprovisionRequest(poolId, workerId, Optional.empty(), placement(region), deadline);
  }

  static Placement placement(String region) {
    return Placement.of(FakeCloud.DEFAULT_PROVIDER_NAME, region, region.startsWith("east") ? "us" : "eu");
  }

  static Instant far(VirtualClock clock) {
    return clock.now().plus(Duration.ofDays(1));
  }

  /** The value of a future that must have completed already; never blocks. */
  static <T> T done(CompletableFuture<T> future) {
    if (!future.isDone() || future.isCompletedExceptionally()) {
      throw new AssertionError("expected a completed future, was " + future);
    }
    return future.join();
  }

  /** The ProviderException a completed, failed future holds. */
  static ProviderException failure(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      throw new AssertionError("expected a failed future, was " + future);
    }
    try {
      future.join();
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return (ProviderException) e.getCause();
    }
  }
}
