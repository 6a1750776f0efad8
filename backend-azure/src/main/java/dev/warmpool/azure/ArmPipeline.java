package dev.warmpool.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.resources.fluentcore.policy.AuthenticationPolicy;
import com.azure.resourcemanager.resources.fluentcore.policy.ResourceManagerThrottlingPolicy;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Builds the HTTP pipeline every ARM call goes through. It is the SDK's default management pipeline with three
 * deliberate differences:
 * <ul>
 *   <li>retries only reads (GET, HEAD), a bounded number of times and never for a {@code Retry-After} longer than
 *       the longest backoff ({@link ReadRetryPolicy}, {@link BoundedRetryStrategy}), and within the read budget of a
 *       provision's attempt chain ({@link ReadBudget}); mutations are retried by the pool;</li>
 *   <li>no {@code ProviderRegistrationPolicy}: a subscription that is not registered for a resource provider fails at
 *       once with {@code MissingSubscriptionRegistration} (INVALID) instead of waiting up to 30 x 10 s;</li>
 *   <li>a {@link ResourceManagerThrottlingPolicy} that records the remaining request budget in a
 *       {@link ThrottleBudget}.</li>
 * </ul>
 * HTTP logging is off: request bodies hold SSH keys and custom data, headers hold tokens.
 */
final class ArmPipeline {
  /** Timeouts as the SDK's defaults: connect 10 s, response, read and write 60 s. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration IO_TIMEOUT = Duration.ofSeconds(60);

  /** How reads are retried: the SDK's base and maximum delays. Tests shorten them. */
  record ReadRetries(int count, Duration baseDelay, Duration maxDelay) {
    static ReadRetries standard(int count) {
      return new ReadRetries(count, Duration.ofMillis(800), Duration.ofSeconds(8));
    }
  }

  private ArmPipeline() {}

  static HttpPipeline build(TokenCredential credential, AzureEnvironment environment, String scope,
      HttpClient httpClient, ReadRetries retries, ThrottleBudget budget, ReadBudget reads) {
    List<HttpPipelinePolicy> policies = new ArrayList<>();
    policies.add(new UserAgentPolicy("warmpool-azure"));
    policies.add(new RequestIdPolicy());
    policies.add(new ReadRetryPolicy(retries, reads));
    policies.add(reads.counter()); // after the retries: it counts each try
    policies.add(new AddDatePolicy());
    policies.add(new AuthenticationPolicy(credential, environment, scope));
    policies.add(new ResourceManagerThrottlingPolicy((response, info) -> budget.record(response)));
    policies.add(new HttpLoggingPolicy(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE)));
    return new HttpPipelineBuilder().httpClient(httpClient).policies(policies.toArray(new HttpPipelinePolicy[0]))
        .build();
  }

  /** The production HTTP client: the one azure-core finds (Netty), with the SDK's default timeouts. */
  static HttpClient defaultHttpClient() {
    return HttpClient.createDefault(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT)
        .setResponseTimeout(IO_TIMEOUT).setReadTimeout(IO_TIMEOUT).setWriteTimeout(IO_TIMEOUT));
  }

  /** The ARM environment with a custom Resource Manager endpoint (sovereign clouds, Azure Stack, tests). */
  static AzureEnvironment environment(String endpoint) {
    Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
    endpoints.put("resourceManagerEndpointUrl", endpoint);
    return new AzureEnvironment(endpoints);
  }

  static TokenCredential credential(AzureSettings s, AzureTokenSource supplied) {
    switch (s.credential) {
      case SUPPLIED:
        return request -> Mono.fromCallable(() -> {
          AzureTokenSource.Token t = supplied.token(List.copyOf(request.getScopes()));
          return new AccessToken(t.value(), t.expiresAt().atOffset(ZoneOffset.UTC));
        });
      case MANAGED_IDENTITY:
        ManagedIdentityCredentialBuilder mi = new ManagedIdentityCredentialBuilder();
        s.managedIdentityClientId.ifPresent(mi::clientId);
        return mi.build();
      case DEFAULT:
      default:
        DefaultAzureCredentialBuilder d = new DefaultAzureCredentialBuilder();
        s.tenant.ifPresent(d::tenantId);
        return d.build();
    }
  }
}
