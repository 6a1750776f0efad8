package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.failure;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeCloudTest {
  private final VirtualClock clock = new VirtualClock();
  private final Instant t0 = clock.now();
  private final FakeCloud cloud = FakeCloud.builder()
      .clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
      .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
      .region("eastus", "us", Latency.fixed(Duration.ofMinutes(2)))
      .capacity("eastus", "D2", 2)
      .build();
  private final WorkerProvider provider = cloud.provider();

  @Test
  void aProvisionCompletesAfterTheRegionsLatencyWithTheRequestsTags() {
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("p1", "w1", "westeurope", far(clock)));

    clock.advance(Duration.ofMinutes(4));
    assertThat(f).isNotDone();
    assertThat(cloud.resources()).singleElement().satisfies(r -> {
      assertThat(r.state()).isEqualTo(ResourceState.CREATING);
      assertThat(r.createdAt()).isEqualTo(t0);
    });

    clock.advance(Duration.ofMinutes(1));
    assertThat(f).isCompleted();
    ProvisionedWorker w = Requests.done(f);
    assertThat(w.resourceId()).isEqualTo("fake:westeurope/p1/w1");
    assertThat(w.attributes()).containsEntry("region", "westeurope").containsEntry("name", "w1-westeurope")
        .containsKey("ip");
    FakeResource r = cloud.resource(w.resourceId()).orElseThrow();
    assertThat(r.state()).isEqualTo(ResourceState.RUNNING);
    assertThat(r.tags()).containsEntry(WorkerTags.POOL, "p1").containsEntry(WorkerTags.WORKER, "w1")
        .containsEntry(WorkerTags.TEMPLATE, "small");
    assertThat(r.size()).isEqualTo("D2");
    assertThat(cloud.calls()).singleElement().satisfies(c -> {
      assertThat(c.operation()).isEqualTo(Operation.PROVISION);
      assertThat(c.outcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(c.completedAt()).contains(t0.plus(Duration.ofMinutes(5)));
    });
  }

  @Test
  void uniformLatenciesStayWithinTheirBoundsAndVary() {
    for (int i = 0; i < 50; i++) {
      provider.provision(provision("p1", "w" + i, "northeurope", far(clock)));
    }
    clock.advance(Duration.ofHours(1));
    List<Duration> took = cloud.calls().stream()
        .map(c -> Duration.between(c.at(), c.completedAt().orElseThrow())).toList();
    assertThat(took).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(20)));
    assertThat(took.stream().distinct().count()).isGreaterThan(10);
  }

  @Test
  void aProvisionIsNeverCompletedOnTheCallersThread() {
    provider.provision(provision("p1", "w1", "eastus", far(clock)));
    clock.advance(Duration.ofMinutes(2));
    CompletableFuture<ProvisionedWorker> again = provider.provision(provision("p1", "w1", "eastus", far(clock)));
    assertThat(again).isNotDone();
    clock.runDue();
    assertThat(again).isCompleted();
  }

  @Test
  void aRepeatedProvisionOfARunningWorkerReturnsTheSameResource() {
    ProvisionedWorker first = await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    ProvisionedWorker second = await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    assertThat(second).isEqualTo(first);
    assertThat(cloud.inventorySize()).isEqualTo(1);
  }

  @Test
  void aRepeatedProvisionOfAWorkerBeingCreatedWaitsForTheSameResource() {
    CompletableFuture<ProvisionedWorker> first = provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(3));
    CompletableFuture<ProvisionedWorker> second =
        provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    assertThat(second).isNotDone();
    clock.advance(Duration.ofMinutes(1));
    assertThat(Requests.done(second)).isEqualTo(Requests.done(first));
    assertThat(cloud.inventorySize()).isEqualTo(1);
  }

  @Test
  void theSameWorkerIdInAnotherRegionOrPoolIsAnotherResource() {
    provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    provider.provision(provision("p1", "w1", "eastus", far(clock)));
    provider.provision(provision("p2", "w1", "westeurope", far(clock)));
    assertThat(cloud.inventorySize()).isEqualTo(3);
  }

  @Test
  void aProvisionPastItsDeadlineFailsAtTheDeadlineButTheResourceIsStillCreated() {
    CompletableFuture<ProvisionedWorker> f =
        provider.provision(provision("p1", "w1", "westeurope", t0.plus(Duration.ofMinutes(2))));
    clock.advance(Duration.ofMinutes(2));
    assertThat(failure(f).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failure(f).code()).isEqualTo("OperationTimedOut");
    assertThat(cloud.calls()).singleElement().satisfies(c -> {
      assertThat(c.outcome()).isEqualTo(Outcome.TRANSIENT);
      assertThat(c.completedAt()).contains(t0.plus(Duration.ofMinutes(2)));
    });

    clock.advance(Duration.ofMinutes(3));
    assertThat(cloud.resources("p1")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ResourceState.RUNNING));
  }

  @Test
  void deprovisionRemovesTheResourceAfterTheDeleteLatency() {
    ProvisionedWorker w = await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    CompletableFuture<Void> d = provider.deprovision(new DeprovisionRequest("p1", "w1",
        Optional.of(w.resourceId()), Requests.placement("westeurope"), far(clock)));
    clock.advance(Duration.ofSeconds(30));
    assertThat(d).isNotDone();
    assertThat(cloud.resources()).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ResourceState.DELETING));
    clock.advance(Duration.ofSeconds(30));
    assertThat(d).isCompleted();
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void deprovisionFindsTheResourceByWorkerIdWhenTheResourceIdIsUnknown() {
    await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    await(provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock))));
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void deprovisionOfAnUnknownResourceSucceedsAndIsLoggedAsNotFound() {
    CompletableFuture<Void> d = provider.deprovision(deprovision("p1", "ghost", "westeurope", far(clock)));
    clock.runDue();
    assertThat(d).isCompleted();
    assertThat(cloud.callCount(Operation.DEPROVISION, "westeurope", Outcome.NOT_FOUND)).isEqualTo(1);
  }

  @Test
  void deletingAResourceBeingCreatedCancelsItsProvision() {
    CompletableFuture<ProvisionedWorker> p = provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    CompletableFuture<Void> d = provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(10));
    assertThat(failure(p).code()).isEqualTo("OperationCanceled");
    assertThat(d).isCompleted();
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void aDeleteThatOutlastsItsDeadlineFailsButTheResourceStillGoes() {
    await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    CompletableFuture<Void> d = provider.deprovision(deprovision("p1", "w1", "westeurope",
        clock.now().plusSeconds(10)));
    clock.advance(Duration.ofSeconds(10));
    assertThat(failure(d).code()).isEqualTo("OperationTimedOut");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void listReturnsThePoolsResourcesInEveryRegionWhateverTheirState() {
    await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    provider.provision(provision("p1", "w2", "eastus", far(clock)));
    provider.provision(provision("p2", "w3", "eastus", far(clock)));

    List<ProviderResource> listed = await(provider.list("p1"));

    assertThat(listed).extracting(ProviderResource::resourceId)
        .containsExactlyInAnyOrder("fake:westeurope/p1/w1", "fake:eastus/p1/w2");
    assertThat(listed).filteredOn(r -> r.region().equals("eastus")).singleElement().satisfies(r -> {
      assertThat(r.attributes()).containsEntry("state", "creating");
      assertThat(r.createdAt()).contains(t0.plus(Duration.ofMinutes(5)));
      assertThat(r.workerId()).contains("w2");
    });
    assertThat(listed).filteredOn(r -> r.region().equals("westeurope")).singleElement()
        .satisfies(r -> assertThat(r.attributes()).containsEntry("state", "running"));
  }

  @Test
  void aRegionFullForASizeFailsWithCapacity() {
    provider.provision(provision("p1", "w1", "eastus", far(clock)));
    provider.provision(provision("p1", "w2", "eastus", far(clock)));
    CompletableFuture<ProvisionedWorker> third = provider.provision(provision("p1", "w3", "eastus", far(clock)));
    CompletableFuture<ProvisionedWorker> otherSize =
        provider.provision(provision("p1", "w4", "eastus", Requests.LARGE, far(clock)));
    clock.runDue();
    assertThat(failure(third).kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(failure(third).code()).isEqualTo("AllocationFailed");
    clock.advance(Duration.ofMinutes(2));
    assertThat(otherSize).isCompleted();
    assertThat(cloud.inventorySize()).isEqualTo(3);
  }

  @Test
  void anUnknownRegionFailsAsInvalid() {
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("p1", "w1", "mars", far(clock)));
    clock.runDue();
    assertThat(failure(f).kind()).isEqualTo(FailureKind.INVALID);
    assertThat(failure(f).getMessage()).contains("mars");
  }

  @Test
  void closingAProviderMarksItsPoolsClosedAndTheirResourcesAsLeaked() {
    WorkerProvider other = cloud.provider();
    await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    await(other.provision(provision("p2", "w1", "westeurope", far(clock))));
    assertThat(cloud.leakedResources()).isEmpty();

    provider.close();

    assertThat(cloud.closedPools()).containsExactly("p1");
    assertThat(cloud.leakedResources()).extracting(FakeResource::resourceId)
        .containsExactly("fake:westeurope/p1/w1");
  }

  @Test
  void theHealthProbeSaysRunningResourcesAreHealthy() {
    ProvisionedWorker w = await(provider.provision(provision("p1", "w1", "westeurope", far(clock))));
    ProviderResource listed = await(provider.list("p1")).get(0);
    WorkerHealthProbe probe = (WorkerHealthProbe) provider;
    assertThat(await(probe.isHealthy(listed))).isTrue();
    cloud.deleteExternally(w.resourceId());
    assertThat(await(probe.isHealthy(listed))).isFalse();
  }

  @Test
  void placementsFollowTheRegionsInOrder() {
    assertThat(cloud.placements()).extracting(p -> p.region() + "/" + p.geography() + "/" + p.preference())
        .containsExactly("westeurope/eu/0", "northeurope/eu/1", "eastus/us/2");
  }

  private <T> T await(CompletableFuture<T> f) {
    try {
      return clock.await(f, Duration.ofHours(2));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
