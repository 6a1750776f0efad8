package dev.warmpool.kubernetes;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A template's provider properties, checked and turned into a pod. Messages name the property as
 * {@code template[<name>].providerProperties.<key>} with the allowed values.
 *
 * <p>Properties: {@code image} (required); {@code command} and {@code args} (words separated by spaces);
 * {@code cpu} and {@code memory} (Kubernetes quantities such as {@code 500m}, {@code 1Gi}; both the request and the
 * limit); {@code serviceAccount}; {@code restartPolicy} ({@code Always} default, {@code OnFailure}, {@code Never});
 * {@code nodeSelector.<key>}; {@code toleration.<n>} ({@code key[=value][:effect]}, effect one of
 * {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}; an absent value means operator {@code Exists});
 * {@code label.<key>} (pod labels; the {@code warmpool.dev/} prefix is the pool's); {@code env.<NAME>} (plain
 * values); {@code secretEnv.<NAME>} ({@code <secret>/<key>}: a reference to a Secret in the pod's namespace,
 * never a value).
 *
 * <p>Immutable and thread-safe.
 */
final class PodTemplate {
  static final String CONTAINER = "worker";
  private static final Set<String> KEYS = Set.of("image", "command", "args", "cpu", "memory", "serviceAccount",
      "restartPolicy");
  private static final Set<String> PREFIXES = Set.of("nodeSelector.", "toleration.", "label.", "env.", "secretEnv.");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Pattern QUANTITY = Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  /** A qualified key: an optional DNS-subdomain prefix and a name. */
  private static final Pattern QUALIFIED_KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final Pattern TOLERATION =
      Pattern.compile("([^=:]+)(=([^:]*))?(:(NoSchedule|PreferNoSchedule|NoExecute))?");
  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");

  final String image;
  final List<String> command;
  final List<String> args;
  final Optional<String> cpu;
  final Optional<String> memory;
  final Optional<String> serviceAccount;
  final String restartPolicy;
  final Map<String, String> nodeSelector;
  final List<Toleration> tolerations;
  final Map<String, String> labels;
  final List<EnvVar> env;

  private PodTemplate(WorkerTemplate t) {
    Map<String, String> p = t.providerProperties();
    Map<String, String> nodeSelector = new TreeMap<>();
    Map<String, Toleration> tolerations = new TreeMap<>();
    Map<String, String> labels = new TreeMap<>();
    Map<String, EnvVar> env = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(p).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (KEYS.contains(key)) {
        continue;
      }
      String prefix = PREFIXES.stream().filter(key::startsWith).findFirst().orElseThrow(() -> invalid(t, key,
          "unknown provider property " + option(t, key) + "; known properties: " + new TreeSet<>(KEYS) + " and "
              + new TreeSet<>(PREFIXES).stream().map(s -> s + "<key>").toList()));
      String name = key.substring(prefix.length());
      switch (prefix) {
        case "nodeSelector." -> {
          requireKey(t, key, name);
          requireLabelValue(t, key, value);
          nodeSelector.put(name, value);
        }
        case "toleration." -> tolerations.put(name, toleration(t, key, value));
        case "label." -> {
          requireKey(t, key, name);
          if (name.startsWith(PodNames.RESERVED_PREFIX) || name.contains("." + PodNames.RESERVED_PREFIX)) {
            throw invalid(t, key, option(t, key) + ": the label prefix " + PodNames.RESERVED_PREFIX
                + " is reserved for the pool's own labels");
          }
          requireLabelValue(t, key, value);
          labels.put(name, value);
        }
        case "env." -> {
          requireEnvName(t, key, name);
          env.put(name, new EnvVarBuilder().withName(name).withValue(value).build());
        }
        default -> { // secretEnv.
          requireEnvName(t, key, name);
          String[] ref = value.trim().split("/", -1);
          if (ref.length != 2 || !DNS_SUBDOMAIN.matcher(ref[0]).matches() || !ENV_NAME.matcher(ref[1]).matches()) {
            throw invalid(t, key, option(t, key) + " must reference a Secret's key as <secret>/<key> (e.g. "
                + "runner-token/token); secret values are never given inline");
          }
          env.put(name, new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
              .withName(ref[0]).withKey(ref[1]).endSecretKeyRef().endValueFrom().build());
        }
      }
    }
    this.image = Optional.ofNullable(p.get("image")).map(String::trim).filter(s -> !s.isEmpty())
        .orElseThrow(() -> invalid(t, "image", option(t, "image") + " is required: the container image, e.g. "
            + "ghcr.io/actions/actions-runner:2.321.0"));
    if (image.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(t, "image", option(t, "image") + " must be an image reference without spaces, was \"" + image
          + "\"");
    }
    this.command = words(p.get("command"));
    this.args = words(p.get("args"));
    this.cpu = quantity(t, "cpu", p.get("cpu"));
    this.memory = quantity(t, "memory", p.get("memory"));
    this.serviceAccount = Optional.ofNullable(p.get("serviceAccount")).map(String::trim).filter(s -> !s.isEmpty());
    serviceAccount.ifPresent(sa -> {
      if (!DNS_SUBDOMAIN.matcher(sa).matches()) {
        throw invalid(t, "serviceAccount", option(t, "serviceAccount") + " must be a service account name (lower-case"
            + " letters, digits, '-' and '.'), was \"" + sa + "\"");
      }
    });
    String rp = Optional.ofNullable(p.get("restartPolicy")).map(String::trim).orElse("Always");
    if (!RESTART_POLICIES.contains(rp)) {
      throw invalid(t, "restartPolicy", option(t, "restartPolicy") + " must be one of " + RESTART_POLICIES
          + ", was \"" + rp + "\"");
    }
    this.restartPolicy = rp;
    this.nodeSelector = Map.copyOf(nodeSelector);
    this.tolerations = List.copyOf(tolerations.values());
    this.labels = Map.copyOf(labels);
    this.env = List.copyOf(env.values());
  }

  /**
   * Parses and checks a template's provider properties.
   *
   * @param template the template
   * @return the pod template
   * @throws InvalidConfigurationException naming the first bad property
   */
  static PodTemplate of(WorkerTemplate template) {
    return new PodTemplate(template);
  }

  /**
   * The pod for one worker.
   *
   * @param name the pod's name
   * @param namespace the namespace
   * @param poolLabels the pool's labels (pool, worker, template)
   * @param annotations the pool's tags as annotations
   * @return the pod to create
   */
  Pod pod(String name, String namespace, Map<String, String> poolLabels, Map<String, String> annotations) {
    Map<String, String> allLabels = new TreeMap<>(labels);
    allLabels.putAll(poolLabels);
    ContainerBuilder c = new ContainerBuilder().withName(CONTAINER).withImage(image).withEnv(env);
    if (!command.isEmpty()) {
      c.withCommand(command);
    }
    if (!args.isEmpty()) {
      c.withArgs(args);
    }
    Map<String, Quantity> resources = new TreeMap<>();
    cpu.ifPresent(v -> resources.put("cpu", new Quantity(v)));
    memory.ifPresent(v -> resources.put("memory", new Quantity(v)));
    if (!resources.isEmpty()) {
      c.withNewResources().withRequests(resources).withLimits(resources).endResources();
    }
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(allLabels).withAnnotations(annotations).endMetadata()
        .withNewSpec().withContainers(c.build()).withRestartPolicy(restartPolicy)
        .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
        .withTolerations(tolerations).endSpec();
    serviceAccount.ifPresent(sa -> b.editSpec().withServiceAccountName(sa).endSpec());
    return b.build();
  }

  private static List<String> words(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.copyOf(Arrays.asList(value.trim().split("\\s+")));
  }

  private static Optional<String> quantity(WorkerTemplate t, String key, String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!QUANTITY.matcher(v).matches()) {
      throw invalid(t, key, option(t, key) + " must be a Kubernetes quantity such as " + (key.equals("cpu")
          ? "500m or 2" : "512Mi or 4Gi") + ", was \"" + value + "\"");
    }
    return Optional.of(v);
  }

  private static Toleration toleration(WorkerTemplate t, String key, String value) {
    var m = TOLERATION.matcher(value.trim());
    if (!m.matches() || !QUALIFIED_KEY.matcher(m.group(1)).matches()) {
      throw invalid(t, key, option(t, key) + " must be key[=value][:effect] with effect one of NoSchedule, "
          + "PreferNoSchedule, NoExecute (e.g. dedicated=ci:NoSchedule), was \"" + value + "\"");
    }
    TolerationBuilder b = new TolerationBuilder().withKey(m.group(1));
    if (m.group(2) != null) {
      b.withOperator("Equal").withValue(m.group(3));
    } else {
      b.withOperator("Exists");
    }
    if (m.group(5) != null) {
      b.withEffect(m.group(5));
    }
    return b.build();
  }

  private static void requireKey(WorkerTemplate t, String key, String name) {
    if (!QUALIFIED_KEY.matcher(name).matches()) {
      throw invalid(t, key, "the key in " + option(t, key) + " must be a label key ([prefix/]name, the name 1 to 63 "
          + "letters, digits, '-', '_' or '.'), was \"" + name + "\"");
    }
  }

  private static void requireLabelValue(WorkerTemplate t, String key, String value) {
    if (!LABEL_VALUE.matcher(value).matches()) {
      throw invalid(t, key, option(t, key) + " must be a label value (up to 63 letters, digits, '-', '_' or '.', "
          + "starting and ending with a letter or digit), was \"" + value + "\"");
    }
  }

  private static void requireEnvName(WorkerTemplate t, String key, String name) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw invalid(t, key, "the variable name in " + option(t, key) + " must be letters, digits, '_', '-' or '.' "
          + "not starting with a digit, was \"" + name + "\"");
    }
  }

  private static String option(WorkerTemplate t, String key) {
    return "template[" + t.name() + "].providerProperties." + key;
  }

  private static InvalidConfigurationException invalid(WorkerTemplate t, String key, String message) {
    return new InvalidConfigurationException(option(t, key), message);
  }
}
