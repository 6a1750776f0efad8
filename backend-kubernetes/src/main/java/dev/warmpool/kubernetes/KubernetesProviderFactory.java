package dev.warmpool.kubernetes;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.WorkerProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Creates providers that run workers as pods on one or more Kubernetes clusters: the provider named {@value #NAME},
 * found by {@link java.util.ServiceLoader}. Each placement's region names one cluster (an API server and a
 * namespace); see docs/kubernetes.md for the settings, the RBAC Role the provider needs, and an example.
 *
 * <p>Settings (flat keys under {@code providers.kubernetes.}; unknown keys are an error):
 * <ul>
 *   <li>{@code cluster.<region>.url} or {@code cluster.<region>.context} (exactly one, for at least one region): the
 *       API server URL, or a kubeconfig context (from {@code cluster.<region>.kubeconfig}, or the usual
 *       {@code KUBECONFIG} / {@code ~/.kube/config});</li>
 *   <li>{@code cluster.<region>.namespace}: where the pods go (default {@code default});</li>
 *   <li>with a URL: {@code cluster.<region>.token} (a bearer token; never printed) or
 *       {@code cluster.<region>.tokenFile} (read for every request, so rotated service-account tokens work),
 *       {@code cluster.<region>.caCertFile}, {@code cluster.<region>.insecureSkipTlsVerify} (default false);</li>
 *   <li>{@code pollInterval}: the wait between reads of a pod that is not ready yet, an ISO-8601 duration (default
 *       PT2S);</li>
 *   <li>{@code unschedulableTimeout}: how long a pod may stay unschedulable before the provision fails with CAPACITY
 *       (default PT2M);</li>
 *   <li>{@code deleteGracePeriod}: the grace period of a delete (default PT30S);</li>
 *   <li>{@code requestTimeout}: the limit of one API call (default PT30S);</li>
 *   <li>{@code listPageSize}: pods per page when the pool lists its inventory, 1 to 5000 (default 250);</li>
 *   <li>{@code maxConcurrentCalls}: threads for blocking API calls, 1 to 256 (default 8).</li>
 * </ul>
 * Template provider properties: see {@link #validateTemplate(WorkerTemplate)}.
 *
 * <p>Thread-safe. {@link #create} checks every setting before it returns and fails with an
 * {@link InvalidConfigurationException} naming the setting; no message carries a token.
 */
public final class KubernetesProviderFactory implements ProviderFactory {
  /** The provider's name. */
  public static final String NAME = "kubernetes";

  /** A factory; used by ServiceLoader. */
  public KubernetesProviderFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Creates a provider for one pool, with one API client per cluster. The client never retries a call itself (the
   * pool retries whole provisions and deletes), and runs on the JDK's HTTP client.
   *
   * @param context the pool's id, clock and this provider's settings
   * @return the provider
   * @throws InvalidConfigurationException naming the setting that is missing or malformed, or the kubeconfig context
   *     that cannot be loaded
   * @throws NullPointerException if context is null
   */
  @Override
  public WorkerProvider create(ProviderContext context) {
    Objects.requireNonNull(context, "context cannot be null");
    KubernetesSettings s = KubernetesSettings.parse(context);
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    try {
      for (KubernetesSettings.Cluster c : s.clusters.values()) {
        clients.put(c.region(), client(s, c));
      }
    } catch (RuntimeException e) {
      clients.values().forEach(KubernetesClient::close);
      throw e;
    }
    return new KubernetesWorkerProvider(context.poolId(), s, context.clock(), clients);
  }

  /**
   * Checks a template's provider properties, so a pool can reject a bad template when it is built.
   *
   * <p>Properties: {@code image} (required); {@code command} and {@code args} (words separated by spaces);
   * {@code cpu} and {@code memory} (quantities such as {@code 500m}, {@code 1Gi}, used as request and limit);
   * {@code serviceAccount}; {@code restartPolicy} ({@code Always} default, {@code OnFailure}, {@code Never});
   * {@code nodeSelector.<key>}; {@code toleration.<n>} ({@code key[=value][:effect]}); {@code label.<key>};
   * {@code env.<NAME>} (plain values); {@code secretEnv.<NAME>} ({@code <secret>/<key>}, a reference to a Secret:
   * secret values are never given inline).
   *
   * @param template the template
   * @throws InvalidConfigurationException naming the first bad property
   *     ({@code template[<name>].providerProperties.<key>})
   * @throws NullPointerException if template is null
   */
  public static void validateTemplate(WorkerTemplate template) {
    Objects.requireNonNull(template, "template cannot be null");
    PodTemplate.of(template);
  }

  private static KubernetesClient client(KubernetesSettings s, KubernetesSettings.Cluster c) {
    String prefix = KubernetesSettings.CLUSTER_PREFIX + c.region() + ".";
    Config config;
    if (c.context().isPresent()) {
      String ctx = c.context().get();
      try {
        config = c.kubeconfig().isPresent() ? Config.fromKubeconfig(ctx, c.kubeconfig().get().toFile())
            : Config.autoConfigure(ctx);
      } catch (RuntimeException e) {
        throw new InvalidConfigurationException(s.option(prefix + KubernetesSettings.CONTEXT), s.option(prefix
            + KubernetesSettings.CONTEXT) + ": the kubeconfig context \"" + ctx + "\" could not be loaded: "
            + e.getClass().getSimpleName());
      }
      if (config.getCurrentContext() == null || !ctx.equals(config.getCurrentContext().getName())) {
        throw new InvalidConfigurationException(s.option(prefix + KubernetesSettings.CONTEXT), s.option(prefix
            + KubernetesSettings.CONTEXT) + ": no context \"" + ctx + "\" in the kubeconfig ("
            + c.kubeconfig().map(Object::toString).orElse("KUBECONFIG or ~/.kube/config") + ")");
      }
    } else {
      config = Config.empty();
      config.setMasterUrl(c.url().orElseThrow().toString());
      c.token().ifPresent(config::setOauthToken);
      c.tokenFile().ifPresent(f -> config.setOauthTokenProvider(() -> {
        try {
          return Files.readString(f).trim();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the token file " + f, e);
        }
      }));
      c.caCertFile().ifPresent(f -> config.setCaCertFile(f.toString()));
      config.setTrustCerts(c.insecureSkipTlsVerify());
      config.setDisableHostnameVerification(c.insecureSkipTlsVerify());
    }
    config.setNamespace(c.namespace());
    // the pool retries whole calls; a client retry would multiply writes (and sleep on the wall clock)
    config.setRequestRetryBackoffLimit(0);
    config.setRequestTimeout((int) s.requestTimeout.toMillis());
    config.setConnectionTimeout((int) s.requestTimeout.toMillis());
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
  }
}
