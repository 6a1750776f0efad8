package dev.warmpool.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider on its own against the mock API servers, on a virtual clock: idempotent create, listing with
 * pagination, deletes, health probes, and the failure kinds of the API server's answers.
 */
class KubernetesWorkerProviderTest {
  private static final String PODS = "/api/v1/namespaces/" + FakeCluster.NAMESPACE + "/pods";
  private final KubeHarness h = new KubeHarness();
  private WorkerProvider provider;

  @BeforeEach
  void createProvider() {
    provider = h.factory().create(new ProviderContext(KubeHarness.POOL_ID, "kubernetes", h.settings(), h.clock));
  }

  @AfterEach
  void close() {
    provider.close();
    h.close();
  }

  private ProvisionRequest request(String workerId, Placement placement) {
    WorkerTemplate t = KubeHarness.template(1, 2);
    return new ProvisionRequest(KubeHarness.POOL_ID, workerId, 7, t, placement,
        Map.of(WorkerTags.POOL, KubeHarness.POOL_ID, WorkerTags.WORKER, workerId, WorkerTags.GENERATION, "7",
            WorkerTags.TEMPLATE, t.name()),
        h.clock.now().plus(Duration.ofMinutes(10)));
  }

  private ProviderException failure(CompletableFuture<?> f) {
    assertThatThrownBy(() -> h.await(f, Duration.ofMinutes(15))).isInstanceOf(ExecutionException.class);
    return (ProviderException) f.handle((v, e) -> e).join();
  }

  @Test
  void aCreateAnsweredAlreadyExistsLeadsBackToTheExistingPod() throws Exception {
    ProvisionedWorker first = h.await(provider.provision(request("w-1", KubeHarness.EAST)), Duration.ofMinutes(5));
    // the next read misses the pod (a racing call, a stale cache): the create that follows answers 409
    h.east.fail("GET", first.attributes().get("podName"), 1, 404, "NotFound", "pods not found", null);

    ProvisionedWorker again = h.await(provider.provision(request("w-1", KubeHarness.EAST)), Duration.ofMinutes(5));

    assertThat(again.resourceId()).isEqualTo(first.resourceId()).isEqualTo("east/ci/" + first.attributes()
        .get("podName"));
    assertThat(h.east.requests("POST", PODS)).as("the second create was refused with 409").hasSize(2);
    assertThat(h.east.pods()).hasSize(1);
  }

  @Test
  void listingFollowsContinueTokensAcrossClustersAndReturnsTheTags() throws Exception {
    for (String w : List.of("w-1", "w-2", "w-3")) {
      h.await(provider.provision(request(w, KubeHarness.EAST)), Duration.ofMinutes(5));
    }
    h.await(provider.provision(request("w-4", KubeHarness.WEST)), Duration.ofMinutes(5));

    List<ProviderResource> listed = h.await(provider.list(KubeHarness.POOL_ID), Duration.ofMinutes(1));

    assertThat(listed).extracting(r -> r.workerId().orElseThrow()).containsExactlyInAnyOrder("w-1", "w-2", "w-3",
        "w-4");
    assertThat(listed).allSatisfy(r -> {
      assertThat(r.tags()).containsEntry(WorkerTags.POOL, KubeHarness.POOL_ID).containsEntry(WorkerTags.GENERATION,
          "7").containsEntry(WorkerTags.TEMPLATE, "runner");
      assertThat(r.attributes()).containsEntry("state", "running").containsKeys("podName", "podIP", "namespace");
      assertThat(r.createdAt()).isPresent();
    });
    assertThat(listed).filteredOn(r -> r.region().equals("west")).singleElement()
        .satisfies(r -> assertThat(r.resourceId()).startsWith("west/ci/"));
    assertThat(h.east.requests("GET", PODS + "?")).as("3 pods in pages of 2").hasSize(2)
        .last().asString().contains("continue=2");
    assertThat(h.await(provider.list("another-pool"), Duration.ofMinutes(1))).isEmpty();
  }

  @Test
  void aListingFailsWhenOneClusterCannotAnswerRatherThanReportWorkersMissing() {
    h.west.outage(true);
    ProviderException e = failure(provider.list(KubeHarness.POOL_ID));
    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.code()).isEqualTo("ServiceUnavailable");
    assertThat(e.getMessage()).contains("cluster west");
  }

  @Test
  void aDeleteUsesTheGracePeriodAndSucceedsForAPodThatIsGone() throws Exception {
    ProvisionedWorker w = h.await(provider.provision(request("w-1", KubeHarness.EAST)), Duration.ofMinutes(5));
    ProviderResource listed = h.await(provider.list(KubeHarness.POOL_ID), Duration.ofMinutes(1)).get(0);
    assertThat(h.await(((WorkerHealthProbe) provider).isHealthy(listed), Duration.ofMinutes(1))).isTrue();

    h.await(provider.deprovision(new DeprovisionRequest(KubeHarness.POOL_ID, "w-1", Optional.of(w.resourceId()),
        KubeHarness.EAST, h.clock.now().plus(Duration.ofMinutes(5)))), Duration.ofMinutes(5));
    assertThat(h.east.pods()).isEmpty();
    assertThat(h.east.requests("DELETE", PODS)).singleElement().asString().contains(w.attributes().get("podName"));
    assertThat(h.east.deleteBodies()).singleElement().asString().contains("\"gracePeriodSeconds\":10");
    assertThat(h.await(((WorkerHealthProbe) provider).isHealthy(listed), Duration.ofMinutes(1))).isFalse();

    // by name (the pool never heard back from the create), and of a pod that does not exist
    h.await(provider.deprovision(new DeprovisionRequest(KubeHarness.POOL_ID, "w-1", Optional.empty(),
        KubeHarness.EAST, h.clock.now().plus(Duration.ofMinutes(5)))), Duration.ofMinutes(5));
    assertThat(h.east.requests("DELETE", PODS)).hasSize(2);
  }

  @Test
  void aPodThatStaysUnschedulableIsDeletedAndFailsWithCapacityOnThePoolsClock() {
    h.east.schedulable(false);
    java.time.Instant start = h.clock.now();
    ProviderException e = failure(provider.provision(request("w-1", KubeHarness.EAST)));
    assertThat(e.kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(e.code()).isEqualTo("Unschedulable");
    assertThat(e.getMessage()).contains("0/3 nodes are available: 3 Insufficient cpu.");
    assertThat(Duration.between(start, h.clock.now())).as("the unschedulable timeout, then one poll at most")
        .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(1).plusSeconds(2));
    assertThat(h.east.pods()).as("the provider freed the pending pod itself").isEmpty();
  }

  @Test
  void aForbiddenCreateIsInvalidAndNamesTheMissingPermission() {
    h.east.fail("POST", PODS, 1, 403, "Forbidden", "pods is forbidden: User \"system:serviceaccount:ci:warmpool\" "
        + "cannot create resource \"pods\" in API group \"\" in the namespace \"ci\"", null);
    ProviderException e = failure(provider.provision(request("w-1", KubeHarness.EAST)));
    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.code()).isEqualTo("Forbidden");
    assertThat(e.getMessage()).contains("verb \"create\"").contains("resource \"pods\"").contains("namespace \"ci\"")
        .doesNotContain(KubeHarness.TOKEN);
  }

  @Test
  void answersMapToTheFailureKinds() {
    record Case(int code, String reason, String message, Integer retryAfter, FailureKind kind, String pCode) {}
    List<Case> cases = List.of(
        new Case(429, "TooManyRequests", "slow down", 9, FailureKind.THROTTLED, "TooManyRequests"),
        new Case(503, "ServiceUnavailable", "upgrading", 3, FailureKind.TRANSIENT, "ServiceUnavailable"),
        new Case(500, "InternalError", "etcd timeout", null, FailureKind.TRANSIENT, "InternalError"),
        new Case(422, "Invalid", "spec.containers[0].image: Required value", null, FailureKind.INVALID, "Invalid"),
        new Case(401, "Unauthorized", "Unauthorized", null, FailureKind.INVALID, "Unauthorized"),
        new Case(403, "Forbidden", "exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10",
            null, FailureKind.QUOTA, ApiErrors.QUOTA_EXCEEDED));
    int n = 0;
    for (Case c : cases) {
      h.east.fail("POST", PODS, 1, c.code(), c.reason(), c.message(), c.retryAfter());
      ProviderException e = failure(provider.provision(request("w-" + n++, KubeHarness.EAST)));
      assertThat(e.kind()).as("HTTP %s", c.code()).isEqualTo(c.kind());
      assertThat(e.code()).as("HTTP %s", c.code()).isEqualTo(c.pCode());
      assertThat(e.retryAfter()).as("HTTP %s", c.code())
          .isEqualTo(Optional.ofNullable(c.retryAfter()).map(Duration::ofSeconds));
      assertThat(e.getMessage()).contains(c.message());
    }
    assertThat(h.east.pods()).isEmpty();
  }

  @Test
  void theTokenIsSentAsABearerTokenAndNeverPrinted() throws Exception {
    h.await(provider.provision(request("w-1", KubeHarness.EAST)), Duration.ofMinutes(5));
    assertThat(h.east.authorizations()).containsExactly("Bearer " + KubeHarness.TOKEN);
    h.east.outage(true);
    ProviderException e = failure(provider.provision(request("w-2", KubeHarness.EAST)));
    assertThat(e.toString()).doesNotContain(KubeHarness.TOKEN);
    assertThat(provider.toString()).doesNotContain(KubeHarness.TOKEN);
  }

  @Test
  void aRegionWithoutAClusterIsInvalid() {
    ProviderException e = failure(provider.provision(request("w-1", new Placement("kubernetes", "south", "eu", 2))));
    assertThat(e.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(e.getMessage()).contains("providers.kubernetes.cluster.south.url").contains("[east, west]");
  }

  @Test
  void logsEachCallOnTheProvidersLoggerWithItsKeysAndNoToken() throws Exception {
    Path log = Path.of("target", "test.log");
    org.slf4j.LoggerFactory.getLogger(KubernetesWorkerProviderTest.class);  // starts slf4j-simple, which makes the file
    long start = Files.size(log);

    ProvisionedWorker w = h.await(provider.provision(request("w-1", KubeHarness.EAST)), Duration.ofMinutes(5));
    h.await(provider.deprovision(new DeprovisionRequest(KubeHarness.POOL_ID, "w-1", Optional.of(w.resourceId()),
        KubeHarness.EAST, h.clock.now().plus(Duration.ofMinutes(5)))), Duration.ofMinutes(5));

    String logged = since(log, start);
    String keys = "pool=" + KubeHarness.POOL_ID + " template=runner placement=kubernetes/east worker=w-1 namespace="
        + FakeCluster.NAMESPACE + " resource=" + w.attributes().get("podName");
    assertThat(logged).contains("DEBUG dev.warmpool.provider.kubernetes - " + keys + " POST pod")
        .contains("DEBUG dev.warmpool.provider.kubernetes - pool=" + KubeHarness.POOL_ID
            + " placement=kubernetes/east worker=w-1 namespace=" + FakeCluster.NAMESPACE + " resource="
            + w.attributes().get("podName") + " DELETE pod")
        .doesNotContain(KubeHarness.TOKEN);
  }

  private static String since(Path log, long start) throws IOException {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(start);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
