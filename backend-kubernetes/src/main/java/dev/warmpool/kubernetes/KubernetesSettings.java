package dev.warmpool.kubernetes;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.spi.ProviderContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The provider's settings, parsed and checked once when the pool is built. Every problem names the setting as the
 * pool's configuration spells it ({@code providers.kubernetes.cluster.east.url}) and the allowed values. A token is
 * never part of a message nor of {@link #toString()}.
 *
 * <p>Immutable and thread-safe.
 */
final class KubernetesSettings {
  static final String CLUSTER_PREFIX = "cluster.";
  static final String URL = "url";
  static final String CONTEXT = "context";
  static final String KUBECONFIG = "kubeconfig";
  static final String NAMESPACE = "namespace";
  static final String TOKEN = "token";
  static final String TOKEN_FILE = "tokenFile";
  static final String CA_CERT_FILE = "caCertFile";
  static final String INSECURE_SKIP_TLS_VERIFY = "insecureSkipTlsVerify";

  static final String POLL_INTERVAL = "pollInterval";
  static final String UNSCHEDULABLE_TIMEOUT = "unschedulableTimeout";
  static final String DELETE_GRACE_PERIOD = "deleteGracePeriod";
  static final String REQUEST_TIMEOUT = "requestTimeout";
  static final String LIST_PAGE_SIZE = "listPageSize";
  static final String MAX_CONCURRENT_CALLS = "maxConcurrentCalls";

  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  static final Duration DEFAULT_UNSCHEDULABLE_TIMEOUT = Duration.ofMinutes(2);
  static final Duration DEFAULT_DELETE_GRACE_PERIOD = Duration.ofSeconds(30);
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_LIST_PAGE_SIZE = 250;
  static final int DEFAULT_MAX_CONCURRENT_CALLS = 8;
  static final String DEFAULT_NAMESPACE = "default";

  private static final Set<String> KEYS = Set.of(POLL_INTERVAL, UNSCHEDULABLE_TIMEOUT, DELETE_GRACE_PERIOD,
      REQUEST_TIMEOUT, LIST_PAGE_SIZE, MAX_CONCURRENT_CALLS);
  private static final Set<String> CLUSTER_KEYS = Set.of(URL, CONTEXT, KUBECONFIG, NAMESPACE, TOKEN, TOKEN_FILE,
      CA_CERT_FILE, INSECURE_SKIP_TLS_VERIFY);
  /** A placement's region, which names a cluster: a DNS label, so it can appear in names and labels. */
  private static final Pattern REGION = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");
  /** Kubernetes' rule for namespace names (RFC 1123 label). */
  private static final Pattern NAMESPACE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /**
   * How to reach one cluster: the API server URL with a token, or a kubeconfig context; and the namespace.
   *
   * @param region the region (placement) the cluster serves
   * @param url the API server URL, when given
   * @param context the kubeconfig context, when given
   * @param kubeconfig the kubeconfig file, when given (else the usual: {@code KUBECONFIG}, {@code ~/.kube/config})
   * @param namespace the namespace of the pods
   * @param token the bearer token, when given; a secret
   * @param tokenFile a file holding the bearer token, read again for every request (projected tokens rotate)
   * @param caCertFile the CA bundle that signs the API server's certificate
   * @param insecureSkipTlsVerify whether the API server's certificate is not checked (tests only)
   */
  record Cluster(String region, Optional<URI> url, Optional<String> context, Optional<Path> kubeconfig,
      String namespace, Optional<String> token, Optional<Path> tokenFile, Optional<Path> caCertFile,
      boolean insecureSkipTlsVerify) {

    /** {@return where the cluster is, for messages: its URL or context, its namespace; never its token} */
    String describe() {
      return "cluster " + region + " (" + url.map(URI::toString).orElse("context " + context.orElse("current"))
          + ", namespace " + namespace + ")";
    }

    @Override
    public String toString() {
      return describe() + (token.isPresent() ? " with a token" : "");
    }
  }

  final Map<String, Cluster> clusters;
  final Duration pollInterval;
  final Duration unschedulableTimeout;
  final Duration deleteGracePeriod;
  final Duration requestTimeout;
  final int listPageSize;
  final int maxConcurrentCalls;
  private final ProviderContext context;

  private KubernetesSettings(ProviderContext c) {
    this.context = c;
    Map<String, Map<String, String>> byRegion = new TreeMap<>();
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> e : c.settings().entrySet()) {
      String key = e.getKey();
      if (key.startsWith(CLUSTER_PREFIX)) {
        String rest = key.substring(CLUSTER_PREFIX.length());
        int dot = rest.lastIndexOf('.');
        String region = dot < 0 ? rest : rest.substring(0, dot);
        String field = dot < 0 ? "" : rest.substring(dot + 1);
        if (!REGION.matcher(region).matches()) {
          throw invalid(key, "the region in " + c.option(key) + " must be 1 to 40 lower-case letters, digits or '-' "
              + "starting and ending with a letter or digit (it names the cluster's placement), was \"" + region
              + "\"");
        }
        if (!CLUSTER_KEYS.contains(field)) {
          throw invalid(key, "unknown setting " + c.option(key) + "; known settings of a cluster: "
              + new TreeSet<>(CLUSTER_KEYS));
        }
        byRegion.computeIfAbsent(region, r -> new TreeMap<>()).put(field, e.getValue() == null ? "" : e.getValue());
      } else if (!KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw invalid(first, "unknown setting " + c.option(first) + "; known settings: " + new TreeSet<>(KEYS)
          + " and " + CLUSTER_PREFIX + "<region>." + new TreeSet<>(CLUSTER_KEYS));
    }
    if (byRegion.isEmpty()) {
      throw invalid(CLUSTER_PREFIX + "<region>.url", "at least one cluster is required: set "
          + c.option(CLUSTER_PREFIX + "<region>.url") + " (the API server) or " + c.option(CLUSTER_PREFIX
          + "<region>.context") + " (a kubeconfig context) for every region the provider serves");
    }
    Map<String, Cluster> parsed = new TreeMap<>();
    byRegion.forEach((region, fields) -> parsed.put(region, cluster(region, fields)));
    this.clusters = Collections.unmodifiableMap(parsed);

    this.pollInterval = duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL, Duration.ofMillis(1), Duration.ofMinutes(5));
    this.unschedulableTimeout = duration(UNSCHEDULABLE_TIMEOUT, DEFAULT_UNSCHEDULABLE_TIMEOUT, Duration.ZERO,
        Duration.ofHours(24));
    this.deleteGracePeriod = duration(DELETE_GRACE_PERIOD, DEFAULT_DELETE_GRACE_PERIOD, Duration.ZERO,
        Duration.ofHours(1));
    this.requestTimeout = duration(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100),
        Duration.ofMinutes(10));
    this.listPageSize = c.setting(LIST_PAGE_SIZE).map(v -> parseInt(LIST_PAGE_SIZE, v, 1, 5000))
        .orElse(DEFAULT_LIST_PAGE_SIZE);
    this.maxConcurrentCalls = c.setting(MAX_CONCURRENT_CALLS).map(v -> parseInt(MAX_CONCURRENT_CALLS, v, 1, 256))
        .orElse(DEFAULT_MAX_CONCURRENT_CALLS);
  }

  /**
   * Parses and checks settings.
   *
   * @param context the provider's context
   * @return the settings
   * @throws InvalidConfigurationException naming the first bad setting
   */
  static KubernetesSettings parse(ProviderContext context) {
    return new KubernetesSettings(context);
  }

  /** {@return the cluster that serves a region, if the provider serves it} */
  Optional<Cluster> cluster(String region) {
    return Optional.ofNullable(clusters.get(region));
  }

  /** {@return the option name of a setting, for messages} */
  String option(String key) {
    return context.option(key);
  }

  private Cluster cluster(String region, Map<String, String> f) {
    String prefix = CLUSTER_PREFIX + region + ".";
    Optional<String> urlValue = present(f.get(URL));
    Optional<String> contextValue = present(f.get(CONTEXT));
    if (urlValue.isPresent() == contextValue.isPresent()) {
      throw invalid(prefix + URL, "cluster " + region + " needs exactly one of " + context.option(prefix + URL)
          + " (the API server URL) and " + context.option(prefix + CONTEXT) + " (a kubeconfig context), "
          + (urlValue.isPresent() ? "both were given" : "neither was given"));
    }
    Optional<URI> url = urlValue.map(v -> parseUrl(prefix + URL, v));
    Optional<Path> kubeconfig = present(f.get(KUBECONFIG)).map(v -> readableFile(prefix + KUBECONFIG, v));
    Optional<String> token = present(f.get(TOKEN));
    Optional<Path> tokenFile = present(f.get(TOKEN_FILE)).map(v -> readableFile(prefix + TOKEN_FILE, v));
    Optional<Path> caCertFile = present(f.get(CA_CERT_FILE)).map(v -> readableFile(prefix + CA_CERT_FILE, v));
    boolean insecure = present(f.get(INSECURE_SKIP_TLS_VERIFY)).map(v -> parseBoolean(prefix + INSECURE_SKIP_TLS_VERIFY,
        v)).orElse(false);
    if (contextValue.isPresent()) {
      for (String urlOnly : new String[] {TOKEN, TOKEN_FILE, CA_CERT_FILE, INSECURE_SKIP_TLS_VERIFY}) {
        if (f.containsKey(urlOnly)) {
          throw invalid(prefix + urlOnly, context.option(prefix + urlOnly) + " applies only with "
              + context.option(prefix + URL) + "; with a context, the kubeconfig says how to authenticate");
        }
      }
    } else if (kubeconfig.isPresent()) {
      throw invalid(prefix + KUBECONFIG, context.option(prefix + KUBECONFIG) + " applies only with "
          + context.option(prefix + CONTEXT));
    }
    if (token.isPresent() && tokenFile.isPresent()) {
      throw invalid(prefix + TOKEN, "give one of " + context.option(prefix + TOKEN) + " and "
          + context.option(prefix + TOKEN_FILE) + ", not both");
    }
    String ns = present(f.get(NAMESPACE)).map(String::trim).orElse(DEFAULT_NAMESPACE);
    if (!NAMESPACE_NAME.matcher(ns).matches()) {
      throw invalid(prefix + NAMESPACE, context.option(prefix + NAMESPACE) + " must be a namespace name (1 to 63 "
          + "lower-case letters, digits or '-', starting and ending with a letter or digit), was \"" + ns + "\"");
    }
    return new Cluster(region, url, contextValue.map(String::trim), kubeconfig, ns, token.map(String::trim),
        tokenFile, caCertFile, insecure);
  }

  private static Optional<String> present(String v) {
    return Optional.ofNullable(v).filter(s -> !s.isBlank());
  }

  private URI parseUrl(String key, String value) {
    String v = value.trim();
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        throw invalid(key, context.option(key) + " must be the API server's http(s) URL, e.g. "
            + "https://kubernetes.default.svc or https://10.0.0.1:6443, was \"" + v + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(key, context.option(key) + " must be the API server's http(s) URL, was \"" + v + "\"");
    }
  }

  private Path readableFile(String key, String value) {
    Path p = Path.of(value.trim());
    if (!Files.isReadable(p)) {
      throw invalid(key, context.option(key) + " must name a readable file, was \"" + value.trim() + "\"");
    }
    return p;
  }

  private boolean parseBoolean(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw invalid(key, context.option(key) + " must be true or false, was \"" + value + "\"");
    }
    return v.equals("true");
  }

  private Duration duration(String key, Duration fallback, Duration min, Duration max) {
    Duration d = context.setting(key).map(v -> parseDuration(key, v)).orElse(fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(key, context.option(key) + " must be between " + min + " and " + max + ", was " + d);
    }
    return d;
  }

  private Duration parseDuration(String key, String value) {
    try {
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(key, context.option(key) + " must be an ISO-8601 duration such as PT2S, was \"" + value + "\"");
    }
  }

  private int parseInt(String key, String value, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, context.option(key) + " must be an integer between " + min + " and " + max + ", was \""
          + value + "\"");
    }
    if (v < min || v > max) {
      throw invalid(key, context.option(key) + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  private InvalidConfigurationException invalid(String key, String message) {
    return new InvalidConfigurationException(context.option(key), message);
  }

  @Override
  public String toString() {
    return "KubernetesSettings" + clusters.values();
  }
}
