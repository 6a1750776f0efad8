package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.RG_WEU;
import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every failure mode ARM has, classified as the pool needs it, through the production pipeline. */
class FailureModesTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private AzureWorkerProvider provider = support.provider("aci");

  @AfterEach
  void close() {
    provider.close();
    arm.close();
  }

  private ProviderException provisionFails(WorkerTemplate template, Duration timeout) {
    Throwable t = support.failure(provider,
        provider.provision(support.request("w-1", template, WESTEUROPE, timeout)));
    assertThat(t).isInstanceOf(ProviderException.class);
    return (ProviderException) t;
  }

  private ProviderException provisionFails() {
    return provisionFails(AzureTestSupport.aciTemplate(), Duration.ofMinutes(10));
  }

  @Test
  void a503WindowFailsTransientWithBoundedReadRetriesAndNoWriteThenRecovers() throws Exception {
    arm.outage(true);

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.code()).isEqualTo("ServiceUnavailable");
    assertThat(arm.requests("GET", "/containerGroups/")).as("one read plus 3 retries").hasSize(4);
    assertThat(arm.requests("PUT", "")).isEmpty();

    arm.outage(false);
    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));
    assertThat(w.resourceId()).endsWith(ResourceNames.of("pool-a", "w-1", "westeurope"));
  }

  @Test
  void a503OnAPollIsRetriedInsideTheClientAndDoesNotKillTheCreate() throws Exception {
    arm.fail("GET", "/operations/", 1, 503, "ServiceUnavailable", "busy", Map.of());

    support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));

    assertThat(arm.requests("PUT", "")).hasSize(1);
  }

  @Test
  void a429OnCreateIsThrottledWithRetryAfterAndSentExactlyOnce() {
    arm.fail("PUT", "/containerGroups/", 5, 429, "TooManyRequests", "Too many requests", Map.of("Retry-After", "7"));

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(e.code()).isEqualTo("TooManyRequests");
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
    assertThat(arm.requests("PUT", "")).as("no retry of a write inside the client").hasSize(1);
  }

  @Test
  void aCreateThatNeverFinishesStopsPollingAtTheDeadline() {
    arm.createOutcome(FakeArm.Outcome.NEVER, "", "");
    Instant deadline = support.clock.now().plus(Duration.ofMinutes(2));

    ProviderException e = provisionFails(AzureTestSupport.aciTemplate(), Duration.ofMinutes(2));

    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.code()).isEqualTo("DeadlineExceeded");
    assertThat(support.clock.now()).isEqualTo(deadline);
    int polls = arm.requests("GET", "/operations/").size();
    assertThat(polls).as("Retry-After: 1 over two minutes").isBetween(100, 121);
    support.clock.advance(Duration.ofHours(1));
    assertThat(arm.requests("GET", "/operations/")).as("no poll after the deadline").hasSize(polls);
    assertThat(support.clock.pendingTasks()).isZero();
  }

  @Test
  void anOperationThatEndsWithAllocationFailedIsCapacity() {
    arm.createOutcome(FakeArm.Outcome.FAIL, "AllocationFailed", "Allocation failed. We do not have sufficient "
        + "capacity for the requested VM size in this region.");

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(e.code()).isEqualTo("AllocationFailed");
    assertThat(e.getMessage()).contains("sufficient capacity");
  }

  @Test
  void skuNotAvailableIsCapacity() {
    arm.fail("PUT", "", 1, 409, "SkuNotAvailable", "The requested VM size Standard_D2s_v5 is currently not available "
        + "in location 'westeurope'.", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(e.code()).isEqualTo("SkuNotAvailable");
  }

  @Test
  void quotaExceededIsQuotaWhetherARMCallsItQuotaExceededOrOperationNotAllowed() {
    arm.fail("PUT", "", 1, 409, "OperationNotAllowed", "Operation could not be completed as it results in exceeding "
        + "approved standardDSv5Family Cores quota.", Map.of());
    assertThat(provisionFails().kind()).isEqualTo(FailureKind.QUOTA);

    arm.fail("PUT", "", 1, 409, "QuotaExceeded", "Quota exceeded", Map.of());
    ProviderException e = provisionFails();
    assertThat(e.kind()).isEqualTo(FailureKind.QUOTA);
    assertThat(e.code()).isEqualTo("QuotaExceeded");
  }

  @Test
  void containerInstancesServiceUnavailableOn409IsCapacityNotTransient() {
    arm.fail("PUT", "/containerGroups/", 1, 409, "ServiceUnavailable", "The requested resource is not available in "
        + "the location 'westeurope' at this moment.", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(e.code()).isEqualTo("ServiceUnavailable");
  }

  @Test
  void anotherOperationInProgressIsTransientWithAShortRetry() {
    arm.fail("PUT", "", 1, 409, "AnotherOperationInProgress", "Operation is in progress", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.retryAfter()).hasValue(ArmErrors.CONFLICT_RETRY);
  }

  @Test
  void unauthenticatedIsInvalidAndPointsAtTheCredentials() {
    arm.fail("*", "", 10, 401, "InvalidAuthenticationToken", "The access token is invalid.", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.getMessage()).contains("check the credentials");
  }

  @Test
  void forbiddenIsInvalidAndPointsAtRoleAssignments() {
    arm.fail("PUT", "", 1, 403, "AuthorizationFailed", "The client 'abc' with object id 'abc' does not have "
        + "authorization to perform action 'Microsoft.ContainerInstance/containerGroups/write'.", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.code()).isEqualTo("AuthorizationFailed");
    assertThat(e.getMessage()).contains("role assignments (RBAC)");
  }

  @Test
  void anUnregisteredResourceProviderFailsAtOnceInsteadOfWaiting() {
    arm.fail("PUT", "", 1, 409, "MissingSubscriptionRegistration", "The subscription is not registered to use "
        + "namespace 'Microsoft.ContainerInstance'.", Map.of());

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.getMessage()).contains("az provider register");
    assertThat(arm.requests("POST", "/register")).isEmpty();
    assertThat(arm.requests("PUT", "")).hasSize(1);
  }

  @Test
  void aBadParameterIsInvalid() {
    arm.fail("PUT", "", 1, 400, "InvalidParameter", "The value of parameter image is invalid.", Map.of());

    assertThat(provisionFails().kind()).isEqualTo(FailureKind.INVALID);
  }

  @Test
  void a404OnDeleteIsSuccess() throws Exception {
    arm.fail("DELETE", "", 1, 404, "ResourceNotFound", "not found", Map.of());

    support.await(provider, provider.deprovision(support.deleteRequest("w-9", Optional.empty(), WESTEUROPE)));

    assertThat(arm.requests("DELETE", "")).hasSize(1);
  }

  @Test
  void aLostCreateResponseIsFoundByListAndARepeatedProvisionAdoptsItWithoutASecondPut() throws Exception {
    arm.loseNextResponse("PUT", "/containerGroups/");

    ProviderException lost = provisionFails();
    assertThat(lost.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(arm.resourcesIn(RG_WEU)).as("ARM made it although the caller saw a reset").hasSize(1);

    List<ProviderResource> inventory = support.await(provider, provider.list("pool-a"));
    assertThat(inventory).extracting(r -> r.tags().get(WorkerTags.WORKER)).containsExactly("w-1");

    // the resource is still being created; the repeat watches it instead of sending a second PUT
    ProvisionedWorker adopted = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));
    assertThat(adopted.resourceId()).isEqualTo(inventory.get(0).resourceId());
    assertThat(arm.requests("PUT", "")).hasSize(1);
    assertThat(arm.resourcesIn(RG_WEU)).hasSize(1);
  }

  @Test
  void aLostCreateResponseCanBeCleanedUpByWorkerIdAlone() throws Exception {
    arm.loseNextResponse("PUT", "/containerGroups/");
    provisionFails();

    support.await(provider, provider.deprovision(support.deleteRequest("w-1", Optional.empty(), WESTEUROPE)));

    assertThat(arm.resourcesIn(RG_WEU)).isEmpty();
    assertThat(support.await(provider, provider.list("pool-a"))).isEmpty();
  }

  @Test
  void aResourceOfAnotherPoolWithTheSameNameIsNeverAdopted() {
    arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", ResourceNames.of("pool-a", "w-1", "westeurope"),
        "westeurope", Map.of(WorkerTags.POOL, "pool-z"), "Succeeded");

    ProviderException e = provisionFails();

    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.code()).isEqualTo("NameTaken");
    assertThat(arm.requests("PUT", "")).isEmpty();
  }

  @Test
  void aBadTemplateFailsInvalidNamingThePropertyWithoutAnyRequest() {
    WorkerTemplate bad = WorkerTemplate.builder("broken").providerProperty("image", "x").providerProperty("cpu", "64")
        .build();

    ProviderException e = provisionFails(bad, Duration.ofMinutes(1));

    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.getMessage()).contains("template[broken].providerProperties.cpu").contains("between 0.1 and 4.0");
    assertThat(arm.requests("*", "")).isEmpty();
  }

  @Test
  void aRegionWithoutResourceGroupFailsInvalidNamingTheSetting() {
    ProvisionRequest r = support.request("w-1", AzureTestSupport.aciTemplate(),
        dev.warmpool.api.Placement.of("azure", "swedencentral", "eu"), Duration.ofMinutes(1));

    Throwable t = support.failure(provider, provider.provision(r));

    assertThat(t).isInstanceOf(ProviderException.class).hasMessageContaining(
        "providers.azure.resourceGroup.swedencentral");
    assertThat(((ProviderException) t).kind()).isEqualTo(FailureKind.INVALID);
  }

  @Test
  void closingTheProviderFailsCallsInFlight() {
    arm.createOutcome(FakeArm.Outcome.NEVER, "", "");
    var call = provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE,
        Duration.ofMinutes(10)));
    support.clock.advance(Duration.ZERO);

    provider.close();

    Throwable t = support.failure(provider, call);
    assertThat(t).isInstanceOf(ProviderException.class);
    assertThat(((ProviderException) t).code()).isEqualTo("ProviderClosed");
    assertThat(support.failure(provider, provider.list("pool-a"))).isInstanceOf(ProviderException.class);
  }
}
