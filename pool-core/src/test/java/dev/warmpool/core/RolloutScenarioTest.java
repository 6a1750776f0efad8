package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolConfiguration;
import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.FakeResource;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.ResourceState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Run-time changes through {@link WorkerPool#reconfigure}: a new image rolls with no failed lease and the idle stock
 * kept, an outage pauses the roll, an invalid change is refused whole, a restart in the middle of a roll finishes it,
 * and a drained placement empties while its leases end normally; in every mode (a subclass per mode).
 */
public abstract class RolloutScenarioTest implements PoolMode.Suite {
  private static final String POOL = "rolling";
  private static final int WARM = 6;

  private final VirtualClock clock = new VirtualClock();
  private final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<Lease>> leases = new ArrayList<>();
  private final List<WorkerPool> pools = new ArrayList<>();
  private FakeCloud cloud;

  @AfterEach
  void closePools() throws Exception {
    for (WorkerPool p : pools) {
      clock.await(p.closeAsync(), Duration.ofHours(2));
    }
  }

  private FakeCloud cloud(dev.warmpool.fake.Fault... faults) {
    cloud = FakeCloud.builder().seed(7).clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(3)))
        .faults(faults).build();
    return cloud;
  }

  private static WorkerTemplate linux(String image) {
    return WorkerTemplate.builder("linux").providerProperty("image", image).warmTarget(WARM).maxTotal(40).build();
  }

  private WorkerPool pool(PoolMode mode, String node, WorkerTemplate template, boolean keepWarm,
      Placement... placements) {
    WorkerPools.Builder b = WorkerPools.builder().poolId(POOL).clock(clock).template(template)
        .provider("fake", cloud.provider()).keepWarmPool(keepWarm).listener(events::add);
    for (Placement p : placements) {
      b.placement(p);
    }
    WorkerPool p = mode.node(b, node).build();
    pools.add(p);
    return p;
  }

  private static Placement west() {
    return Placement.of("fake", "westeurope", "eu");
  }

  private static Placement north() {
    return Placement.of("fake", "northeurope", "eu").withPreference(1);
  }

  /** One lease every two minutes, held for five, from {@code from} until {@code until}; idle samples every 20s. */
  private List<int[]> steadyDemand(WorkerPool pool, Instant until) {
    List<int[]> samples = new ArrayList<>();
    Instant next = clock.now();
    while (clock.now().isBefore(until)) {
      if (!clock.now().isBefore(next)) {
        CompletableFuture<Lease> f = pool.lease(LeaseRequest.forTemplate("linux").tenant("t")
            .maxWait(Duration.ofMinutes(30)).build());
        leases.add(f);
        f.thenAccept(l -> clock.schedule(Duration.ofMinutes(5), l::close));
        next = next.plus(Duration.ofMinutes(2));
      }
      clock.advance(Duration.ofSeconds(20));
      var t = pool.snapshot().template("linux").orElseThrow();
      samples.add(new int[] {t.total().idle(), t.waiting()});
    }
    return samples;
  }

  private List<FakeResource> alive() {
    return cloud.resources(POOL).stream().filter(r -> r.state() != ResourceState.DELETING).toList();
  }

  private <E extends PoolEvent> List<E> events(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void aNewImageRollsUnderSteadyDemandWithNoFailedLeaseAndTheIdleStockKept() {
    cloud();
    WorkerPool pool = pool(mode(), "node-1", linux("ubuntu-22.04"), false, west());
    steadyDemand(pool, clock.now().plus(Duration.ofMinutes(40)));
    String before = alive().get(0).tags().get(WorkerTags.TEMPLATE_VERSION);

    pool.reconfigure(pool.configuration().toBuilder().template(linux("ubuntu-24.04")).build());
    List<int[]> during = steadyDemand(pool, clock.now().plus(Duration.ofHours(2)));

    assertThat(events(PoolEvent.TemplateChanged.class)).extracting(PoolEvent.TemplateChanged::change)
        .containsExactly("new-version");
    assertThat(events(PoolEvent.RolloutFinished.class)).hasSize(1);
    assertThat(leases).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    // the test's own count: never fewer idle workers than the warm target minus what one lease takes before its
    // replacement is made (3 minutes at one lease every 2), whatever the roll removes meanwhile
    assertThat(during).allSatisfy(s -> assertThat(s[0]).as("idle workers").isGreaterThanOrEqualTo(WARM - 2));
    List<String> versions = alive().stream().map(r -> r.tags().get(WorkerTags.TEMPLATE_VERSION)).distinct()
        .toList();
    assertThat(versions).hasSize(1).doesNotContain(before);
    assertThat(pool.snapshot().rollouts()).isEmpty();
    // no old worker was granted after the roll replaced the last one
    Instant finished = events(PoolEvent.RolloutFinished.class).get(0).at();
    Map<String, String> versionOf = cloud.resources().stream()
        .collect(Collectors.toMap(FakeResource::workerId, r -> r.tags().get(WorkerTags.TEMPLATE_VERSION),
            (a, b) -> a));
    assertThat(events(PoolEvent.LeaseGranted.class)).filteredOn(g -> g.at().isAfter(finished))
        .isNotEmpty().allSatisfy(g -> assertThat(versionOf.get(g.workerId())).isNotEqualTo(before));
  }

  @Test
  void anOutagePausesTheRollWhichResumesAfterIt() {
    Instant start = clock.now();
    cloud(Faults.outage("westeurope").from(start.plus(Duration.ofMinutes(30)))
        .until(start.plus(Duration.ofMinutes(90))));
    WorkerPool pool = pool(mode(), "node-1", linux("ubuntu-22.04"), false, west());
    clock.advance(Duration.ofMinutes(35));
    String before = alive().get(0).tags().get(WorkerTags.TEMPLATE_VERSION);

    // the roll's first replacement fails, the placement opens, the template degrades: the roll pauses
    pool.reconfigure(pool.configuration().toBuilder().template(linux("ubuntu-24.04")).build());
    clock.advance(Duration.ofMinutes(50));
    assertThat(pool.snapshot().template("linux").orElseThrow().degraded()).as("degraded by the outage").isTrue();
    assertThat(pool.snapshot().rollout("linux")).hasValueSatisfying(r -> assertThat(r.paused()).isTrue());
    assertThat(events(PoolEvent.WorkerDeprovisioned.class)).as("nothing replaced during the outage")
        .noneMatch(e -> e.reason().equals("rollout"));
    // the old workers keep serving meanwhile
    assertThat(pool.snapshot().template("linux").orElseThrow().total().idle()).isEqualTo(WARM);
    try (Lease l = pool.tryLease(LeaseRequest.of("linux")).orElseThrow()) {
      assertThat(alive()).filteredOn(r -> r.workerId().equals(l.worker().id()))
          .allSatisfy(r -> assertThat(r.tags().get(WorkerTags.TEMPLATE_VERSION)).isEqualTo(before));
    }

    clock.advance(Duration.ofMinutes(55)); // the placement recovers: the roll resumes and replaces the old workers
    assertThat(events(PoolEvent.WorkerDeprovisioned.class)).anyMatch(e -> e.reason().equals("rollout"));
    steadyDemand(pool, start.plus(Duration.ofHours(4)));
    assertThat(leases).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    assertThat(events(PoolEvent.RolloutProgressed.class)).anyMatch(e -> e.status().paused())
        .anyMatch(e -> !e.status().paused());
    assertThat(events(PoolEvent.RolloutFinished.class)).hasSize(1);
    assertThat(alive().stream().map(r -> r.tags().get(WorkerTags.TEMPLATE_VERSION)).distinct().toList())
        .hasSize(1).doesNotContain(before);
  }

  @Test
  void onSeveralNodesAChangeMadeOnAFollowerIsAppliedEverywhereAndTheLeaderRolls() {
    org.junit.jupiter.api.Assumptions.assumeTrue(mode().hasStore(), "one node only without a store");
    cloud();
    WorkerPool first = pool(mode(), "node-1", linux("ubuntu-22.04"), false, west());
    clock.advance(Duration.ofMinutes(30));
    WorkerPool second = pool(mode(), "node-2", linux("ubuntu-22.04"), false, west());
    clock.advance(Duration.ofMinutes(1));
    String before = alive().get(0).tags().get(WorkerTags.TEMPLATE_VERSION);

    PoolConfiguration next = second.configuration().toBuilder().template(linux("ubuntu-24.04")).build();
    second.reconfigure(next);
    steadyDemand(second, clock.now().plus(Duration.ofHours(2)));

    assertThat(first.configuration()).isEqualTo(next);
    assertThat(second.configuration()).isEqualTo(next);
    assertThat(events(PoolEvent.RolloutFinished.class)).hasSize(1);
    assertThat(leases).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    assertThat(alive()).isNotEmpty().noneMatch(r -> before.equals(r.tags().get(WorkerTags.TEMPLATE_VERSION)));
  }

  @Test
  void aTemplateAddedAtRunTimeFillsItsTargetAndARemovedOneLeavesNothingBehind() throws Exception {
    cloud();
    WorkerPool pool = pool(mode(), "node-1", linux("ubuntu-22.04"), false, west());
    clock.advance(Duration.ofMinutes(20));
    WorkerTemplate windows = WorkerTemplate.builder("windows").providerProperty("image", "win-2022").warmTarget(2)
        .build();

    pool.reconfigure(pool.configuration().toBuilder().template(windows).build());
    clock.advance(Duration.ofMinutes(20));
    assertThat(pool.snapshot().template("windows").orElseThrow().total().idle()).isEqualTo(2);
    Lease held = pool.tryLease(LeaseRequest.of("windows")).orElseThrow();

    pool.reconfigure(pool.configuration().toBuilder().removeTemplate("windows").build());
    clock.advance(Duration.ofMinutes(20));
    assertThatThrownBy(() -> pool.tryLease(LeaseRequest.of("windows")))
        .isInstanceOf(InvalidConfigurationException.class);
    assertThat(alive()).filteredOn(r -> "windows".equals(r.tags().get(WorkerTags.TEMPLATE))).hasSize(1);
    assertThat(held.isActive()).isTrue();
    held.close();
    clock.advance(Duration.ofMinutes(10));

    assertThat(alive()).noneMatch(r -> "windows".equals(r.tags().get(WorkerTags.TEMPLATE))).hasSize(WARM);
    assertThat(events(PoolEvent.TemplateChanged.class)).extracting(PoolEvent.TemplateChanged::change)
        .containsExactly("added", "removed");
  }

  @Test
  void anInvalidChangeIsRefusedWholeWithTheMessageBuildGives() {
    cloud();
    WorkerPool pool = pool(mode(), "node-1", linux("ubuntu-22.04"), false, west());
    clock.advance(Duration.ofMinutes(10));
    PoolConfiguration before = pool.configuration();
    WorkerTemplate usOnly = WorkerTemplate.builder("gpu").geographies(java.util.Set.of("us")).build();
    InvalidConfigurationException atBuild = org.junit.jupiter.api.Assertions.assertThrows(
        InvalidConfigurationException.class, () -> WorkerPools.builder().poolId("other").clock(clock)
            .template(usOnly).placement(west()).provider("fake", cloud.provider()).build());

    PoolConfiguration bad = before.toBuilder().template(linux("ubuntu-24.04").toBuilder().warmTarget(9).build())
        .template(usOnly).build();
    assertThatThrownBy(() -> pool.reconfigure(bad)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(atBuild.getMessage())
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option()).isEqualTo(atBuild.option()));
    assertThatThrownBy(() -> pool.reconfigure(before.toBuilder().drain(west().key()).build()))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no placement left that is not"
            + " drained");
    clock.advance(Duration.ofMinutes(30));

    assertThat(pool.configuration()).isEqualTo(before);
    assertThat(events(PoolEvent.TemplateChanged.class)).isEmpty();
    assertThat(pool.snapshot().template("linux").orElseThrow().total().idle()).isEqualTo(WARM);
    assertThat(alive()).hasSize(WARM);
  }

  @Test
  void aRestartInTheMiddleOfARollAdoptsTheOldWorkersAndFinishesTheRoll() throws Exception {
    cloud();
    cloud.declareKeepWarm(POOL);
    WorkerPool first = pool(mode(), "node-1", linux("ubuntu-22.04"), true, west());
    clock.advance(Duration.ofMinutes(30));
    String before = alive().get(0).tags().get(WorkerTags.TEMPLATE_VERSION);
    first.reconfigure(first.configuration().toBuilder().template(linux("ubuntu-24.04")).build());
    clock.advance(Duration.ofMinutes(4)); // one replacement made and one old worker removed, at most
    clock.await(first.closeAsync(), Duration.ofHours(1));
    pools.remove(first);
    assertThat(alive()).anyMatch(r -> before.equals(r.tags().get(WorkerTags.TEMPLATE_VERSION)));

    WorkerPool second = pool(mode().hasStore() ? mode() : mode(), "node-2", linux("ubuntu-24.04"), true, west());
    steadyDemand(second, clock.now().plus(Duration.ofHours(2)));

    assertThat(events(PoolEvent.RolloutFinished.class)).isNotEmpty();
    assertThat(leases).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    assertThat(alive()).isNotEmpty().noneMatch(r -> before.equals(r.tags().get(WorkerTags.TEMPLATE_VERSION)));
  }

  @Test
  void aDrainedPlacementEmptiesWhileItsLeasesEndNormally() throws Exception {
    cloud();
    // workers serve up to 5 leases: a drained one must still not be kept when its lease ends
    WorkerPool pool = pool(mode(), "node-1", linux("ubuntu-22.04").toBuilder().maxUses(5).build(), false, west(),
        north());
    clock.advance(Duration.ofMinutes(30));
    Lease a = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    Lease b = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    assertThat(a.worker().placement()).isEqualTo(west());

    pool.reconfigure(pool.configuration().toBuilder().drain(west().key()).build());
    clock.advance(Duration.ofMinutes(40));
    assertThat(events(PoolEvent.PlacementDraining.class)).singleElement()
        .satisfies(e -> assertThat(e.draining()).isTrue());
    assertThat(a.isActive()).isTrue();
    assertThat(b.isActive()).isTrue();
    assertThat(alive()).filteredOn(r -> r.region().equals("westeurope")).hasSize(2); // the two leased ones
    assertThat(pool.snapshot().template("linux").orElseThrow().total().idle()).isEqualTo(WARM);

    a.close();
    b.close();
    try (Lease next = pool.tryLease(LeaseRequest.of("linux")).orElseThrow()) {
      assertThat(next.worker().placement().region()).as("a drained worker is not granted again")
          .isEqualTo("northeurope");
    }
    clock.advance(Duration.ofMinutes(10));
    assertThat(alive()).noneMatch(r -> r.region().equals("westeurope"));
    assertThat(events(PoolEvent.RolloutFinished.class)).hasSize(1);
    assertThat(pool.tryLease(LeaseRequest.of("linux")).orElseThrow().worker().placement().region())
        .isEqualTo("northeurope");
  }
}
