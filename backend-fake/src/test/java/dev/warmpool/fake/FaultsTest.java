package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.failure;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every fault kind against the SPI directly, without a pool. */
class FaultsTest extends ScriptedCloudTest {
  private CompletableFuture<ProvisionedWorker> provisionNow(String workerId, String region) {
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("p1", workerId, region, far(clock)));
    clock.runDue();
    return f;
  }

  @Test
  void anOutageFailsEveryCallOfItsRegionInsideItsWindowOnly() {
    cloud(Faults.outage("westeurope").from(at(10)).until(at(20)));

    CompletableFuture<ProvisionedWorker> before = provisionNow("before", "westeurope");
    clock.runUntil(at(10));
    CompletableFuture<ProvisionedWorker> atStart = provisionNow("start", "westeurope");
    CompletableFuture<ProvisionedWorker> elsewhere = provisionNow("elsewhere", "northeurope");
    clock.runUntil(at(19));
    CompletableFuture<ProvisionedWorker> late = provisionNow("late", "westeurope");
    clock.runUntil(at(20));
    CompletableFuture<ProvisionedWorker> atEnd = provisionNow("end", "westeurope");
    clock.advance(Duration.ofMinutes(10));

    assertThat(before).isCompleted();
    assertThat(failure(atStart).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failure(atStart).code()).isEqualTo("ServiceUnavailable");
    assertThat(failure(late).code()).isEqualTo("ServiceUnavailable");
    assertThat(elsewhere).isCompleted();
    assertThat(atEnd).isCompleted();
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT)).isEqualTo(2);
    assertThat(cloud.resources()).extracting(FakeResource::workerId)
        .containsExactlyInAnyOrder("before", "elsewhere", "end");
  }

  @Test
  void anOutageFailsItsShareOfCalls() {
    cloud(Faults.outage("westeurope").failureRate(0.3));
    for (int i = 0; i < 2000; i++) {
      provider.provision(provision("p1", "w" + i, "westeurope", far(clock)));
    }
    clock.advance(Duration.ofMinutes(10));
    long failed = cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT);
    assertThat(failed).isBetween(520L, 680L);
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.SUCCESS)).isEqualTo(2000 - failed);
  }

  @Test
  void aRegionsOutageFailsListsUnlessNarrowedToProvisions() {
    cloud(Faults.outage("westeurope"));
    CompletableFuture<List<ProviderResource>> list = provider.list("p1");
    clock.advance(Duration.ofSeconds(5));
    assertThat(failure(list).code()).isEqualTo("ServiceUnavailable");
    assertThat(cloud.callCount(Operation.LIST, FakeCloud.ALL_REGIONS, Outcome.TRANSIENT)).isEqualTo(1);

    cloud(Faults.outage("westeurope").operations(Operation.PROVISION));
    list = provider.list("p1");
    clock.advance(Duration.ofSeconds(5));
    assertThat(list).isCompleted();
  }

  @Test
  void throttlingFailsWithItsRetryAfter() {
    cloud(Faults.throttling().retryAfter(Duration.ofSeconds(20)));
    ProviderException e = failure(provisionNow("w1", "northeurope"));
    assertThat(e.kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(e.code()).isEqualTo("TooManyRequests");
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(20));
  }

  @Test
  void aWriteTokenBucketAllowsItsBurstThenRefills() {
    cloud(Faults.writeTokenBucket("westeurope").burst(5).refillPerSecond(2));
    List<CompletableFuture<ProvisionedWorker>> burst = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      burst.add(provider.provision(provision("p1", "w" + i, "westeurope", far(clock))));
    }
    CompletableFuture<List<ProviderResource>> read = provider.list("p1");
    CompletableFuture<ProvisionedWorker> otherRegion = provisionNow("other", "northeurope");
    clock.runDue();
    ProviderException sixth = failure(burst.get(5));
    assertThat(sixth.kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(sixth.retryAfter()).contains(Duration.ofMillis(500));
    assertThat(burst.subList(0, 5)).noneMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(otherRegion).isNotDone();

    clock.advance(Duration.ofMillis(500));
    CompletableFuture<ProvisionedWorker> refilled = provisionNow("w6", "westeurope");
    CompletableFuture<ProvisionedWorker> empty = provisionNow("w7", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    assertThat(refilled).isCompleted();
    assertThat(failure(empty).kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(read).isCompleted();
    assertThat(otherRegion).isCompleted();
  }

  @Test
  void aCapacityErrorHitsItsSizeInItsRegionOnly() {
    cloud(Faults.capacityError("westeurope").size("D2").code("SkuNotAvailable"));
    CompletableFuture<ProvisionedWorker> small = provisionNow("small", "westeurope");
    CompletableFuture<ProvisionedWorker> large =
        provider.provision(provision("p1", "large", "westeurope", Requests.LARGE, far(clock)));
    CompletableFuture<ProvisionedWorker> elsewhere = provisionNow("elsewhere", "northeurope");
    clock.advance(Duration.ofMinutes(5));
    assertThat(failure(small).kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(failure(small).code()).isEqualTo("SkuNotAvailable");
    assertThat(large).isCompleted();
    assertThat(elsewhere).isCompleted();
  }

  @Test
  void aQuotaFailsProvisionsOnceItsLimitOfResourcesExists() {
    cloud(Faults.quota("westeurope", 2));
    provisionNow("w1", "westeurope");
    provisionNow("w2", "westeurope");
    CompletableFuture<ProvisionedWorker> third = provisionNow("w3", "westeurope");
    assertThat(failure(third).kind()).isEqualTo(FailureKind.QUOTA);
    assertThat(failure(third).code()).isEqualTo("QuotaExceeded");
    assertThat(provisionNow("w4", "northeurope")).isNotCompletedExceptionally();

    clock.advance(Duration.ofMinutes(5));
    provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    CompletableFuture<ProvisionedWorker> afterDelete = provisionNow("w5", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    assertThat(afterDelete).isCompleted();
  }

  @Test
  void slowProvisionsTakeTheirExtraTime() {
    cloud(Faults.slowProvisions("westeurope", Duration.ofMinutes(30)));
    CompletableFuture<ProvisionedWorker> f = provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(34));
    assertThat(f).isNotDone();
    clock.advance(Duration.ofMinutes(1));
    assertThat(f).isCompleted();
  }

  @Test
  void aHangingProvisionFailsAtItsDeadlineAndItsResourceStaysCreatingUntilDeleted() {
    cloud(Faults.hangingProvisions("westeurope"));
    CompletableFuture<ProvisionedWorker> f = provider.provision(provision("p1", "w1", "westeurope", at(30)));
    clock.advance(Duration.ofMinutes(30));
    assertThat(failure(f).code()).isEqualTo("OperationTimedOut");
    clock.advance(Duration.ofHours(10));
    assertThat(cloud.resources("p1")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ResourceState.CREATING));

    provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void aLostResponseLeavesTheResourceBehindAndARetryFindsIt() {
    cloud(Faults.lostResponses("westeurope"));
    CompletableFuture<ProvisionedWorker> f = provisionNow("w1", "westeurope");
    ProviderException e = failure(f);
    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.code()).isEqualTo("LostResponse");
    assertThat(cloud.resources("p1")).hasSize(1);

    clock.advance(Duration.ofMinutes(5));
    assertThat(cloud.resources("p1")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ResourceState.RUNNING));

    // a lost-response fault that only hits the first attempt: the retry finds the first resource
    cloud(Faults.lostResponses("westeurope").until(at(6)));
    provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(1));
    CompletableFuture<ProvisionedWorker> retry = provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    assertThat(retry).isCompleted();
    assertThat(cloud.inventorySize()).isEqualTo(1);
  }

  @Test
  void aShareOfLostResponsesLeavesThatShareOfUnreportedResources() {
    cloud(Faults.lostResponses().failureRate(0.25));
    List<CompletableFuture<ProvisionedWorker>> all = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      all.add(provider.provision(provision("p1", "w" + i, "northeurope", far(clock))));
    }
    clock.advance(Duration.ofMinutes(5));
    long lost = all.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    assertThat(lost).isBetween(70L, 130L);
    assertThat(cloud.resources("p1")).hasSize(400).allMatch(r -> r.state() == ResourceState.RUNNING);
  }

  @Test
  void aLostDeleteResponseStillDeletes() {
    cloud(Faults.lostResponses().operations(Operation.DEPROVISION));
    provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    CompletableFuture<Void> d = provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.runDue();
    assertThat(failure(d).code()).isEqualTo("LostResponse");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void aFailingDeleteKeepsTheResource() {
    cloud(Faults.failingDeletes("westeurope").until(at(30)));
    provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    CompletableFuture<Void> d = provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    assertThat(failure(d).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failure(d).code()).isEqualTo("InternalServerError");
    assertThat(cloud.resources()).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(ResourceState.RUNNING));

    clock.runUntil(at(30));
    CompletableFuture<Void> later = provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofMinutes(1));
    assertThat(later).isCompleted();
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void externalDeletionRemovesARunningWorker() {
    cloud(b -> b);
    CompletableFuture<ProvisionedWorker> f = provisionNow("w1", "westeurope");
    clock.advance(Duration.ofMinutes(5));
    String id = Requests.done(f).resourceId();
    assertThat(cloud.resource(id)).isPresent();
    assertThat(cloud.deleteExternally(id)).isTrue();
    assertThat(cloud.deleteExternally(id)).isFalse();
    assertThat(cloud.inventorySize()).isZero();
    assertThat(cloud.externallyDeleted()).containsExactly(id);
  }

  @Test
  void externalDeletionOfAWorkerBeingCreatedFailsItsProvision() {
    cloud(b -> b);
    CompletableFuture<ProvisionedWorker> f = provisionNow("w1", "westeurope");
    cloud.deleteExternally(cloud.resources().get(0).resourceId());
    clock.advance(Duration.ofMinutes(10));
    assertThat(failure(f).code()).isEqualTo("OperationCanceled");
    assertThat(cloud.inventorySize()).isZero();
  }

  @Test
  void aScriptedExternalDeletionRemovesItsCountOfRunningWorkersInItsRegionAtItsInstant() {
    cloud(Faults.externalDeletion("westeurope").at(at(30)).count(2));
    for (int i = 0; i < 4; i++) {
      provisionNow("w" + i, "westeurope");
      provisionNow("n" + i, "northeurope");
    }
    clock.runUntil(at(28));
    CompletableFuture<ProvisionedWorker> creating = provisionNow("late", "westeurope");
    clock.runUntil(at(29));
    assertThat(cloud.inventorySize()).isEqualTo(9);

    clock.runUntil(at(30));

    assertThat(cloud.inventorySize()).isEqualTo(7);
    assertThat(cloud.externallyDeleted()).hasSize(2)
        .allMatch(id -> id.startsWith("fake:westeurope/p1/w"));
    assertThat(cloud.resources("p1")).filteredOn(r -> r.region().equals("northeurope")).hasSize(4);
    clock.advance(Duration.ofMinutes(5));
    assertThat(creating).isCompleted();
  }

  @Test
  void faultsComposeAndTheFirstRejectingOneInScriptOrderWins() {
    cloud(Faults.throttling("westeurope").until(at(10)),
        Faults.outage("westeurope"),
        Faults.slowProvisions(Duration.ofMinutes(10)));
    assertThat(failure(provisionNow("w1", "westeurope")).kind()).isEqualTo(FailureKind.THROTTLED);
    clock.runUntil(at(10));
    assertThat(failure(provisionNow("w2", "westeurope")).kind()).isEqualTo(FailureKind.TRANSIENT);
    CompletableFuture<ProvisionedWorker> slow = provisionNow("w3", "northeurope");
    clock.advance(Duration.ofMinutes(14));
    assertThat(slow).isNotDone();
    clock.advance(Duration.ofMinutes(1));
    assertThat(slow).isCompleted();
  }

  @Test
  void theSameSeedAndScriptGiveTheSameCallLogTwice() {
    List<Call> first = scenario(11);
    List<Call> second = scenario(11);
    assertThat(first).hasSizeGreaterThan(500).isEqualTo(second);
    assertThat(first).extracting(Call::outcome).contains(Outcome.SUCCESS, Outcome.TRANSIENT, Outcome.THROTTLED,
        Outcome.CAPACITY);
    assertThat(scenario(12)).isNotEqualTo(first);
  }

  private static List<Call> scenario(long seed) {
    VirtualClock clock = new VirtualClock();
    Instant t0 = clock.now();
    FakeCloud cloud = FakeCloud.builder().seed(seed).clock(clock)
        .region("westeurope", "eu")
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(2), Duration.ofMinutes(8)))
        .fault(Faults.outage("westeurope").from(t0.plus(Duration.ofMinutes(30))).failureRate(0.6))
        .fault(Faults.throttling().failureRate(0.05))
        .fault(Faults.capacityError("northeurope").failureRate(0.1))
        .fault(Faults.lostResponses().failureRate(0.05))
        .build();
    WorkerProvider provider = cloud.provider();
    for (int i = 0; i < 300; i++) {
      String region = i % 2 == 0 ? "westeurope" : "northeurope";
      String worker = "w" + i;
      provider.provision(provision("p1", worker, region, clock.now().plus(Duration.ofMinutes(15))))
          .whenComplete((w, e) -> provider.deprovision(deprovision("p1", worker, region,
              clock.now().plus(Duration.ofMinutes(15)))));
      clock.advance(Duration.ofSeconds(20));
    }
    clock.advance(Duration.ofHours(2));
    return cloud.calls();
  }
}
