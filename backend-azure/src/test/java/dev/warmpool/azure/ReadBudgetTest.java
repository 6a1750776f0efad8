package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read budget: SDK retries and the pool's attempts together send at most 4 identical GETs per attempt chain,
 * counted on the fake ARM server (WireMock on 127.0.0.1) through the production pipeline.
 */
class ReadBudgetTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final AzureWorkerProvider provider = support.provider("aci");

  @AfterEach
  void close() {
    provider.close();
    arm.close();
  }

  @Test
  void threeAttemptsOfOneProvisionSendAtMostFourIdenticalGets() throws Exception {
    arm.outage(true);
    ProvisionRequest chain = support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE,
        Duration.ofMinutes(10));
    // the pool's three attempts of one provision send the same request again
    for (int attempt = 1; attempt <= 3; attempt++) {
      Throwable t = support.failure(provider, provider.provision(chain));
      assertThat(t).isInstanceOf(ProviderException.class);
      assertThat(((ProviderException) t).kind()).isEqualTo(FailureKind.TRANSIENT);
      if (attempt > 1) {
        assertThat(((ProviderException) t).code()).as("attempt %d", attempt).isEqualTo(ReadBudget.SPENT);
      }
    }
    assertThat(arm.requests("GET", "/containerGroups/")).as("identical GETs for one attempt chain (was 12)")
        .hasSize(ReadBudget.MAX_IDENTICAL);

    // a new provision of the worker is a new chain, and reads again
    arm.outage(false);
    support.await(provider, provider.provision(support.request("w-1", AzureTestSupport.aciTemplate(), WESTEUROPE,
        Duration.ofMinutes(10))));
    assertThat(arm.requests("GET", "/containerGroups/").size()).isGreaterThan(ReadBudget.MAX_IDENTICAL);
  }

  @Test
  void aPoolInAReadOutageSendsAtMostFourIdenticalGetsPerWorker() {
    try (PoolHarness h = new PoolHarness()) {
      h.arm.outage(true);
      WorkerTemplate t = AzureTestSupport.aciTemplate().toBuilder().warmTarget(2).maxTotal(4).build();
      // the placements stay closed, so the pool retries every provision: 3 attempts of 4 reads each without a budget
      h.start("aci", t, b -> b.retries(3, Duration.ofSeconds(5), Duration.ofSeconds(40))
          .placementHealth(1000, 1.0, Duration.ofMinutes(10)));
      h.advanceTo(h.clock.now().plus(Duration.ofMinutes(30)));
      Map<String, Long> getsPerUrl = h.arm.requests("GET", "/containerGroups/").stream()
          .map(LoggedRequest::getUrl).collect(Collectors.groupingBy(u -> u, Collectors.counting()));
      assertThat(getsPerUrl).as("the pool tried to provision").isNotEmpty();
      assertThat(h.provisionCalls.get()).as("the pool's attempts, for %d workers", getsPerUrl.size())
          .isGreaterThanOrEqualTo(2 * getsPerUrl.size());
      assertThat(getsPerUrl.values()).as("identical GETs per worker: %s", getsPerUrl)
          .allMatch(n -> n <= ReadBudget.MAX_IDENTICAL);
      h.arm.outage(false);
    }
  }
}
