package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.RG_WEU;
import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Container groups through the production pipeline against the fake ARM server: the requests we send and read. */
class ContainerGroupProvisioningTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final AzureWorkerProvider provider = support.provider("aci");

  @AfterEach
  void close() {
    provider.close();
    arm.close();
  }

  @Test
  void provisionPutsOneTaggedContainerGroupAndFollowsTheAsyncOperation() throws Exception {
    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));

    String name = ResourceNames.of("pool-a", "w-1", "westeurope");
    assertThat(w.resourceId()).isEqualTo("/subscriptions/" + FakeArm.SUBSCRIPTION + "/resourceGroups/" + RG_WEU
        + "/providers/Microsoft.ContainerInstance/containerGroups/" + name);
    assertThat(w.attributes()).containsEntry("fqdn", name + ".westeurope.azurecontainer.io")
        .containsKey("ip").containsEntry("name", name);

    List<LoggedRequest> puts = arm.requests("PUT", "/containerGroups/");
    assertThat(puts).hasSize(1);
    LoggedRequest put = puts.get(0);
    assertThat(put.getUrl()).startsWith("/subscriptions/" + FakeArm.SUBSCRIPTION + "/resourceGroups/" + RG_WEU
        + "/providers/Microsoft.ContainerInstance/containerGroups/" + name + "?api-version=2023-05-01");
    assertThat(put.getHeader("Authorization")).isEqualTo("Bearer " + AzureTestSupport.TOKEN);
    JsonNode body = FakeArm.body(put);
    assertThat(body.path("location").asText()).isEqualTo("westeurope");
    assertThat(body.path("tags").path(WorkerTags.POOL).asText()).isEqualTo("pool-a");
    assertThat(body.path("tags").path(WorkerTags.WORKER).asText()).isEqualTo("w-1");
    assertThat(body.path("tags").path(WorkerTags.GENERATION).asText()).isEqualTo("3");
    assertThat(body.path("tags").path(WorkerTags.TEMPLATE).asText()).isEqualTo("linux-aci");
    JsonNode container = body.path("properties").path("containers").get(0);
    assertThat(container.path("properties").path("image").asText()).isEqualTo("mcr.microsoft.com/azure-cli:2.61.0");
    assertThat(container.path("properties").path("command").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"agent\"]");
    assertThat(container.path("properties").path("environmentVariables").toString())
        .contains("\"secureValue\":\"secure-env-secret-value-77\"").contains("\"value\":\"agent\"");
    assertThat(body.path("properties").path("ipAddress").path("dnsNameLabel").asText()).isEqualTo(name);
    assertThat(missingPaths(FakeArm.example("aci-create-request.json"), body)).isEmpty();

    // 201 + Azure-AsyncOperation: one poll of the operation InProgress, one Succeeded, then the final GET
    assertThat(arm.requests("GET", "/operations/")).hasSize(2);
    assertThat(arm.requests("GET", "/containerGroups/" + name)).hasSize(2); // the first read by name, the final GET
  }

  @Test
  void deprovisionFollowsTheLocationHeaderUntilTheGroupIsGone() throws Exception {
    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));
    support.await(provider, provider.deprovision(support.deleteRequest("w-1", Optional.of(w.resourceId()), WESTEUROPE)));

    assertThat(arm.resourcesIn(RG_WEU)).isEmpty();
    assertThat(arm.requests("DELETE", "/containerGroups/")).hasSize(1);
    assertThat(arm.requests("GET", "/operationResults/")).hasSize(2);
    assertThat(provider.remainingDeletes()).hasValue(14998);
  }

  @Test
  void deprovisionOfAGroupThatIsNotThereSucceeds() throws Exception {
    support.await(provider, provider.deprovision(support.deleteRequest("never-made", Optional.empty(), WESTEUROPE)));

    assertThat(arm.requests("DELETE", "/containerGroups/")).hasSize(1);
  }

  @Test
  void listFindsThePoolsGroupsByTagWithCreationTimeAndLeavesOthersOut() throws Exception {
    support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));
    arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", "someone-elses", "westeurope",
        java.util.Map.of(WorkerTags.POOL, "pool-b"), "Succeeded");
    arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", "untagged", "westeurope", java.util.Map.of(),
        "Succeeded");

    List<ProviderResource> found = support.await(provider, provider.list("pool-a"));

    assertThat(found).hasSize(1);
    ProviderResource r = found.get(0);
    assertThat(r.workerId()).hasValue("w-1");
    assertThat(r.region()).isEqualTo("westeurope");
    assertThat(r.createdAt()).isPresent();
    assertThat(r.attributes()).containsEntry("provisioningState", "Succeeded").containsEntry("state", "running");
    LoggedRequest list = arm.requests("GET", "/resourceGroups/" + RG_WEU + "/resources").get(0);
    assertThat(java.net.URLDecoder.decode(list.getUrl(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("$filter=resourceType eq 'Microsoft.ContainerInstance/containerGroups'")
        .contains("$expand=createdTime,changedTime,provisioningState").doesNotContain("tagName");
  }

  @Test
  void listSaysWhichResourcesAreBeingCreatedOrDeletedInThePoolsStateConvention() throws Exception {
    java.util.Map<String, String> expected = java.util.Map.of("Creating", "creating", "Accepted", "creating",
        "Updating", "creating", "Deleting", "deleting", "Succeeded", "running", "Failed", "failed", "Canceled",
        "failed");
    int i = 0;
    for (String state : expected.keySet()) {
      arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", "w-" + i++ + "-westeurope", "westeurope",
          java.util.Map.of(WorkerTags.POOL, "pool-a"), state);
    }
    arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", "odd-westeurope", "westeurope",
        java.util.Map.of(WorkerTags.POOL, "pool-a"), "Migrating");

    List<ProviderResource> found = support.await(provider, provider.list("pool-a"));

    assertThat(found).hasSize(expected.size() + 1).allSatisfy(r -> {
      String arm = r.attributes().get("provisioningState");
      if (expected.containsKey(arm)) {
        assertThat(r.attributes()).as(arm).containsEntry("state", expected.get(arm));
      } else {
        assertThat(r.attributes()).as("a state ARM may add later says nothing").doesNotContainKey("state");
      }
    });
  }

  @Test
  void remainingWriteBudgetIsReadFromTheResponses() throws Exception {
    assertThat(provider.remainingWrites()).isEmpty();
    arm.remainingWrites(42);

    support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));

    assertThat(provider.remainingWrites()).hasValue(41);
    assertThat(provider.remainingReads()).hasValue(11999);
  }

  @Test
  void theHealthProbeSaysRunningGroupsCanServeAndAnythingElseCannot() throws Exception {
    support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(10))));
    arm.seed(RG_WEU, "Microsoft.ContainerInstance/containerGroups", "still-creating", "westeurope",
        java.util.Map.of(WorkerTags.POOL, "pool-a"), "Creating");
    List<ProviderResource> listed = support.await(provider, provider.list("pool-a"));
    ProviderResource running = listed.stream().filter(r -> r.workerId().isPresent()).findFirst().orElseThrow();
    ProviderResource creating = listed.stream().filter(r -> r.workerId().isEmpty()).findFirst().orElseThrow();

    assertThat(support.await(provider, provider.isHealthy(running))).isTrue();
    assertThat(support.await(provider, provider.isHealthy(creating))).isFalse();

    arm.outage(true);
    assertThat(support.await(provider, provider.isHealthy(running))).as("a failed read is unhealthy").isFalse();
    arm.outage(false);
    support.await(provider, provider.deprovision(support.deleteRequest("w-1", Optional.of(running.resourceId()),
        WESTEUROPE)));
    assertThat(support.await(provider, provider.isHealthy(running))).as("gone").isFalse();
  }

  /** Field paths of an ARM example (objects and the first element of arrays) that a body lacks. */
  static List<String> missingPaths(JsonNode example, JsonNode actual) {
    List<String> missing = new ArrayList<>();
    collect("", example, actual, missing);
    return missing;
  }

  private static void collect(String path, JsonNode example, JsonNode actual, List<String> missing) {
    if (example.isObject()) {
      for (Iterator<String> it = example.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!actual.has(f)) {
          missing.add(path + "/" + f);
        } else if (!path.isEmpty() || !f.equals("tags")) {
          collect(path + "/" + f, example.get(f), actual.get(f), missing);
        }
      }
    } else if (example.isArray() && example.size() > 0) {
      if (!actual.isArray() || actual.size() == 0) {
        missing.add(path + "[0]");
      } else {
        collect(path + "[0]", example.get(0), actual.get(0), missing);
      }
    }
  }
}
