package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline the factory builds for production (authentication, read-only retry, throttling, request ids) over
 * https, with a token source standing in for azure-identity. Only the HTTP client (which trusts the test server's
 * certificate) and the read-retry delays differ from production.
 */
class ProductionWiringTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final AzureWorkerProvider provider = support.provider("aci");

  @AfterEach
  void close() {
    provider.close();
    arm.close();
  }

  @Test
  void everyRequestCarriesABearerTokenThatIsFetchedOnceAndCached() throws Exception {
    var w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(5))));
    support.await(provider, provider.list("pool-a"));
    support.await(provider, provider.deprovision(support.deleteRequest("w-1", Optional.of(w.resourceId()), WESTEUROPE)));

    List<LoggedRequest> all = arm.requests("*", "");
    assertThat(all).hasSizeGreaterThan(6);
    assertThat(all).allSatisfy(r -> {
      assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + AzureTestSupport.TOKEN);
      assertThat(r.getHeader("x-ms-client-request-id")).isNotBlank();
      assertThat(r.getHeader("User-Agent")).contains("warmpool-azure");
    });
    assertThat(support.tokensIssued).hasValue(1);
  }

  @Test
  void aFailedWriteIsSentOnceWhileAFailedReadIsRetriedABoundedNumberOfTimes() {
    arm.fail("PUT", "", 10, 503, "ServiceUnavailable", "busy", Map.of());

    Throwable t = support.failure(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(5))));

    assertThat(((ProviderException) t).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(arm.requests("PUT", "")).hasSize(1);
    assertThat(arm.requests("GET", "")).as("the read by name, once").hasSize(1);

    arm.fail("GET", "/resources", 10, 500, "InternalServerError", "oops", Map.of());
    Throwable list = support.failure(provider, provider.list("pool-a"));
    assertThat(((ProviderException) list).kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(arm.requests("GET", "/resources")).as("one read and readRetries (3) retries").hasSize(4);
  }

  @Test
  void aLongRetryAfterOnAReadGoesToThePoolInsteadOfHoldingAThread() {
    arm.fail("GET", "/resources", 10, 429, "TooManyRequests", "slow down", Map.of("Retry-After", "3600"));

    Throwable t = support.failure(provider, provider.list("pool-a"));

    assertThat(((ProviderException) t).kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(((ProviderException) t).retryAfter()).hasValue(Duration.ofHours(1));
    assertThat(arm.requests("GET", "/resources")).hasSize(1);
  }

  @Test
  void aShortRetryAfterOnAReadIsWaitedInsideTheClient() throws Exception {
    arm.fail("GET", "/resources", 1, 429, "TooManyRequests", "slow down", Map.of("Retry-After", "0"));

    assertThat(support.await(provider, provider.list("pool-a"))).isEmpty();
    assertThat(arm.requests("GET", "/resources")).as("two resource groups, one retry").hasSize(3);
  }

  @Test
  void readRetriesCanBeTurnedOff() {
    AzureWorkerProvider noRetries = support.provider(withSetting("readRetries", "0"));
    try {
      arm.fail("GET", "/resources", 10, 500, "InternalServerError", "oops", Map.of());
      support.failure(noRetries, noRetries.list("pool-a"));
      assertThat(arm.requests("GET", "/resources")).hasSize(1);
    } finally {
      noRetries.close();
    }
  }

  @Test
  void aDeleteThatNeverFinishesStopsPollingAtTheDeadline() throws Exception {
    var w = support.await(provider,
        provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE, Duration.ofMinutes(5))));
    arm.pollsBeforeDone(100_000);

    Throwable t = support.failure(provider,
        provider.deprovision(support.deleteRequest("w-1", Optional.of(w.resourceId()), WESTEUROPE,
            Duration.ofSeconds(20))));

    assertThat(((ProviderException) t).code()).isEqualTo("DeadlineExceeded");
    int polls = arm.requests("GET", "/operationResults/").size();
    assertThat(polls).as("Retry-After: 1 for 20 s").isBetween(18, 21);
    support.clock.advance(Duration.ofHours(1));
    assertThat(arm.requests("GET", "/operationResults/")).hasSize(polls);
  }

  @Test
  void thePollIntervalSettingIsUsedWhenArmSendsNoRetryAfter() throws Exception {
    AzureWorkerProvider slow = support.provider(withSetting("pollInterval", "PT45S"));
    try {
      arm.seed(AzureTestSupport.RG_WEU, "Microsoft.ContainerInstance/containerGroups",
          ResourceNames.of("pool-a", "w-1", "westeurope"), "westeurope",
          Map.of(dev.warmpool.spi.WorkerTags.POOL, "pool-a"), "Creating");
      var start = support.clock.now();
      var call = slow.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE,
          Duration.ofMinutes(1)));

      Throwable t = support.failure(slow, call);

      // watching a creation someone else started: reads at 0 s and 45 s, then the deadline at 60 s
      assertThat(((ProviderException) t).code()).isEqualTo("DeadlineExceeded");
      assertThat(Duration.between(start, support.clock.now())).isEqualTo(Duration.ofMinutes(1));
      assertThat(arm.requests("GET", "/containerGroups/")).hasSize(2);
      assertThat(arm.requests("PUT", "")).isEmpty();
    } finally {
      slow.close();
    }
  }

  private Map<String, String> withSetting(String key, String value) {
    Map<String, String> s = support.settings("aci");
    s.put(key, value);
    return s;
  }
}
