package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.NORTHEUROPE;
import static dev.warmpool.azure.AzureTestSupport.RG_NEU;
import static dev.warmpool.azure.AzureTestSupport.RG_WEU;
import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionedWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider driven the way the pool will drive it (pool-core does not exist yet): several workers in two regions,
 * a 503 window that the caller survives by retrying whole calls with backoff and Retry-After on the pool's clock, then
 * every worker deprovisioned, and nothing tagged (nor any NIC, disk or IP) left in the fake cloud.
 */
class ProviderLifecycleEndToEndTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final AtomicInteger attempts = new AtomicInteger();
  private AzureWorkerProvider provider;

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
    arm.close();
  }

  /** What the pool's Failsafe retry will do: retry TRANSIENT and THROTTLED, waiting Retry-After or a backoff. */
  private <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> call, int attemptsLeft, Duration backoff) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempts.incrementAndGet();
    call.get().whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
        return;
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
      boolean retryable = cause instanceof ProviderException p
          && (p.kind() == FailureKind.TRANSIENT || p.kind() == FailureKind.THROTTLED);
      if (!retryable || attemptsLeft <= 1) {
        result.completeExceptionally(cause);
        return;
      }
      Duration wait = ((ProviderException) cause).retryAfter().orElse(backoff);
      support.clock.schedule(wait, () -> retrying(call, attemptsLeft - 1, backoff.multipliedBy(2))
          .whenComplete((v, f) -> {
            if (f == null) {
              result.complete(v);
            } else {
              result.completeExceptionally(f);
            }
          }));
    });
    return result;
  }

  private CompletableFuture<ProvisionedWorker> provision(String workerId, WorkerTemplate t, Placement p) {
    return retrying(() -> provider.provision(support.request(workerId, t, p, Duration.ofMinutes(15))), 8,
        Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"aci", "vm"})
  void workersAreProvisionedThroughA503WindowAndNothingTaggedIsLeftAfterDeprovisioning(String kind)
      throws Exception {
    provider = support.provider(kind);
    WorkerTemplate t = kind.equals("vm") ? AzureTestSupport.vmTemplate() : AzureTestSupport.aciTemplate();

    // warm up: two workers in two regions while ARM is healthy
    List<ProvisionedWorker> workers = new ArrayList<>();
    workers.add(support.await(provider, provision("w-1", t, WESTEUROPE)));
    workers.add(support.await(provider, provision("w-2", t, NORTHEUROPE)));
    assertThat(attempts).hasValue(2);

    // ARM answers 503 to everything for three minutes of the pool's time
    arm.outage(true);
    support.clock.schedule(Duration.ofMinutes(3), () -> arm.outage(false));
    List<CompletableFuture<ProvisionedWorker>> during = List.of(provision("w-3", t, WESTEUROPE),
        provision("w-4", t, NORTHEUROPE), provision("w-5", t, WESTEUROPE));
    support.await(provider, CompletableFuture.allOf(during.toArray(new CompletableFuture<?>[0])));
    for (CompletableFuture<ProvisionedWorker> f : during) {
      workers.add(f.get());
    }
    assertThat(attempts.get()).as("the window cost retries").isGreaterThan(5);
    assertThat(workers).extracting(ProvisionedWorker::resourceId).doesNotHaveDuplicates().hasSize(5);
    assertThat(arm.requests("PUT", "/providers/Microsoft.")).as("one create per worker, whatever the retries")
        .hasSize(5);

    List<ProviderResource> inventory = support.await(provider, provider.list("pool-a"));
    assertThat(inventory).extracting(ProviderResource::resourceId)
        .containsExactlyInAnyOrderElementsOf(workers.stream().map(ProvisionedWorker::resourceId).toList());
    assertThat(inventory).extracting(ProviderResource::region).containsOnly("westeurope", "northeurope");

    // release everything, with a second, shorter window in the middle
    arm.outage(true);
    support.clock.schedule(Duration.ofSeconds(30), () -> arm.outage(false));
    List<CompletableFuture<Void>> deletes = new ArrayList<>();
    for (ProviderResource r : inventory) {
      Placement p = r.region().equals("westeurope") ? WESTEUROPE : NORTHEUROPE;
      deletes.add(retrying(() -> provider.deprovision(support.deleteRequest(r.workerId().orElseThrow(),
          Optional.of(r.resourceId()), p)), 8, Duration.ofSeconds(10)));
    }
    support.await(provider, CompletableFuture.allOf(deletes.toArray(new CompletableFuture<?>[0])));

    assertThat(support.await(provider, provider.list("pool-a"))).isEmpty();
    assertThat(arm.resourcesIn(RG_WEU)).as("left in %s: %s", RG_WEU, arm.names()).isEmpty();
    assertThat(arm.resourcesIn(RG_NEU)).as("left in %s: %s", RG_NEU, arm.names()).isEmpty();
  }
}
