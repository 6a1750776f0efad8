package dev.warmpool.azure;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A template's provider properties, checked for one worker kind. Messages name the property as
 * {@code template[<name>].providerProperties.<key>} with the allowed values, and never contain the value of a
 * secret property (SSH key, custom data, secure environment variables).
 */
final class TemplateProperties {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ADMIN_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final Pattern VM_SIZE = Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final Pattern SUBNET_ID = Pattern.compile(
      "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+",
      Pattern.CASE_INSENSITIVE);
  /** ARM's limit on custom data: 65535 bytes once base64-encoded. */
  private static final int MAX_CUSTOM_DATA_BASE64 = 65535;

  static final Set<String> ACI_KEYS = Set.of("image", "cpu", "memoryInGB", "command", "ports", "ipAddress", "osType",
      "restartPolicy");
  static final Set<String> VM_KEYS = Set.of("image", "vmSize", "subnetId", "adminUsername", "sshPublicKey",
      "customData", "priority", "publicIp", "osDiskType", "osDiskSizeGB");
  private static final List<String> OS_DISK_TYPES = List.of("Standard_LRS", "StandardSSD_LRS", "Premium_LRS",
      "StandardSSD_ZRS", "Premium_ZRS");

  /** A container group's template. */
  record Aci(String image, double cpu, double memoryInGB, List<String> command, Map<String, String> env,
      Map<String, String> secureEnv, List<Integer> ports, boolean publicIp, String osType, String restartPolicy) {}

  /** A virtual machine's template. */
  record Vm(String imageId, String publisher, String offer, String sku, String version, String vmSize, String subnetId,
      String adminUsername, String sshPublicKey, Optional<String> customDataBase64, boolean spot, boolean publicIp,
      Optional<String> osDiskType, Optional<Integer> osDiskSizeGB) {
    /** {@return the values that must never appear in a log or a message} */
    List<String> secrets() {
      List<String> s = new ArrayList<>();
      s.add(sshPublicKey);
      customDataBase64.ifPresent(b -> {
        s.add(b);
        s.add(new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8));
      });
      return s;
    }
  }

  private TemplateProperties() {}

  /**
   * Checks a template for a worker kind.
   *
   * @throws InvalidConfigurationException naming the first bad property
   */
  static void check(WorkerKind kind, WorkerTemplate template) {
    if (kind == WorkerKind.ACI) {
      aci(template);
    } else {
      vm(template);
    }
  }

  /** {@return the values of a template's properties that must never appear in a log or a message} */
  static List<String> secrets(WorkerTemplate template) {
    List<String> s = new ArrayList<>();
    template.providerProperties().forEach((k, v) -> {
      if (k.equals("sshPublicKey") || k.equals("customData") || k.startsWith("secureEnv.")) {
        if (v.length() >= 4) {
          s.add(v);
          if (k.equals("customData")) {
            s.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
          }
        }
      }
    });
    return s;
  }

  static Aci aci(WorkerTemplate t) {
    Map<String, String> p = t.providerProperties();
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> secureEnv = new LinkedHashMap<>();
    for (String key : p.keySet()) {
      if (key.startsWith("env.") || key.startsWith("secureEnv.")) {
        String name = key.substring(key.indexOf('.') + 1);
        if (!ENV_NAME.matcher(name).matches()) {
          throw invalid(t, key, "the environment variable name must be letters, digits and '_', not starting with a "
              + "digit, was " + SafeText.quote(name));
        }
        (key.startsWith("env.") ? env : secureEnv).put(name, p.get(key));
      } else if (!ACI_KEYS.contains(key)) {
        throw invalid(t, key, "is not a property of kind aci; known: " + new TreeSet<>(ACI_KEYS)
            + ", env.<NAME> and secureEnv.<NAME>");
      }
    }
    String image = required(t, "image", "the container image, e.g. mcr.microsoft.com/azure-cli:2.61.0");
    double cpu = number(t, "cpu", 1.0, 0.1, 4.0);
    double memory = number(t, "memoryInGB", 1.5, 0.1, 16.0);
    List<String> command = Optional.ofNullable(p.get("command")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> Arrays.asList(s.split("\\s+"))).orElse(List.of());
    List<Integer> ports = new ArrayList<>();
    Optional.ofNullable(p.get("ports")).map(String::trim).filter(s -> !s.isEmpty()).ifPresent(s -> {
      for (String part : s.split("\\s*,\\s*")) {
        ports.add((int) integer(t, "ports", part, 1, 65535, "a comma-separated list of ports between 1 and 65535"));
      }
    });
    String ip = oneOf(t, "ipAddress", "none", List.of("none", "public"));
    if (ip.equals("public") && ports.isEmpty()) {
      throw invalid(t, "ports", "is required when ipAddress is public: a comma-separated list of ports to open");
    }
    String os = oneOf(t, "osType", "Linux", List.of("Linux", "Windows"));
    String restart = oneOf(t, "restartPolicy", "Always", List.of("Always", "OnFailure", "Never"));
    return new Aci(image, cpu, memory, List.copyOf(command), Map.copyOf(env), Map.copyOf(secureEnv),
        List.copyOf(ports), ip.equals("public"), os, restart);
  }

  static Vm vm(WorkerTemplate t) {
    Map<String, String> p = t.providerProperties();
    for (String key : p.keySet()) {
      if (!VM_KEYS.contains(key)) {
        throw invalid(t, key, "is not a property of kind vm; known: " + new TreeSet<>(VM_KEYS));
      }
    }
    String image = required(t, "image", "an image URN publisher:offer:sku:version (e.g. "
        + "Canonical:ubuntu-24_04-lts:server:latest) or an image resource id (/subscriptions/...)");
    String imageId = null;
    String[] urn = null;
    if (image.startsWith("/subscriptions/")) {
      imageId = image;
    } else {
      urn = image.split(":");
      if (urn.length != 4 || Arrays.stream(urn).anyMatch(String::isBlank)) {
        throw invalid(t, "image", "must be an image URN publisher:offer:sku:version or an image resource id "
            + "(/subscriptions/...), was " + SafeText.quote(image));
      }
    }
    String size = required(t, "vmSize", "the VM size, e.g. Standard_D2s_v5");
    if (!VM_SIZE.matcher(size).matches()) {
      throw invalid(t, "vmSize", "must be a VM size such as Standard_D2s_v5, was " + SafeText.quote(size));
    }
    String subnet = required(t, "subnetId", "the subnet's resource id");
    if (!SUBNET_ID.matcher(subnet).matches()) {
      throw invalid(t, "subnetId", "must be a subnet resource id /subscriptions/<id>/resourceGroups/<group>/providers/"
          + "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>, was " + SafeText.quote(subnet));
    }
    String admin = required(t, "adminUsername", "the Linux admin user");
    if (!ADMIN_USER.matcher(admin).matches()) {
      throw invalid(t, "adminUsername", "must be 1 to 32 lower-case letters, digits, '_' or '-', starting with a "
          + "letter or '_', was " + SafeText.quote(admin));
    }
    String key = required(t, "sshPublicKey", "the admin user's SSH public key (OpenSSH format)");
    if (!(key.startsWith("ssh-") || key.startsWith("ecdsa-"))) {
      // never echo the value: it is a credential
      throw invalid(t, "sshPublicKey", "must be an OpenSSH public key starting with ssh-rsa, ssh-ed25519 or "
          + "ecdsa-sha2-... (value not shown)");
    }
    Optional<String> customData = Optional.ofNullable(p.get("customData")).filter(s -> !s.isEmpty())
        .map(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    if (customData.isPresent() && customData.get().length() > MAX_CUSTOM_DATA_BASE64) {
      throw invalid(t, "customData", "must be at most " + MAX_CUSTOM_DATA_BASE64 + " bytes once base64-encoded, was "
          + customData.get().length() + " (value not shown)");
    }
    boolean spot = oneOf(t, "priority", "regular", List.of("regular", "spot")).equals("spot");
    boolean publicIp = oneOf(t, "publicIp", "false", List.of("true", "false")).equals("true");
    Optional<String> diskType = Optional.ofNullable(p.get("osDiskType")).map(String::trim);
    diskType.ifPresent(d -> {
      if (!OS_DISK_TYPES.contains(d)) {
        throw invalid(t, "osDiskType", "must be one of " + OS_DISK_TYPES + ", was " + SafeText.quote(d));
      }
    });
    Optional<Integer> diskSize = Optional.ofNullable(p.get("osDiskSizeGB"))
        .map(v -> (int) integer(t, "osDiskSizeGB", v, 30, 4095, "an integer between 30 and 4095"));
    return new Vm(imageId, urn == null ? null : urn[0], urn == null ? null : urn[1], urn == null ? null : urn[2],
        urn == null ? null : urn[3], size, subnet, admin, key, customData, spot, publicIp, diskType, diskSize);
  }

  private static String required(WorkerTemplate t, String key, String meaning) {
    String v = t.providerProperties().get(key);
    if (v == null || v.isBlank()) {
      throw invalid(t, key, "is required: " + meaning);
    }
    return v.trim();
  }

  private static String oneOf(WorkerTemplate t, String key, String dflt, List<String> allowed) {
    String v = Optional.ofNullable(t.providerProperties().get(key)).map(String::trim).orElse(dflt);
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    throw invalid(t, key, "must be one of " + allowed + ", was " + SafeText.quote(v));
  }

  private static double number(WorkerTemplate t, String key, double dflt, double min, double max) {
    String v = t.providerProperties().get(key);
    if (v == null) {
      return dflt;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= min && d <= max)) {
      throw invalid(t, key, "must be a number between " + min + " and " + max + ", was " + SafeText.quote(v));
    }
    return d;
  }

  private static long integer(WorkerTemplate t, String key, String v, long min, long max, String rule) {
    try {
      long n = Long.parseLong(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(t, key, "must be " + rule + ", was " + SafeText.quote(v));
  }

  static String option(WorkerTemplate t, String key) {
    return "template[" + t.name() + "].providerProperties." + key;
  }

  private static InvalidConfigurationException invalid(WorkerTemplate t, String key, String rule) {
    return new InvalidConfigurationException(option(t, key), option(t, key) + " " + rule);
  }

}
