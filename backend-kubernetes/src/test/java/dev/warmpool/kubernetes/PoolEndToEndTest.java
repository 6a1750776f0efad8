package dev.warmpool.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real pool built with the "kubernetes" provider against two mock API servers (east preferred, west), on a virtual
 * clock: it leases pods, fails over when east answers 503, cools east down when its quota is used up or its pods do
 * not schedule, adopts what a lost response created, removes strays, adopts the last generation's pods after a
 * restart, and leaves no pod after {@code closeAsync()}.
 */
class PoolEndToEndTest {
  private final KubeHarness h = new KubeHarness();

  @AfterEach
  void closeEverything() {
    h.close();
  }

  private static final String PODS = "/api/v1/namespaces/" + FakeCluster.NAMESPACE + "/pods";

  private void closeAndExpectNothingLeft(WorkerPool pool) throws Exception {
    h.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(h.everythingLeft()).as("pods left on the clusters").isEmpty();
    assertThat(h.provider.busySteps()).isZero();
  }

  private long placedOn(String region) {
    return h.events.stream().filter(e -> e instanceof PoolEvent.WorkerProvisioned p
        && p.placement().region().equals(region)).count();
  }

  @Test
  void twoClustersLeasePodsFailOverWhenOneApiServerAnswers503AndLeaveNoPodAfterClose() throws Exception {
    WorkerTemplate t = KubeHarness.template(2, 8);
    WorkerPool pool = h.start(t, b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 2, Duration.ofMinutes(10), "warm target");
    assertThat(h.east.pods()).as("the preferred cluster holds the stock").hasSize(2);
    assertThat(h.east.requests("POST", PODS)).as("one create per worker").hasSize(2);
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(2);
    Pod pod = h.east.pods().get(0);
    assertThat(pod.getMetadata().getLabels()).containsEntry(PodNames.POOL_LABEL, KubeHarness.POOL_ID)
        .containsKey(PodNames.WORKER_LABEL).containsEntry("team", "build");
    assertThat(pod.getSpec().getContainers().get(0).getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("RUNNER_TOKEN");
      assertThat(e.getValue()).as("secrets by reference only").isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("runner-token");
    });

    int callsBefore = h.provisionCalls.get();
    Lease first = pool.tryLease(LeaseRequest.of(t.name())).orElseThrow();
    assertThat(h.provisionCalls.get()).as("no provider call on the grant path").isEqualTo(callsBefore);
    assertThat(first.worker().resourceId()).startsWith("east/" + FakeCluster.NAMESPACE + "/wp-ci-pool-");
    assertThat(first.worker().attributes()).containsEntry("cluster", "east").containsKeys("podName", "podIP");
    first.close();
    h.until(() -> pool.snapshot().total().idle() == 2 && pool.snapshot().total().provisioning() == 0
        && pool.snapshot().total().deleting() == 0, Duration.ofMinutes(10), "stock back at the warm target");

    // east's API server answers 503 to everything (an upgrade); west keeps working
    h.east.outage(true);
    List<Lease> leases = new ArrayList<>();
    leases.add(pool.tryLease(LeaseRequest.of(t.name())).orElseThrow());
    leases.add(pool.tryLease(LeaseRequest.of(t.name())).orElseThrow());
    LeaseRequest waiting = LeaseRequest.forTemplate(t.name()).maxWait(Duration.ofMinutes(20)).build();
    List<CompletableFuture<Lease>> waiters = List.of(pool.lease(waiting), pool.lease(waiting));
    for (CompletableFuture<Lease> w : waiters) {
      leases.add(h.await(w, Duration.ofMinutes(20)));
    }
    assertThat(leases).extracting(l -> l.worker().id()).doesNotHaveDuplicates().hasSize(4);
    assertThat(leases.subList(2, 4)).as("served from west while east fails")
        .allSatisfy(l -> assertThat(l.worker().placement()).isEqualTo(KubeHarness.WEST));
    // the waiters were served from west without waiting for east's creates, which end once their retries do
    h.until(() -> !h.failures().isEmpty(), Duration.ofMinutes(10), "east's creates ended");
    assertThat(h.failures()).as("east's failures are TRANSIENT (503)").isNotEmpty()
        .allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT));
    assertThat(h.east.requests("POST", PODS)).as("nothing was created on east during the outage").hasSize(3);

    leases.forEach(Lease::close);
    h.east.outage(false);
    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aCreateWhoseResponseIsLostIsFoundByTheRetryAndNoSecondPodIsMade() throws Exception {
    h.east.loseNextResponse("POST", PODS);
    WorkerPool pool = h.start(KubeHarness.template(1, 2),
        b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    assertThat(h.provisionCalls.get()).as("the lost answer cost a retry").isGreaterThanOrEqualTo(2);
    assertThat(h.east.requests("POST", PODS)).as("the retry found the pod by name and sent no second create")
        .hasSize(1);
    assertThat(h.everythingLeft()).hasSize(1);
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(1);

    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.advanceTo(h.clock.now().plusSeconds(1));
    assertThat(h.events).as("nothing to adopt or remove").noneMatch(e -> e instanceof PoolEvent.OrphanRemoved
        || e instanceof PoolEvent.OrphanAdopted || e instanceof PoolEvent.WorkerLost);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aCreateWhoseResponseIsLostWithoutAnInPlaceRetryLeavesNoStrayAfterReconciliation() throws Exception {
    h.east.loseNextResponse("POST", PODS);
    WorkerPool pool = h.start(KubeHarness.template(1, 2), b -> b.retries(1, Duration.ofSeconds(10),
        Duration.ofSeconds(40)).orphanGracePeriod(Duration.ZERO));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.until(() -> pool.snapshot().total().deleting() == 0 && h.taggedWorkers().equals(h.knownWorkers()),
        Duration.ofMinutes(10), "the labelled pods are what the pool knows");
    assertThat(h.knownWorkers()).hasSize(1);
    assertThat(h.everythingLeft()).as("the lost worker's pod is gone or serves as the pool's worker").hasSize(1);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void anExceededQuotaIsAQuotaFailureThatSendsWorkersToTheOtherCluster() throws Exception {
    h.east.expect().post().withPath(PODS).andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder()
        .withStatus("Failure").withCode(403).withReason("Forbidden")
        .withMessage("pods \"wp-x\" is forbidden: exceeded quota: compute-resources, requested: limits.cpu=500m, "
            + "used: limits.cpu=8, limited: limits.cpu=8").build()).always();
    WorkerPool pool = h.start(KubeHarness.template(2, 4),
        b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 2, Duration.ofMinutes(10), "warm target");
    assertThat(h.failures()).isNotEmpty().allSatisfy(f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.QUOTA);
      assertThat(f.code()).isEqualTo(ApiErrors.QUOTA_EXCEEDED);
      assertThat(f.placement()).isEqualTo(KubeHarness.EAST);
    });
    assertThat(h.east.requests("POST", PODS)).as("a quota failure is not retried on east: one create per worker "
        + "in flight when the quota answered").hasSizeBetween(1, 2);
    assertThat(h.west.pods()).hasSize(2);
    assertThat(placedOn("west")).isEqualTo(2);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aPodThatStaysUnschedulableFailsWithCapacityIsDeletedAndTheWorkerComesFromTheOtherCluster() throws Exception {
    h.east.schedulable(false);
    WorkerPool pool = h.start(KubeHarness.template(1, 2),
        b -> b.retries(3, Duration.ofSeconds(10), Duration.ofSeconds(40)));
    Instant started = h.clock.now();

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(30), "warm target");
    assertThat(h.failures()).first().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.CAPACITY);
      assertThat(f.code()).isEqualTo("Unschedulable");
      assertThat(f.message()).contains("Insufficient cpu");
      assertThat(f.placement()).isEqualTo(KubeHarness.EAST);
      assertThat(Duration.between(started, f.at())).as("after the unschedulable timeout, on the pool's clock")
          .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(2));
    });
    assertThat(h.east.pods()).as("the pending pod was deleted").isEmpty();
    assertThat(h.west.pods()).hasSize(1);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aThrottledCreateWaitsForRetryAfterAndSucceeds() throws Exception {
    h.east.fail("POST", PODS, 1, 429, "TooManyRequests", "Too many requests, please try again later.", 7);
    WorkerPool pool = h.start(KubeHarness.template(1, 2),
        b -> b.retries(3, Duration.ofSeconds(1), Duration.ofSeconds(40)));

    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    assertThat(h.failures()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
      assertThat(f.placement()).isEqualTo(KubeHarness.EAST);
    });
    assertThat(h.east.pods()).hasSize(1);
    assertThat(h.east.requests("POST", PODS)).as("the refused create, then the one after the pause").hasSize(2);

    closeAndExpectNothingLeft(pool);
  }

  @Test
  void aStrayPodOfThePoolIsRemovedByReconciliation() throws Exception {
    WorkerPool pool = h.start(KubeHarness.template(1, 2), b -> b.orphanGracePeriod(Duration.ZERO));
    h.until(() -> pool.snapshot().total().idle() == 1, Duration.ofMinutes(10), "warm target");
    h.west.seed(new PodBuilder().withNewMetadata().withName("wp-ci-pool-stray").withNamespace(FakeCluster.NAMESPACE)
        .addToLabels(PodNames.POOL_LABEL, KubeHarness.POOL_ID)
        .addToAnnotations(PodNames.TAG_ANNOTATION_PREFIX + dev.warmpool.spi.WorkerTags.POOL, KubeHarness.POOL_ID)
        .addToAnnotations(PodNames.TAG_ANNOTATION_PREFIX + dev.warmpool.spi.WorkerTags.WORKER, "stray")
        .endMetadata().withNewSpec().addNewContainer().withName("worker").withImage("busybox").endContainer()
        .endSpec().build());
    h.west.seed(new PodBuilder().withNewMetadata().withName("someone-else").withNamespace(FakeCluster.NAMESPACE)
        .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer()
        .endSpec().build());
    assertThat(h.taggedWorkers()).contains("stray");

    h.await(pool.reconcile(), Duration.ofMinutes(5));
    h.until(() -> !h.taggedWorkers().contains("stray"), Duration.ofMinutes(10), "stray removed");
    assertThat(h.taggedWorkers()).isEqualTo(h.knownWorkers()).hasSize(1);
    assertThat(h.west.pods()).as("a pod that is not the pool's is never touched")
        .extracting(p -> p.getMetadata().getName()).containsExactly("someone-else");

    h.await(pool.closeAsync(), Duration.ofHours(1));
    assertThat(h.east.pods()).isEmpty();
    assertThat(h.west.pods()).hasSize(1);
  }

  @Test
  void aRestartedPoolAdoptsThePodsItsLastGenerationKept() throws Exception {
    WorkerTemplate t = KubeHarness.template(2, 4);
    WorkerPool first = h.start(t, b -> b.keepWarmPool(true));
    h.until(() -> first.snapshot().total().idle() == 2, Duration.ofMinutes(10), "warm target");
    h.await(first.closeAsync(), Duration.ofHours(1));
    assertThat(h.east.pods()).as("kept for the next start").hasSize(2);
    int creates = h.east.requests("POST", PODS).size();

    KubeHarness next = new KubeHarness(h.east, h.west, h.clock.now().plus(Duration.ofMinutes(5)));
    WorkerPool second = next.start(t, b -> b.keepWarmPool(true));
    next.until(() -> second.snapshot().total().idle() == 2, Duration.ofMinutes(10), "adopted stock");
    assertThat(next.events).filteredOn(e -> e instanceof PoolEvent.OrphanAdopted).hasSize(2);
    assertThat(h.east.requests("POST", PODS)).as("no new pod: the kept ones serve").hasSize(creates);
    Lease lease = second.tryLease(LeaseRequest.of(t.name())).orElseThrow();
    assertThat(h.east.pods()).extracting(p -> p.getMetadata().getName())
        .contains(lease.worker().resourceId().substring(lease.worker().resourceId().lastIndexOf('/') + 1));
    lease.close();
    next.closePool();
    assertThat(h.east.pods()).as("kept again").isNotEmpty();

    // a start that does not keep the warm pool deletes what the last generation left
    KubeHarness last = new KubeHarness(h.east, h.west, next.clock.now().plus(Duration.ofMinutes(5)));
    WorkerPool third = last.start(KubeHarness.template(0, 4), b -> b.orphanGracePeriod(Duration.ZERO));
    last.until(() -> h.everythingLeft().isEmpty() && third.snapshot().total().deleting() == 0,
        Duration.ofMinutes(10), "the last generation's pods removed");
    last.closePool();
    assertThat(h.everythingLeft()).isEmpty();
  }

  @Test
  void aTemplateWithoutAnImageFailsAtBuildNamingTheProperty() {
    WorkerTemplate noImage = WorkerTemplate.builder("broken").providerProperty("cpu", "1").build();

    assertThatThrownBy(() -> h.start(noImage, b -> b))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("image")
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option())
            .isEqualTo("template[broken].providerProperties.image"));
    assertThat(h.east.requests()).as("no call reached the API server").isEmpty();
  }
}
