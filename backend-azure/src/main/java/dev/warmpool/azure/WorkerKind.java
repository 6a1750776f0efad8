package dev.warmpool.azure;

import java.util.Locale;

/** What one worker is in Azure: a virtual machine or a container group. */
enum WorkerKind {
  /** A virtual machine with its NIC, OS disk and optional public IP, all deleted with it. */
  VM("vm", "Microsoft.Compute/virtualMachines"),
  /** An Azure Container Instances container group with one container. */
  ACI("aci", "Microsoft.ContainerInstance/containerGroups");

  private final String setting;
  private final String resourceType;

  WorkerKind(String setting, String resourceType) {
    this.setting = setting;
    this.resourceType = resourceType;
  }

  String setting() {
    return setting;
  }

  String resourceType() {
    return resourceType;
  }

  static WorkerKind parse(String value) {
    for (WorkerKind k : values()) {
      if (k.setting.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    return null;
  }
}
