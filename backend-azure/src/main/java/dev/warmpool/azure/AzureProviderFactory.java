package dev.warmpool.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.containerinstance.ContainerInstanceManager;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.resources.ResourceManager;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.WorkerProvider;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Creates {@link AzureWorkerProvider}s: the provider named {@value #NAME}, found by {@link java.util.ServiceLoader}.
 *
 * <p>Settings (flat keys under {@code providers.azure.}; unknown keys are an error):
 * <ul>
 *   <li>{@code subscription} (required): the subscription id;</li>
 *   <li>{@code resourceGroup.<region>} (at least one): the resource group that holds the workers of a region, e.g.
 *       {@code resourceGroup.westeurope=warmpool-weu}; the provider serves exactly these regions;</li>
 *   <li>{@code kind} (required): {@code vm} (virtual machines) or {@code aci} (container groups);</li>
 *   <li>{@code tenant}: the tenant id or domain, for the default credential;</li>
 *   <li>{@code credential}: {@code default} (azure-identity's DefaultAzureCredential, the default),
 *       {@code managedIdentity} (with {@code managedIdentityClientId} for a user-assigned identity) or
 *       {@code supplied} (the {@link AzureTokenSource} given to {@link #AzureProviderFactory(AzureTokenSource)});</li>
 *   <li>{@code endpoint}: the Resource Manager URL, https only (default {@code https://management.azure.com/}; set it
 *       for sovereign clouds);</li>
 *   <li>{@code pollInterval}: the wait between polls of a long-running operation when ARM sends no Retry-After, an
 *       ISO-8601 duration (default PT10S);</li>
 *   <li>{@code readRetries}: how often a failed read (GET, poll) is retried inside the client, 0 to 10 (default 3);
 *       writes are never retried inside the client;</li>
 *   <li>{@code maxConcurrentCalls}: threads for blocking ARM calls, 1 to 256 (default 8).</li>
 * </ul>
 * Template provider properties: see {@link #validateTemplate(String, WorkerTemplate)}.
 *
 * <p>Thread-safe. {@link #create} checks every setting before it returns and fails with an
 * {@link InvalidConfigurationException} naming the setting.
 *
 * @since 0.1
 */
public final class AzureProviderFactory implements ProviderFactory {
  /** The provider's name. */
  public static final String NAME = "azure";

  private final AzureTokenSource tokenSource;
  private final Supplier<HttpClient> httpClient;
  private final ArmPipeline.ReadRetries testRetries;

  /** A factory whose providers authenticate as the {@code credential} setting says. Used by ServiceLoader. */
  public AzureProviderFactory() {
    this(null, ArmPipeline::defaultHttpClient, null);
  }

  /**
   * A factory whose providers get their tokens from a source the caller manages.
   *
   * @param tokenSource supplies ARM access tokens
   * @throws NullPointerException if tokenSource is null
   */
  public AzureProviderFactory(AzureTokenSource tokenSource) {
    this(Objects.requireNonNull(tokenSource, "tokenSource cannot be null"), ArmPipeline::defaultHttpClient, null);
  }

  /** For tests: another HTTP client (one that trusts a test server's certificate) and shorter read-retry delays. */
  AzureProviderFactory(AzureTokenSource tokenSource, Supplier<HttpClient> httpClient,
      ArmPipeline.ReadRetries testRetries) {
    this.tokenSource = tokenSource;
    this.httpClient = httpClient;
    this.testRetries = testRetries;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Creates a provider for one pool.
   *
   * @param context the pool's id, clock and this provider's settings
   * @return an {@link AzureWorkerProvider}
   * @throws InvalidConfigurationException naming the setting that is missing or malformed
   */
  @Override
  public WorkerProvider create(ProviderContext context) {
    Objects.requireNonNull(context, "context cannot be null");
    AzureSettings s = AzureSettings.parse(context, tokenSource != null);
    TokenCredential credential = ArmPipeline.credential(s, tokenSource);
    AzureEnvironment env = ArmPipeline.environment(s.endpoint.toString());
    ThrottleBudget budget = new ThrottleBudget();
    ArmPipeline.ReadRetries retries = testRetries != null
        ? new ArmPipeline.ReadRetries(s.readRetries, testRetries.baseDelay(), testRetries.maxDelay())
        : ArmPipeline.ReadRetries.standard(s.readRetries);
    HttpPipeline pipeline = ArmPipeline.build(credential, env, s.scope(), httpClient.get(), retries, budget,
        new ReadBudget(context.clock()));
    AzureProfile profile = new AzureProfile(s.tenant.orElse(null), s.subscription, env);
    KindClient kind;
    if (s.kind == WorkerKind.ACI) {
      kind = new ContainerGroupClient(
          ContainerInstanceManager.authenticate(pipeline, profile).serviceClient().getContainerGroups());
    } else {
      NetworkManager network = NetworkManager.authenticate(pipeline, profile);
      kind = new VirtualMachineClient(
          ComputeManager.authenticate(pipeline, profile).serviceClient().getVirtualMachines(),
          network.serviceClient().getNetworkInterfaces(), network.serviceClient().getPublicIpAddresses());
    }
    ResourceManager rm = ResourceManager.authenticate(pipeline, profile).withSubscription(s.subscription);
    return new AzureWorkerProvider(s, context.clock(), kind, rm.serviceClient().getResources(), budget);
  }

  /**
   * Checks a template's provider properties for a worker kind, so a pool can reject a bad template when it is built.
   *
   * <p>Kind {@code aci}: {@code image} (required), {@code cpu} (0.1 to 4, default 1), {@code memoryInGB} (0.1 to 16,
   * default 1.5), {@code command} (words separated by spaces), {@code env.<NAME>}, {@code secureEnv.<NAME>} (sent as
   * secure values, never logged), {@code ports} (comma-separated), {@code ipAddress} ({@code none} default, or
   * {@code public}, which needs {@code ports} and gives the worker an FQDN), {@code osType} ({@code Linux} default or
   * {@code Windows}), {@code restartPolicy} ({@code Always} default, {@code OnFailure}, {@code Never}).
   *
   * <p>Kind {@code vm}: {@code image} (required: {@code publisher:offer:sku:version} or an image resource id),
   * {@code vmSize} (required), {@code subnetId} (required), {@code adminUsername} (required), {@code sshPublicKey}
   * (required), {@code customData} (cloud-init, plain text; base64-encoded by the provider), {@code priority}
   * ({@code regular} default or {@code spot}), {@code publicIp} ({@code false} default), {@code osDiskType},
   * {@code osDiskSizeGB}.
   *
   * @param kind {@code vm} or {@code aci}
   * @param template the template
   * @throws InvalidConfigurationException naming the first bad property ({@code template[<name>].providerProperties.
   *     <key>}) or the kind
   * @throws NullPointerException if an argument is null
   */
  public static void validateTemplate(String kind, WorkerTemplate template) {
    Objects.requireNonNull(kind, "kind cannot be null");
    Objects.requireNonNull(template, "template cannot be null");
    WorkerKind k = WorkerKind.parse(kind.toLowerCase(Locale.ROOT));
    if (k == null) {
      throw new InvalidConfigurationException("kind", "kind must be one of [vm, aci], was " + SafeText.quote(kind));
    }
    TemplateProperties.check(k, template);
  }
}
