package dev.warmpool.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real pool built with the "azure" provider against the fake ARM server, on a virtual clock: it grants and releases
 * leases, survives a 503 window without multiplying writes, adopts what a lost response created, rejects a bad
 * template at build, and leaves nothing tagged (nor any NIC, disk or IP) after {@code closeAsync()}.
 */
class PoolEndToEndTest {
  private static final String WRITES = "/providers/Microsoft.";

  private final PoolHarness h = new PoolHarness();

  @AfterEach
  void closeAndCheckNothingIsLeft() {
    h.close();
  }

  private static WorkerTemplate template(String kind, int warm, int max) {
    WorkerTemplate base = kind.equals("vm") ? AzureTestSupport.vmTemplate() : AzureTestSupport.aciTemplate();
    return base.toBuilder().warmTarget(warm).maxTotal(max).build();
  }

  private List<LoggedRequest> puts() {
    return h.arm.requests("PUT", WRITES);
  }

  private long distinctPutUrls() {
    return puts().stream().map(LoggedRequest::getUrl).map(u -> u.substring(0, u.indexOf('?'))).distinct().count();
  }

  private long provisioned() {
    return h.events.stream().filter(e -> e instanceof PoolEvent.WorkerProvisioned).count();
  }

  private void closeAndExpectNothingLeft(WorkerPool pool) throws Exception {
    h.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(h.everythingLeft()).as("left in the fake cloud: %s", h.arm.names()).isEmpty();
    assertThat(h.provider.busySteps()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"aci", "vm"})
  void aPoolGrantsAndReleasesLeasesSurvivesA503WindowAndLeavesNothingTaggedAfterClose(String kind)
      throws Exception {
    WorkerTemplate t = template(kind, 2, 4);
    WorkerPool pool = h.start(kind, t, b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 2, Duration.ofMinutes(10), "warm target");
    assertThat(distinctPutUrls()).as("one resource per worker").isEqualTo(2).isEqualTo(provisioned());
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(2);

    // grant from stock, without a call to ARM, and release
    int callsBefore = h.provisionCalls.get();
    Lease first = pool.tryLease(LeaseRequest.of(t.name())).orElseThrow();
    assertThat(h.provisionCalls.get()).as("no provider call on the grant path").isEqualTo(callsBefore);
    assertThat(first.worker().resourceId()).contains("/resourceGroups/" + AzureTestSupport.RG_WEU + "/");
    assertThat(first.worker().attributes()).containsKeys("name", "resourceGroup", "ip");
    first.close();
    assertThat(first.isActive()).isFalse();
    h.until(() -> pool.snapshot().total().idle() == 2 && pool.snapshot().total().provisioning() == 0,
        Duration.ofMinutes(10), "stock back at the warm target");

    // ARM answers 503 to everything for three minutes of pool time
    int putsBefore = puts().size();
    int provisionsAtOutage = h.provisionCalls.get();
    int callsAtOutage = h.provisionCalls.get() + h.deprovisionCalls.get();
    int requestsBefore = h.arm.requests("*", "").size();
    AtomicInteger putsInWindow = new AtomicInteger(-1);
    AtomicInteger provisionsInWindow = new AtomicInteger(-1);
    AtomicInteger callsInWindow = new AtomicInteger(-1);
    AtomicInteger requestsInWindow = new AtomicInteger(-1);
    Instant outageEnd = h.clock.now().plus(Duration.ofMinutes(3));
    h.arm.outage(true);
    h.clock.schedule(Duration.ofMinutes(3), () -> {
      h.arm.outage(false);
      putsInWindow.set(puts().size() - putsBefore);
      provisionsInWindow.set(h.provisionCalls.get() - provisionsAtOutage);
      callsInWindow.set(h.provisionCalls.get() + h.deprovisionCalls.get() - callsAtOutage);
      requestsInWindow.set(h.arm.requests("*", "").size() - requestsBefore);
    });

    // the stock serves the first two requests at once; the next two wait for the window to end
    List<Lease> leases = new ArrayList<>();
    leases.add(pool.tryLease(LeaseRequest.of(t.name())).orElseThrow());
    leases.add(pool.tryLease(LeaseRequest.of(t.name())).orElseThrow());
    LeaseRequest waiting = LeaseRequest.forTemplate(t.name()).maxWait(Duration.ofMinutes(20)).build();
    List<CompletableFuture<Lease>> waiters = List.of(pool.lease(waiting), pool.lease(waiting));
    h.advanceTo(outageEnd.minusSeconds(1));
    assertThat(waiters).as("nothing can be created during the window").noneMatch(CompletableFuture::isDone);
    for (CompletableFuture<Lease> w : waiters) {
      leases.add(h.await(w, Duration.ofMinutes(20)));
    }
    assertThat(h.clock.now()).as("served after the window").isAfterOrEqualTo(outageEnd);
    assertThat(leases).extracting(l -> l.worker().id()).doesNotHaveDuplicates().hasSize(4);
    // measured: 6 provisions (2 workers x 3 attempts, then both placements open) and 10 deletes by name of the two
    // failed workers, 34 HTTP requests, no PUT (each provision's first read was refused)
    assertThat(putsInWindow.get()).as("PUTs sent during the window").isBetween(0, provisionsInWindow.get());
    assertThat(provisionsInWindow.get()).as("provisions during the window: 3 attempts each, then the placements open")
        .isBetween(1, 8);
    assertThat(callsInWindow.get()).as("provider calls during the window").isBetween(1, 24);
    assertThat(requestsInWindow.get()).as("HTTP requests during the window: a call's read is tried at most 1 + 3"
        + " times inside the client, its write once").isBetween(callsInWindow.get(), 4 * callsInWindow.get());
    List<LoggedRequest> allPuts = puts();
    assertThat(allPuts.size()).as("a write is sent at most once per provision call: no SDK retry of PUT")
        .isLessThanOrEqualTo(h.provisionCalls.get());
    assertThat(distinctPutUrls()).as("one resource per provisioned worker (the released one was destroyed)")
        .isEqualTo(provisioned());
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(4);

    leases.forEach(Lease::close);
    assertThat(leases).noneMatch(Lease::isActive);
    assertThat(pool.snapshot().total().leased()).isZero();
    // listeners run on the pool's clock: let the events of the releases arrive
    h.until(() -> h.events.stream().filter(e -> e instanceof PoolEvent.LeaseReleased).count() == 5,
        Duration.ofMinutes(1), "release events");
    assertThat(h.events).filteredOn(e -> e instanceof PoolEvent.LeaseGranted).hasSize(5);

    closeAndExpectNothingLeft(pool);
  }

  @ParameterizedTest
  @ValueSource(strings = {"aci", "vm"})
  void aWriteThatFailsWith503IsSentOncePerPoolAttemptAndRetriedByThePool(String kind) throws Exception {
    h.arm.fail("PUT", WRITES, 2, 503, "ServiceUnavailable", "The service is temporarily unavailable.", Map.of());
    WorkerPool pool = h.start(kind, template(kind, 1, 2),
        b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    assertThat(puts()).as("two refused PUTs, one that created: the SDK retried no write").hasSize(3);
    assertThat(h.provisionCalls).as("the pool's own retries").hasValue(3);
    assertThat(distinctPutUrls()).as("the same worker, by name, every time").isEqualTo(1);
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(1);

    closeAndExpectNothingLeft(pool);
  }

  @ParameterizedTest
  @ValueSource(strings = {"aci", "vm"})
  void aCreateWhoseResponseIsLostIsAdoptedByTheRetryAndReconciliationFindsNoStray(String kind) throws Exception {
    h.arm.loseNextResponse("PUT", WRITES);
    WorkerPool pool = h.start(kind, template(kind, 1, 2),
        b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    assertThat(h.provisionCalls.get()).as("the lost answer cost a retry").isGreaterThanOrEqualTo(2);
    assertThat(puts()).as("the retry found the resource by name and sent no second PUT").hasSize(1);
    assertThat(h.taggedWorkers()).as("one resource, the pool's worker").isEqualTo(h.knownWorkers()).hasSize(1);
    Lease lease = pool.tryLease(LeaseRequest.of(template(kind, 1, 2).name())).orElseThrow();
    assertThat(h.taggedWorkers()).contains(lease.worker().id());

    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.advanceTo(h.clock.now().plusSeconds(1));
    assertThat(h.events).as("nothing to adopt or remove").noneMatch(e -> e instanceof PoolEvent.OrphanRemoved
        || e instanceof PoolEvent.OrphanAdopted || e instanceof PoolEvent.WorkerLost);
    assertThat(h.taggedWorkers()).as("the tagged inventory is what the pool knows").isEqualTo(h.knownWorkers());
    assertThat(lease.isActive()).isTrue();
    lease.close();

    closeAndExpectNothingLeft(pool);
  }

  @ParameterizedTest
  @ValueSource(strings = {"aci", "vm"})
  void aCreateWhoseResponseIsLostWithoutAnInPlaceRetryLeavesNoStrayAfterReconciliation(String kind)
      throws Exception {
    h.arm.loseNextResponse("PUT", WRITES);
    WorkerPool pool = h.start(kind, template(kind, 1, 2), b -> b.retries(1, Duration.ofSeconds(10),
        Duration.ofSeconds(40)).orphanGracePeriod(Duration.ZERO));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.until(() -> pool.snapshot().total().deleting() == 0 && h.taggedWorkers().equals(h.knownWorkers()),
        Duration.ofMinutes(10), "the tagged inventory is what the pool knows");
    assertThat(h.knownWorkers()).hasSize(1);
    assertThat(puts()).as("the lost create, then a new worker").hasSize(2);
    String lost = puts().get(0).getUrl().replaceAll(".*/([^/?]+)\\?.*", "$1");
    assertThat(h.knownWorkers()).noneMatch(lost::contains);
    assertThat(h.arm.requests("DELETE", "/" + lost)).as("the lost resource was deleted by name").isNotEmpty();
    assertThat(h.everythingLeft()).as("the lost worker's resource (and its parts) is gone: %s", h.arm.names())
        .allMatch(r -> h.knownWorkers().stream().anyMatch(r.name::contains));

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aStrayTaggedResourceIsRemovedByReconciliation() throws Exception {
    WorkerPool pool = h.start("aci", template("aci", 1, 2), b -> b.orphanGracePeriod(Duration.ZERO));
    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    h.arm.seed(AzureTestSupport.RG_NEU, "Microsoft.ContainerInstance/containerGroups", "wp-northeurope-stray",
        "northeurope", Map.of(dev.warmpool.spi.WorkerTags.POOL, PoolHarness.POOL_ID,
            dev.warmpool.spi.WorkerTags.WORKER, "stray"), "Succeeded");
    assertThat(h.taggedWorkers()).contains("stray");

    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.until(() -> !h.taggedWorkers().contains("stray"), Duration.ofMinutes(10), "stray removed");
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(1);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aTemplateMissingARequiredPropertyFailsAtBuildNamingIt() {
    WorkerTemplate noSubnet = WorkerTemplate.builder("broken-vm")
        .providerProperty("image", "Canonical:ubuntu-24_04-lts:server:latest")
        .providerProperty("vmSize", "Standard_D2s_v5")
        .providerProperty("adminUsername", "warmpool")
        .providerProperty("sshPublicKey", AzureTestSupport.SSH_KEY).build();

    assertThatThrownBy(() -> h.start("vm", noSubnet, b -> b))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("subnetId")
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option())
            .isEqualTo("template[broken-vm].providerProperties.subnetId"));
    assertThat(h.provider).as("the provider was created by the build").isNotNull();
    assertThat(h.provider.provision(h.support.request("w-1", AzureTestSupport.vmTemplate(),
        AzureTestSupport.WESTEUROPE, Duration.ofMinutes(1))))
        .as("and closed when the build failed").isCompletedExceptionally();
    assertThat(h.arm.requests("*", "")).as("no call reached ARM").isEmpty();
  }
}
