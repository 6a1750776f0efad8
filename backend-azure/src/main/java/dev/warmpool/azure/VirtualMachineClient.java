package dev.warmpool.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.management.SubResource;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.BillingProfile;
import com.azure.resourcemanager.compute.models.DeleteOptions;
import com.azure.resourcemanager.compute.models.DiskCreateOptionTypes;
import com.azure.resourcemanager.compute.models.DiskDeleteOptionTypes;
import com.azure.resourcemanager.compute.models.HardwareProfile;
import com.azure.resourcemanager.compute.models.ImageReference;
import com.azure.resourcemanager.compute.models.LinuxConfiguration;
import com.azure.resourcemanager.compute.models.ManagedDiskParameters;
import com.azure.resourcemanager.compute.models.NetworkApiVersion;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.azure.resourcemanager.compute.models.NetworkProfile;
import com.azure.resourcemanager.compute.models.OSDisk;
import com.azure.resourcemanager.compute.models.OSProfile;
import com.azure.resourcemanager.compute.models.PublicIpAddressSku;
import com.azure.resourcemanager.compute.models.PublicIpAddressSkuName;
import com.azure.resourcemanager.compute.models.PublicIpAllocationMethod;
import com.azure.resourcemanager.compute.models.SshConfiguration;
import com.azure.resourcemanager.compute.models.SshPublicKey;
import com.azure.resourcemanager.compute.models.StorageAccountTypes;
import com.azure.resourcemanager.compute.models.StorageProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineEvictionPolicyTypes;
import com.azure.resourcemanager.compute.models.VirtualMachineNetworkInterfaceConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineNetworkInterfaceIpConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachinePriorityTypes;
import com.azure.resourcemanager.compute.models.VirtualMachinePublicIpAddressConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineSizeTypes;
import com.azure.resourcemanager.network.fluent.NetworkInterfacesClient;
import com.azure.resourcemanager.network.fluent.PublicIpAddressesClient;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceInner;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import dev.warmpool.spi.ProvisionRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Virtual machines (api-version 2025-04-01): one PUT creates the VM with its NIC (and public IP) inline, and
 * {@code deleteOption: Delete} on the NIC, the OS disk and the public IP, so that one DELETE removes everything.
 */
final class VirtualMachineClient implements KindClient {
  private final VirtualMachinesClient vms;
  private final NetworkInterfacesClient nics;
  private final PublicIpAddressesClient publicIps;

  VirtualMachineClient(VirtualMachinesClient vms, NetworkInterfacesClient nics, PublicIpAddressesClient publicIps) {
    this.vms = vms;
    this.nics = nics;
    this.publicIps = publicIps;
  }

  @Override
  public Optional<Found> get(String resourceGroup, String name, Context context) {
    return KindClient.foundOrEmpty(() -> {
      Response<VirtualMachineInner> r = vms.getByResourceGroupWithResponse(resourceGroup, name, null, context);
      VirtualMachineInner vm = r.getValue();
      return new Found(vm.id(), vm.provisioningState(), vm.tags() == null ? Map.of() : vm.tags(), vm);
    });
  }

  @Override
  public SyncPoller<? extends PollResult<?>, ?> beginCreate(String resourceGroup, String name, ProvisionRequest request) {
    return vms.beginCreateOrUpdate(resourceGroup, name, body(name, request, Tagging.tags(request)), null, null,
        ReadBudget.context(request));
  }

  static VirtualMachineInner body(String name, ProvisionRequest request, Map<String, String> tags) {
    TemplateProperties.Vm t = TemplateProperties.vm(request.template());
    ImageReference image = t.imageId() != null ? new ImageReference().withId(t.imageId())
        : new ImageReference().withPublisher(t.publisher()).withOffer(t.offer()).withSku(t.sku())
            .withVersion(t.version());
    OSDisk osDisk = new OSDisk().withName(name + "-osdisk").withCreateOption(DiskCreateOptionTypes.FROM_IMAGE)
        .withDeleteOption(DiskDeleteOptionTypes.DELETE);
    t.osDiskType().ifPresent(d -> osDisk.withManagedDisk(
        new ManagedDiskParameters().withStorageAccountType(StorageAccountTypes.fromString(d))));
    t.osDiskSizeGB().ifPresent(osDisk::withDiskSizeGB);
    OSProfile os = new OSProfile().withComputerName(name).withAdminUsername(t.adminUsername())
        .withLinuxConfiguration(new LinuxConfiguration().withDisablePasswordAuthentication(true)
            .withSsh(new SshConfiguration().withPublicKeys(List.of(new SshPublicKey()
                .withPath("/home/" + t.adminUsername() + "/.ssh/authorized_keys").withKeyData(t.sshPublicKey())))));
    t.customDataBase64().ifPresent(os::withCustomData);
    VirtualMachineNetworkInterfaceIpConfiguration ipConfig = new VirtualMachineNetworkInterfaceIpConfiguration()
        .withName("ipconfig1").withPrimary(true).withSubnet(new SubResource().withId(t.subnetId()));
    if (t.publicIp()) {
      ipConfig.withPublicIpAddressConfiguration(new VirtualMachinePublicIpAddressConfiguration()
          .withName(name + "-pip").withTags(tags).withDeleteOption(DeleteOptions.DELETE)
          .withSku(new PublicIpAddressSku().withName(PublicIpAddressSkuName.STANDARD))
          .withPublicIpAllocationMethod(PublicIpAllocationMethod.STATIC));
    }
    VirtualMachineNetworkInterfaceConfiguration nic = new VirtualMachineNetworkInterfaceConfiguration()
        .withName(name + "-nic").withTags(tags).withPrimary(true).withDeleteOption(DeleteOptions.DELETE)
        .withIpConfigurations(List.of(ipConfig));
    VirtualMachineInner vm = new VirtualMachineInner()
        .withHardwareProfile(new HardwareProfile().withVmSize(VirtualMachineSizeTypes.fromString(t.vmSize())))
        .withStorageProfile(new StorageProfile().withImageReference(image).withOsDisk(osDisk))
        .withOsProfile(os)
        .withNetworkProfile(new NetworkProfile().withNetworkApiVersion(NetworkApiVersion.TWO_ZERO_TWO_ZERO_ONE_ONE_ZERO_ONE)
            .withNetworkInterfaceConfigurations(List.of(nic)));
    if (t.spot()) {
      vm.withPriority(VirtualMachinePriorityTypes.SPOT).withEvictionPolicy(VirtualMachineEvictionPolicyTypes.DELETE)
          .withBillingProfile(new BillingProfile().withMaxPrice(-1.0));
    }
    vm.withLocation(request.placement().region()).withTags(tags);
    return vm;
  }

  @Override
  public SyncPoller<? extends PollResult<?>, ?> beginDelete(String resourceGroup, String name) {
    return vms.beginDelete(resourceGroup, name, null, Context.NONE);
  }

  @Override
  public String idOf(Object resource) {
    return ((VirtualMachineInner) resource).id();
  }

  @Override
  public Map<String, String> attributes(String resourceGroup, Object resource) {
    VirtualMachineInner vm = (VirtualMachineInner) resource;
    Map<String, String> a = new LinkedHashMap<>();
    a.put("name", vm.name());
    a.put("resourceGroup", resourceGroup);
    String nicName = vm.name() + "-nic";
    if (vm.networkProfile() != null && vm.networkProfile().networkInterfaces() != null) {
      for (NetworkInterfaceReference ref : vm.networkProfile().networkInterfaces()) {
        if (ref.id() != null) {
          nicName = lastSegment(ref.id());
          break;
        }
      }
    }
    NetworkInterfaceInner nic = nics.getByResourceGroupWithResponse(resourceGroup, nicName, null, Context.NONE)
        .getValue();
    if (nic != null && nic.ipConfigurations() != null && !nic.ipConfigurations().isEmpty()) {
      NetworkInterfaceIpConfigurationInner ip = nic.ipConfigurations().get(0);
      if (ip.privateIpAddress() != null) {
        a.put("privateIp", ip.privateIpAddress());
        a.put("ip", ip.privateIpAddress());
      }
      if (ip.publicIpAddress() != null && ip.publicIpAddress().id() != null) {
        PublicIpAddressInner pip = publicIps.getByResourceGroupWithResponse(resourceGroup,
            lastSegment(ip.publicIpAddress().id()), null, Context.NONE).getValue();
        if (pip != null && pip.ipAddress() != null) {
          a.put("ip", pip.ipAddress());
        }
        if (pip != null && pip.dnsSettings() != null && pip.dnsSettings().fqdn() != null) {
          a.put("fqdn", pip.dnsSettings().fqdn());
        }
      }
    }
    return a;
  }

  static String lastSegment(String id) {
    return id.substring(id.lastIndexOf('/') + 1);
  }
}
