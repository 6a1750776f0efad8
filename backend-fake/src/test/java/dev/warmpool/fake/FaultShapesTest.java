package dev.warmpool.fake;

import static dev.warmpool.fake.Requests.deprovision;
import static dev.warmpool.fake.Requests.failure;
import static dev.warmpool.fake.Requests.far;
import static dev.warmpool.fake.Requests.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionedWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The outage shapes of partial, slow and throttled control planes, against the SPI on the virtual clock. */
class FaultShapesTest extends ScriptedCloudTest {
  private List<CompletableFuture<ProvisionedWorker>> provisions(int n, String region) {
    List<CompletableFuture<ProvisionedWorker>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(provider.provision(provision("p1", region + "-w" + i, region, far(clock))));
    }
    clock.runDue();
    return out;
  }

  private static long failedWith(List<? extends CompletableFuture<?>> futures, String code) {
    return futures.stream().filter(CompletableFuture::isCompletedExceptionally)
        .filter(f -> failure(f).code().equals(code)).count();
  }

  private static Duration took(Call c) {
    return Duration.between(c.at(), c.completedAt().orElseThrow());
  }

  // ---- shares add up ----

  @Test
  void twoThirtyPercentOutagesOfOneRegionFailSixtyPercentOfItsCalls() {
    cloud(Faults.outage("westeurope").failureRate(0.3), Faults.outage("westeurope").failureRate(0.3));

    List<CompletableFuture<ProvisionedWorker>> calls = provisions(4000, "westeurope");

    assertThat(failedWith(calls, "ServiceUnavailable") / 4000.0).isCloseTo(0.6, within(0.03));
  }

  @Test
  void anOutageAndAThrottlingShareOneDrawAndEachKeepsItsAnswer() {
    cloud(Faults.outage("westeurope").failureRate(0.3), Faults.throttling("westeurope").failureRate(0.3));

    List<CompletableFuture<ProvisionedWorker>> calls = provisions(4000, "westeurope");

    assertThat(failedWith(calls, "ServiceUnavailable") / 4000.0).isCloseTo(0.3, within(0.03));
    assertThat(failedWith(calls, "TooManyRequests") / 4000.0).isCloseTo(0.3, within(0.03));
  }

  @Test
  void sharesPastOneAreCappedAndTheLaterFaultGetsTheRest() {
    cloud(Faults.outage("westeurope").failureRate(0.7), Faults.throttling("westeurope").failureRate(0.6));

    List<CompletableFuture<ProvisionedWorker>> calls = provisions(4000, "westeurope");

    assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(failedWith(calls, "ServiceUnavailable") / 4000.0).isCloseTo(0.7, within(0.03));
    assertThat(failedWith(calls, "TooManyRequests") / 4000.0).isCloseTo(0.3, within(0.03));
  }

  @Test
  void sharesAddUpOnlyAmongFaultsThatMatchTheCall() {
    cloud(Faults.outage("westeurope").failureRate(0.3), Faults.outage("northeurope").failureRate(0.3),
        Faults.outage("westeurope").failureRate(0.3).from(at(60)));

    List<CompletableFuture<ProvisionedWorker>> calls = provisions(4000, "westeurope");

    assertThat(failedWith(calls, "ServiceUnavailable") / 4000.0).isCloseTo(0.3, within(0.03));
  }

  // ---- 503 with Retry-After ----

  @Test
  void anOutageSendsRetryAfterOnlyWhenToldTo() {
    cloud(Faults.outage("westeurope").retryAfter(Duration.ofMinutes(2)), Faults.outage("northeurope"));

    ProviderException told = failure(provisions(1, "westeurope").get(0));
    ProviderException silent = failure(provisions(1, "northeurope").get(0));

    assertThat(told.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(told.code()).isEqualTo("ServiceUnavailable");
    assertThat(told.retryAfter()).contains(Duration.ofMinutes(2));
    assertThat(silent.retryAfter()).isEmpty();
  }

  // ---- slowdown ----

  @Test
  void aSlowdownMultipliesTheLatencyOfCallsThatStartInItsWindow() {
    cloud(Faults.slowdown("westeurope", 4.0).from(at(10)).until(at(30)));

    provider.provision(provision("p1", "before", "westeurope", far(clock)));
    clock.runUntil(at(10));
    provider.provision(provision("inside", "inside", "westeurope", far(clock)));
    provider.provision(provision("p1", "elsewhere", "northeurope", far(clock)));
    provider.deprovision(deprovision("p1", "before", "westeurope", far(clock)));
    clock.runUntil(at(30));
    provider.provision(provision("p1", "after", "westeurope", far(clock)));
    clock.advance(Duration.ofHours(2));

    assertThat(cloud.calls()).extracting(c -> c.workerId() + " " + c.operation() + " " + took(c).toMinutes())
        .containsExactly("before PROVISION 5", "inside PROVISION 20", "elsewhere PROVISION 5",
            "before DEPROVISION 1", "after PROVISION 5");
  }

  @Test
  void overlappingSlowdownsMultiplyAndSlowProvisionsAddTheirExtraAfter() {
    cloud(Faults.slowdown(2.0), Faults.slowdown("westeurope", 3.0),
        Faults.slowProvisions("westeurope", Duration.ofMinutes(1)),
        Faults.slowdown(10.0).operations(Operation.DEPROVISION));

    provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    provider.provision(provision("p1", "w2", "northeurope", far(clock)));
    clock.advance(Duration.ofHours(1));
    provider.deprovision(deprovision("p1", "w1", "westeurope", far(clock)));
    clock.advance(Duration.ofHours(1));

    assertThat(cloud.calls()).extracting(c -> took(c).toMinutes()).containsExactly(31L, 10L, 10L);
  }

  // ---- hang, then create late ----

  @Test
  void aHangingCreateAnswersOnlyAtItsDeadlineWhileTheResourceAppearsLater() {
    cloud(Faults.hangThenCreateLate("westeurope").createdAfter(Duration.ofMinutes(30)));
    CompletableFuture<ProvisionedWorker> f =
        provider.provision(provision("p1", "w1", "westeurope", at(10)));

    clock.runUntil(at(10));
    assertThat(failure(f).code()).isEqualTo("OperationTimedOut");
    assertThat(cloud.resources()).singleElement().extracting(FakeResource::state).isEqualTo(ResourceState.CREATING);
    clock.runUntil(at(29));
    assertThat(cloud.resources()).singleElement().extracting(FakeResource::state).isEqualTo(ResourceState.CREATING);
    clock.runUntil(at(30));
    assertThat(cloud.resources()).singleElement().extracting(FakeResource::state).isEqualTo(ResourceState.RUNNING);

    CompletableFuture<ProvisionedWorker> retried =
        provider.provision(provision("p1", "w1", "westeurope", far(clock)));
    clock.runDue();
    assertThat(Requests.done(retried).resourceId()).isEqualTo("fake:westeurope/p1/w1");
    assertThat(cloud.inventorySize()).isEqualTo(1);
  }

  @Test
  void aHangingCreateStaysSilentEvenWhenItsResourceIsReadyBeforeTheDeadline() {
    cloud(Faults.hangThenCreateLate());
    CompletableFuture<ProvisionedWorker> hanging =
        provider.provision(provision("p1", "w1", "westeurope", at(60)));
    clock.runUntil(at(2));
    CompletableFuture<ProvisionedWorker> joined =
        provider.provision(provision("p1", "w1", "westeurope", at(60)));

    clock.runUntil(at(5));
    assertThat(cloud.resource("fake:westeurope/p1/w1")).get().extracting(FakeResource::state)
        .isEqualTo(ResourceState.RUNNING);
    assertThat(joined).as("a retry that joined the creation hears it").isCompleted();
    assertThat(hanging).isNotDone();
    clock.runUntil(at(60));
    assertThat(failure(hanging).code()).isEqualTo("OperationTimedOut");
    assertThat(cloud.calls()).extracting(Call::outcome).containsExactly(Outcome.TRANSIENT, Outcome.SUCCESS);
  }

  @Test
  void hangingAndHangThenCreateLateShareOneDraw() {
    cloud(Faults.hangingProvisions("westeurope").failureRate(0.25),
        Faults.hangThenCreateLate("westeurope").failureRate(0.25).createdAfter(Duration.ofHours(2)));
    for (int i = 0; i < 4000; i++) {
      provider.provision(provision("p1", "w" + i, "westeurope", at(30)));
    }
    clock.runUntil(at(30));
    assertThat(cloud.callCount(Operation.PROVISION, Outcome.TRANSIENT) / 4000.0).isCloseTo(0.5, within(0.03));
    clock.advance(Duration.ofHours(3));
    long creating = cloud.resources().stream().filter(r -> r.state() == ResourceState.CREATING).count();
    assertThat(creating / 4000.0).as("the plain hangs never finish").isCloseTo(0.25, within(0.03));
  }

  // ---- token bucket ----

  @Test
  void aTokenBucketKeepsOneBucketPerRegionAndAnswersItsFixedRetryAfter() {
    Fault bucket = Faults.writeTokenBucket().burst(2).refillPerSecond(1).retryAfter(Duration.ofSeconds(40));
    cloud(bucket);

    List<CompletableFuture<ProvisionedWorker>> west = provisions(3, "westeurope");
    List<CompletableFuture<ProvisionedWorker>> north = provisions(2, "northeurope");

    ProviderException refused = failure(west.get(2));
    assertThat(refused.kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(refused.retryAfter()).contains(Duration.ofSeconds(40));
    assertThat(north).noneMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(cloud.admittedCalls(bucket, "westeurope")).isEqualTo(2);
    assertThat(cloud.refusedCalls(bucket, "westeurope")).isEqualTo(1);
    assertThat(cloud.admittedCalls(bucket, "northeurope")).isEqualTo(2);
    assertThat(cloud.admittedCalls(bucket)).isEqualTo(4);

    clock.advance(Duration.ofSeconds(1));
    assertThat(provisions(2, "westeurope")).extracting(CompletableFuture::isCompletedExceptionally)
        .containsExactly(false, true);
    assertThat(bucket.tokenBudget(Duration.ofSeconds(1))).isEqualTo(3);
    assertThat(cloud.admittedCalls(bucket, "westeurope")).isEqualTo(3);
  }

  @Test
  void aTokenBucketIsTheFrontDoorAndAdmitsCallsThatAnOutageThenRefuses() {
    Fault bucket = Faults.writeTokenBucket("westeurope").burst(5);
    cloud(bucket, Faults.outage("westeurope"));

    provisions(8, "westeurope");

    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.TRANSIENT)).isEqualTo(5);
    assertThat(cloud.callCount(Operation.PROVISION, "westeurope", Outcome.THROTTLED)).isEqualTo(3);
    assertThat(cloud.admittedCalls(bucket, "westeurope")).isEqualTo(5);
  }

  // ---- lists ----

  @Test
  void aRegionsListFaultFailsTheListWithAnErrorThatNamesTheRegion() {
    cloud(Faults.throttling("northeurope").operations(Operation.LIST).retryAfter(Duration.ofSeconds(5)));
    provisions(1, "westeurope");

    CompletableFuture<List<ProviderResource>> f = provider.list("p1");
    clock.runDue();

    assertThat(failure(f).code()).isEqualTo("TooManyRequests");
    assertThat(failure(f).getMessage()).contains("northeurope");
    assertThat(provisions(1, "northeurope").get(0)).as("a list fault spares provisions")
        .isNotCompletedExceptionally();
  }

  @Test
  void listSharesAddUpWithinARegionNotAcrossRegions() {
    cloud(Faults.outage("westeurope").failureRate(0.3).operations(Operation.LIST),
        Faults.outage("northeurope").failureRate(0.3).operations(Operation.LIST));
    List<CompletableFuture<List<ProviderResource>>> lists = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      lists.add(provider.list("p1"));
    }
    clock.advance(Duration.ofMinutes(1));

    // each region refuses 30% of the lists it sees: 1 - 0.7 * 0.7 of them fail
    assertThat(failedWith(lists, "ServiceUnavailable") / 4000.0).isCloseTo(0.51, within(0.03));
    assertThat(lists.stream().filter(CompletableFuture::isCompletedExceptionally)
        .filter(f -> failure(f).getMessage().contains("westeurope")).count() / 4000.0)
        .as("westeurope is visited first").isCloseTo(0.3, within(0.03));
  }
}
