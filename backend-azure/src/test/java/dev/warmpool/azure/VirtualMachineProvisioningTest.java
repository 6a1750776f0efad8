package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.RG_WEU;
import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Virtual machines: one PUT with the NIC inline and delete options, one DELETE that removes everything. */
class VirtualMachineProvisioningTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final AzureWorkerProvider provider = support.provider("vm");

  @AfterEach
  void close() {
    provider.close();
    arm.close();
  }

  @Test
  void provisionSendsOnePutWithTheNicInlineAndDeleteOptionsOnNicDiskAndPublicIp() throws Exception {
    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.vmTemplate(), WESTEUROPE, Duration.ofMinutes(20))));

    String name = ResourceNames.of("pool-a", "w-1", "westeurope");
    List<LoggedRequest> puts = arm.requests("PUT", "");
    assertThat(puts).as("one PUT and nothing else written").hasSize(1);
    LoggedRequest put = puts.get(0);
    assertThat(put.getUrl()).isEqualTo("/subscriptions/" + FakeArm.SUBSCRIPTION + "/resourceGroups/" + RG_WEU
        + "/providers/Microsoft.Compute/virtualMachines/" + name + "?api-version=2025-04-01");
    JsonNode body = FakeArm.body(put);
    JsonNode props = body.path("properties");
    assertThat(missingPaths(body)).isEmpty();
    assertThat(body.path("tags").path(WorkerTags.POOL).asText()).isEqualTo("pool-a");
    assertThat(props.path("hardwareProfile").path("vmSize").asText()).isEqualTo("Standard_D2s_v5");
    assertThat(props.path("storageProfile").path("osDisk").path("deleteOption").asText()).isEqualTo("Delete");
    JsonNode network = props.path("networkProfile");
    assertThat(network.path("networkApiVersion").asText()).isEqualTo("2020-11-01");
    JsonNode nic = network.path("networkInterfaceConfigurations").get(0);
    assertThat(nic.path("properties").path("deleteOption").asText()).isEqualTo("Delete");
    assertThat(nic.path("tags").path(WorkerTags.WORKER).asText()).isEqualTo("w-1");
    JsonNode ipConfig = nic.path("properties").path("ipConfigurations").get(0).path("properties");
    assertThat(ipConfig.path("subnet").path("id").asText()).isEqualTo(AzureTestSupport.SUBNET);
    assertThat(ipConfig.path("publicIPAddressConfiguration").path("properties").path("deleteOption").asText())
        .isEqualTo("Delete");
    assertThat(props.path("osProfile").path("customData").asText()).isEqualTo(
        Base64.getEncoder().encodeToString(AzureTestSupport.CUSTOM_DATA.getBytes(StandardCharsets.UTF_8)));
    assertThat(props.path("osProfile").path("linuxConfiguration").path("ssh").path("publicKeys").get(0)
        .path("keyData").asText()).isEqualTo(AzureTestSupport.SSH_KEY);
    assertThat(props.path("priority").asText()).isEqualTo("Spot");
    assertThat(props.path("evictionPolicy").asText()).isEqualTo("Delete");

    assertThat(w.attributes()).containsKeys("ip", "privateIp").containsEntry("name", name);
    assertThat(w.attributes().get("ip")).startsWith("20.50.0.");
    assertThat(w.attributes().get("privateIp")).startsWith("10.0.0.");
  }

  @Test
  void oneDeleteRemovesTheVmWithItsNicDiskAndPublicIp() throws Exception {
    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.vmTemplate(), WESTEUROPE, Duration.ofMinutes(20))));
    assertThat(arm.resourcesIn(RG_WEU)).extracting(r -> r.type).containsExactlyInAnyOrder(
        "Microsoft.Compute/virtualMachines", "Microsoft.Network/networkInterfaces",
        "Microsoft.Network/publicIPAddresses", "Microsoft.Compute/disks");

    support.await(provider, provider.deprovision(support.deleteRequest("w-1", Optional.of(w.resourceId()), WESTEUROPE)));

    assertThat(arm.requests("DELETE", "")).hasSize(1);
    assertThat(arm.resourcesIn(RG_WEU)).as("nothing leaked: %s", arm.names()).isEmpty();
  }

  @Test
  void aVmWithoutPublicIpReportsItsPrivateAddress() throws Exception {
    WorkerTemplate t = AzureTestSupport.vmTemplate().toBuilder().providerProperty("publicIp", "false")
        .providerProperty("priority", "regular").build();

    ProvisionedWorker w = support.await(provider,
        provider.provision(support.request("w-2", t, WESTEUROPE, Duration.ofMinutes(20))));

    assertThat(w.attributes().get("ip")).isEqualTo(w.attributes().get("privateIp")).startsWith("10.0.0.");
    JsonNode props = FakeArm.body(arm.requests("PUT", "").get(0)).path("properties");
    assertThat(props.has("priority")).isFalse();
    assertThat(props.path("networkProfile").toString()).doesNotContain("publicIPAddressConfiguration");
  }

  private static List<String> missingPaths(JsonNode body) {
    return ContainerGroupProvisioningTest.missingPaths(FakeArm.example("vm-create-request.json"), body);
  }
}
