package dev.warmpool.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.WorkerTags;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Builds providers wired as in production (retry, throttling and authentication policies, a bearer token from a fake
 * token source) against a {@link FakeArm}. Test-only differences: an HTTP client that trusts the fake server's
 * self-signed certificate, and read retries 10 ms apart instead of 0.8 s.
 */
final class AzureTestSupport {
  static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.fake-secret-token";
  static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeSecretKeyMaterialForTestsOnly warmpool";
  static final String CUSTOM_DATA = "#cloud-config\nruncmd:\n  - echo secret-agent-registration-token-42\n";
  static final String SUBNET = "/subscriptions/" + FakeArm.SUBSCRIPTION
      + "/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/workers";
  static final Placement WESTEUROPE = Placement.of("azure", "westeurope", "eu");
  static final Placement NORTHEUROPE = Placement.of("azure", "northeurope", "eu");
  static final String RG_WEU = "warmpool-weu";
  static final String RG_NEU = "warmpool-neu";

  final AtomicInteger tokensIssued = new AtomicInteger();
  final FakeArm arm;
  final VirtualClock clock = new VirtualClock();

  AzureTestSupport(FakeArm arm) {
    this.arm = arm;
  }

  static HttpClient trustingHttpClient() {
    try {
      SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
          .secure(spec -> spec.sslContext(ssl))).responseTimeout(Duration.ofSeconds(10)).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  Map<String, String> settings(String kind) {
    Map<String, String> s = new HashMap<>();
    s.put("subscription", FakeArm.SUBSCRIPTION);
    s.put("resourceGroup.westeurope", RG_WEU);
    s.put("resourceGroup.northeurope", RG_NEU);
    s.put("endpoint", arm.endpoint());
    s.put("kind", kind);
    s.put("tenant", "contoso.onmicrosoft.com");
    return s;
  }

  AzureWorkerProvider provider(String kind) {
    return provider(settings(kind));
  }

  AzureWorkerProvider provider(Map<String, String> settings) {
    AzureTokenSource tokens = scopes -> {
      tokensIssued.incrementAndGet();
      return new AzureTokenSource.Token(TOKEN, Instant.now().plusSeconds(3600));
    };
    AzureProviderFactory factory = new AzureProviderFactory(tokens, AzureTestSupport::trustingHttpClient,
        new ArmPipeline.ReadRetries(3, Duration.ofMillis(10), Duration.ofMillis(50)));
    return (AzureWorkerProvider) factory.create(new ProviderContext("pool-a", "azure", settings, clock));
  }

  static WorkerTemplate aciTemplate() {
    return WorkerTemplate.builder("linux-aci").providerProperty("image", "mcr.microsoft.com/azure-cli:2.61.0")
        .providerProperty("cpu", "1").providerProperty("memoryInGB", "1.5")
        .providerProperty("command", "/bin/sh -c agent").providerProperty("env.MODE", "agent")
        .providerProperty("secureEnv.AGENT_TOKEN", "secure-env-secret-value-77")
        .providerProperty("ports", "80").providerProperty("ipAddress", "public").build();
  }

  static WorkerTemplate vmTemplate() {
    return WorkerTemplate.builder("linux-vm").size("Standard_D2s_v5")
        .providerProperty("image", "Canonical:ubuntu-24_04-lts:server:latest")
        .providerProperty("vmSize", "Standard_D2s_v5").providerProperty("subnetId", SUBNET)
        .providerProperty("adminUsername", "warmpool").providerProperty("sshPublicKey", SSH_KEY)
        .providerProperty("customData", CUSTOM_DATA).providerProperty("publicIp", "true")
        .providerProperty("priority", "spot").build();
  }

  ProvisionRequest request(String workerId, WorkerTemplate template, Placement placement, Duration timeout) {
    return new ProvisionRequest("pool-a", workerId, 3, template, placement,
        Map.of(WorkerTags.POOL, "pool-a", WorkerTags.WORKER, workerId), clock.now().plus(timeout));
  }

  DeprovisionRequest deleteRequest(String workerId, Optional<String> resourceId, Placement placement) {
    return deleteRequest(workerId, resourceId, placement, Duration.ofMinutes(10));
  }

  DeprovisionRequest deleteRequest(String workerId, Optional<String> resourceId, Placement placement,
      Duration timeout) {
    return new DeprovisionRequest("pool-a", workerId, resourceId, placement, clock.now().plus(timeout));
  }

  /**
   * Waits for a provider call, moving the virtual clock only while the provider has no step running: then every
   * pending piece of work is a wait on the clock, and moving time to the next one is exactly what a real clock would
   * do, only faster.
   */
  <T> T await(AzureWorkerProvider provider, CompletableFuture<T> future) throws ExecutionException {
    long wallLimit = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!future.isDone()) {
      if (System.nanoTime() > wallLimit) {
        throw new AssertionError("provider call not done after 20 s of wall time; clock " + clock);
      }
      if (provider.busySteps() == 0 && clock.nextDue() != null) {
        clock.runUntil(clock.nextDue());
        continue;
      }
      try {
        return future.get(5, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // still running: look again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** @return the failure of a call, unwrapped */
  <T> Throwable failure(AzureWorkerProvider provider, CompletableFuture<T> future) {
    try {
      T value = await(provider, future);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  static List<String> secrets() {
    return List.of(TOKEN, SSH_KEY, CUSTOM_DATA.trim(), "secret-agent-registration-token-42",
        "secure-env-secret-value-77",
        java.util.Base64.getEncoder().encodeToString(CUSTOM_DATA.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
