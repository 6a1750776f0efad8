package dev.warmpool.azure;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/** The snippets of docs/azure.md; compiled here, shown there by the examples module's DocsTest. */
final class DocsSnippets {
  private DocsSnippets() {}

  static WorkerPool vmPool(String sshPublicKey, String cloudInit) {
    // tag::azure-pool[]
    Map<String, String> azure = Map.of(
        "subscription", "00000000-0000-0000-0000-000000000000",
        "kind", "vm",
        "resourceGroup.westeurope", "warmpool-weu",
        "resourceGroup.northeurope", "warmpool-neu",
        "tenant", "contoso.onmicrosoft.com");

    WorkerTemplate linux = WorkerTemplate.builder("linux-agent")
        .size("Standard_D2s_v5")
        .providerProperty("image", "Canonical:ubuntu-24_04-lts:server:latest")
        .providerProperty("vmSize", "Standard_D2s_v5")
        .providerProperty("subnetId", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net"
            + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/workers")
        .providerProperty("adminUsername", "warmpool")
        .providerProperty("sshPublicKey", sshPublicKey)
        .providerProperty("customData", cloudInit)
        .warmTarget(5)
        .maxTotal(20)
        .build();

    WorkerPool pool = WorkerPools.builder()
        .poolId("ci-eu")
        .template(linux)
        .placement(Placement.of("azure", "westeurope", "eu"))
        .placement(Placement.of("azure", "northeurope", "eu").withPreference(1))
        .provider("azure", azure)                      // found by ServiceLoader under the name "azure"
        .build();                                      // fails here, naming the setting or property, if one is bad

    try (Lease lease = pool.acquire(LeaseRequest.of("linux-agent"), Duration.ofMinutes(5))) {
      String host = lease.worker().attributes().get("ip");
      // run the job on host
    }
    // end::azure-pool[]
    return pool;
  }

  static WorkerPool suppliedTokens(WorkerTemplate linux, Map<String, String> azure,
      Function<java.util.List<String>, String> myTokenCache, Instant expiresAt) {
    // tag::azure-tokens[]
    AzureTokenSource tokens = scopes -> new AzureTokenSource.Token(myTokenCache.apply(scopes), expiresAt);
    WorkerPool pool = WorkerPools.builder()
        .poolId("ci-eu")
        .template(linux)
        .placement(Placement.of("azure", "westeurope", "eu"))
        .provider("azure", new AzureProviderFactory(tokens), azure)
        .build();
    // end::azure-tokens[]
    return pool;
  }
}
