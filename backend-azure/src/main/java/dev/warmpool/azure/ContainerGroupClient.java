package dev.warmpool.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.containerinstance.fluent.ContainerGroupsClient;
import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupIpAddressType;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupRestartPolicy;
import com.azure.resourcemanager.containerinstance.models.ContainerNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerPort;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import com.azure.resourcemanager.containerinstance.models.IpAddress;
import com.azure.resourcemanager.containerinstance.models.OperatingSystemTypes;
import com.azure.resourcemanager.containerinstance.models.Port;
import com.azure.resourcemanager.containerinstance.models.ResourceRequests;
import com.azure.resourcemanager.containerinstance.models.ResourceRequirements;
import dev.warmpool.spi.ProvisionRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Container groups (Azure Container Instances, api-version 2023-05-01): one group with one container per worker. */
final class ContainerGroupClient implements KindClient {
  static final String CONTAINER_NAME = "worker";

  private final ContainerGroupsClient groups;

  ContainerGroupClient(ContainerGroupsClient groups) {
    this.groups = groups;
  }

  @Override
  public Optional<Found> get(String resourceGroup, String name, Context context) {
    return KindClient.foundOrEmpty(() -> {
      Response<ContainerGroupInner> r = groups.getByResourceGroupWithResponse(resourceGroup, name, context);
      ContainerGroupInner g = r.getValue();
      return new Found(g.id(), g.provisioningState(), g.tags() == null ? Map.of() : g.tags(), g);
    });
  }

  @Override
  public SyncPoller<? extends PollResult<?>, ?> beginCreate(String resourceGroup, String name, ProvisionRequest request) {
    return groups.beginCreateOrUpdate(resourceGroup, name, body(name, request, Tagging.tags(request)),
        ReadBudget.context(request));
  }

  static ContainerGroupInner body(String name, ProvisionRequest request, Map<String, String> tags) {
    TemplateProperties.Aci t = TemplateProperties.aci(request.template());
    List<EnvironmentVariable> env = new ArrayList<>();
    t.env().forEach((k, v) -> env.add(new EnvironmentVariable().withName(k).withValue(v)));
    t.secureEnv().forEach((k, v) -> env.add(new EnvironmentVariable().withName(k).withSecureValue(v)));
    Container c = new Container().withName(CONTAINER_NAME).withImage(t.image())
        .withResources(new ResourceRequirements().withRequests(
            new ResourceRequests().withCpu(t.cpu()).withMemoryInGB(t.memoryInGB())));
    if (!t.command().isEmpty()) {
      c.withCommand(t.command());
    }
    if (!env.isEmpty()) {
      c.withEnvironmentVariables(env);
    }
    if (!t.ports().isEmpty()) {
      c.withPorts(t.ports().stream().map(p -> new ContainerPort().withPort(p).withProtocol(ContainerNetworkProtocol.TCP))
          .toList());
    }
    ContainerGroupInner g = new ContainerGroupInner().withContainers(List.of(c))
        .withOsType(OperatingSystemTypes.fromString(t.osType()))
        .withRestartPolicy(ContainerGroupRestartPolicy.fromString(t.restartPolicy()));
    g.withLocation(request.placement().region()).withTags(tags);
    if (t.publicIp()) {
      g.withIpAddress(new IpAddress().withType(ContainerGroupIpAddressType.PUBLIC).withDnsNameLabel(name)
          .withPorts(t.ports().stream().map(p -> new Port().withPort(p).withProtocol(ContainerGroupNetworkProtocol.TCP))
              .toList()));
    }
    return g;
  }

  @Override
  public SyncPoller<? extends PollResult<?>, ?> beginDelete(String resourceGroup, String name) {
    return groups.beginDelete(resourceGroup, name, Context.NONE);
  }

  @Override
  public boolean isHealthy(Found found) {
    ContainerGroupInner g = (ContainerGroupInner) found.resource();
    String state = g.instanceView() == null ? null : g.instanceView().state();
    return "Succeeded".equalsIgnoreCase(found.provisioningState()) && (state == null || state.equals("Running"));
  }

  @Override
  public String idOf(Object resource) {
    return ((ContainerGroupInner) resource).id();
  }

  @Override
  public Map<String, String> attributes(String resourceGroup, Object resource) {
    ContainerGroupInner g = (ContainerGroupInner) resource;
    Map<String, String> a = new LinkedHashMap<>();
    a.put("name", g.name());
    a.put("resourceGroup", resourceGroup);
    if (g.ipAddress() != null) {
      if (g.ipAddress().ip() != null) {
        a.put("ip", g.ipAddress().ip());
      }
      if (g.ipAddress().fqdn() != null) {
        a.put("fqdn", g.ipAddress().fqdn());
      }
    }
    return a;
  }
}
