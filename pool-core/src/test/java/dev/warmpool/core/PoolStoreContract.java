package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.PlacementState;
import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.Leadership;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link PoolStore}, as a test kit: every store implementation extends this class and passes it.
 *
 * <p>{@link InMemoryPoolStore} defines the semantics; a store that passes this kit behaves like it through the SPI.
 * Every test works on pools with fresh ids, so {@link #newStore()} may return stores over shared state. Times are
 * whole microseconds (what a database keeps).
 */
public abstract class PoolStoreContract {

  /** A time with microseconds, so that a store that rounds to milliseconds fails. */
  protected static final Instant T0 = Instant.parse("2026-03-23T02:41:00.123456Z");

  /** The store under test. */
  protected PoolStore store;
  /** A fresh pool id per test. */
  protected String pool;

  /**
   * A new store; it may share its state with earlier ones (the kit uses fresh pool ids).
   *
   * @return the store
   */
  protected abstract PoolStore newStore();

  /**
   * How many grant-and-release rounds each of the concurrency test's threads makes.
   *
   * @return the rounds per thread
   */
  protected int concurrencyRounds() {
    return 2_000;
  }

  @BeforeEach
  void openStore() {
    store = newStore();
    pool = freshPoolId();
    store.open(pool);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /**
   * A pool id no other test used.
   *
   * @return the id
   */
  protected static String freshPoolId() {
    return "pool-" + UUID.randomUUID();
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** Makes the given node lead the pool and returns its epoch. */
  private long leader(String poolId, String node, Instant now) {
    Leadership l = store.lead(poolId, node, now, Duration.ofSeconds(30));
    assertThat(l.node()).isEqualTo(node);
    return l.epoch();
  }

  private static StoredWorker idle(String id, String placement, String tenant, Instant idleSince) {
    return new StoredWorker(id, "linux", placement, State.IDLE, 0, tenant == null ? 0 : 1, 1, "res-" + id,
        Map.of("ip", "10.0.0.1"), tenant, null, null, null, null, at(-100), at(-90), idleSince, null);
  }

  private void insertAll(String poolId, StoredWorker... workers) {
    long epoch = store.leadership(poolId).map(Leadership::epoch).orElseGet(() -> leader(poolId, "n1", T0));
    for (StoredWorker w : workers) {
      assertThat(store.insert(poolId, epoch, w)).isTrue();
    }
  }

  private static GrantQuery query(String tenant, String leaseId, String... placements) {
    return new GrantQuery("linux", List.of(placements), tenant, "node-a", leaseId, at(10), at(70));
  }

  private StoredWorker row(String poolId, String id) {
    return store.workers(poolId).stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
  }

  // ---------------------------------------------------------------------------------------------- grant

  @Test
  void grantPrefersTheEarlierPlacementOverEverythingElse() {
    insertAll(pool,
        idle("w-second-bound", "fake/b", "acme", at(-50)),
        idle("w-first-fresh", "fake/a", null, at(-1)));

    assertThat(store.grant(pool, query("acme", "l1", "fake/a", "fake/b"))).map(StoredWorker::id)
        .contains("w-first-fresh");
    assertThat(store.grant(pool, query("acme", "l2", "fake/a", "fake/b"))).map(StoredWorker::id)
        .contains("w-second-bound");
  }

  @Test
  void grantPrefersAWorkerBoundToTheTenantOverAFreshOne() {
    insertAll(pool,
        idle("w-fresh", "fake/a", null, at(-50)),
        idle("w-bound", "fake/a", "acme", at(-1)));

    assertThat(store.grant(pool, query("acme", "l1", "fake/a"))).map(StoredWorker::id).contains("w-bound");
    assertThat(store.grant(pool, query("acme", "l2", "fake/a"))).map(StoredWorker::id).contains("w-fresh");
  }

  @Test
  void grantPrefersTheWorkerIdleLongest() {
    insertAll(pool,
        idle("w-recent", "fake/a", null, at(-5)),
        idle("w-oldest", "fake/a", null, at(-60)),
        idle("w-middle", "fake/a", null, at(-30)));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      order.add(store.grant(pool, query("acme", "l" + i, "fake/a")).orElseThrow().id());
    }
    assertThat(order).containsExactly("w-oldest", "w-middle", "w-recent");
  }

  @Test
  void grantNeverTakesAWorkerBoundToAnotherTenant() {
    insertAll(pool, idle("w-globex", "fake/a", "globex", at(-50)));

    assertThat(store.grant(pool, query("acme", "l1", "fake/a"))).isEmpty();
    assertThat(store.grant(pool, query("*", "l2", "fake/a"))).isEmpty();
    assertThat(row(pool, "w-globex").state()).isEqualTo(State.IDLE);
    assertThat(store.grant(pool, query("globex", "l3", "fake/a"))).map(StoredWorker::id).contains("w-globex");
  }

  @Test
  void grantWithIdleBeforeTakesOnlyAWorkerIdleSinceThenOrEarlier() {
    insertAll(pool,
        idle("w-just-freed", "fake/a", null, at(9)),
        idle("w-freed-at-the-bound", "fake/a", null, at(8)),
        idle("w-freed-before", "fake/b", null, at(5)));
    GrantQuery heldBack = new GrantQuery("linux", List.of("fake/a", "fake/b"), "acme", "node-a", "l1", at(10),
        null, at(8));

    // the earlier placement still wins among the eligible workers; one idle since after the bound is not eligible
    assertThat(store.grant(pool, heldBack)).map(StoredWorker::id).contains("w-freed-at-the-bound");
    assertThat(store.grant(pool, new GrantQuery("linux", List.of("fake/a", "fake/b"), "acme", "node-a", "l2",
        at(10), null, at(8)))).map(StoredWorker::id).contains("w-freed-before");
    assertThat(store.grant(pool, new GrantQuery("linux", List.of("fake/a", "fake/b"), "acme", "node-a", "l3",
        at(10), null, at(8)))).isEmpty();
    assertThat(row(pool, "w-just-freed").state()).isEqualTo(State.IDLE);
    assertThat(store.grant(pool, query("acme", "l4", "fake/a"))).map(StoredWorker::id).contains("w-just-freed");
  }

  @Test
  void grantWithIdleBeforeTakesAnIdleWorkerWithoutAnIdleTime() {
    insertAll(pool, idle("w-no-idle-time", "fake/a", null, null));

    assertThat(store.grant(pool, new GrantQuery("linux", List.of("fake/a"), "acme", "node-a", "l1", at(10), null,
        at(-1000)))).map(StoredWorker::id).contains("w-no-idle-time");
  }

  @Test
  void grantTakesOnlyIdleWorkersOfTheTemplateInAnAcceptedPlacement() {
    long epoch = leader(pool, "n1", T0);
    store.insert(pool, epoch, idle("w-other-placement", "fake/z", null, at(-50)));
    store.insert(pool, epoch, new StoredWorker("w-windows", "windows", "fake/a", State.IDLE, 0, 0, 1, "r",
        Map.of(), null, null, null, null, null, at(-100), at(-90), at(-60), null));
    store.insert(pool, epoch, StoredWorker.provisioning("w-provisioning", "linux", "fake/a", "n1", epoch, at(-5)));
    store.insert(pool, epoch, new StoredWorker("w-retired", "linux", "fake/a", State.RETIRED, 0, 1, 1, "r",
        Map.of(), "acme", null, null, null, null, at(-100), at(-90), at(-60), "discarded"));

    assertThat(store.grant(pool, query("acme", "l1", "fake/a", "fake/b"))).isEmpty();
    assertThat(store.workers(pool)).allSatisfy(w -> assertThat(w.generation()).isZero());
  }

  @Test
  void grantMakesTheWorkerLeasedWithOneMoreGrantAndGeneration() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker before = row(pool, "w1");

    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();

    assertThat(granted.state()).isEqualTo(State.LEASED);
    assertThat(granted.grants()).isEqualTo(before.grants() + 1);
    assertThat(granted.generation()).isEqualTo(before.generation() + 1);
    assertThat(granted.tenant()).isEqualTo("acme");
    assertThat(granted.holder()).isEqualTo("node-a");
    assertThat(granted.leaseId()).isEqualTo("lease-1");
    assertThat(granted.grantedAt()).isEqualTo(at(10));
    assertThat(granted.deadline()).isEqualTo(at(70));
    assertThat(granted.idleSince()).isEqualTo(before.idleSince());
    assertThat(granted.resourceId()).isEqualTo(before.resourceId());
    assertThat(granted.attributes()).isEqualTo(before.attributes());
    assertThat(granted.createdAt()).isEqualTo(before.createdAt());
    assertThat(granted.readyAt()).isEqualTo(before.readyAt());
    assertThat(row(pool, "w1")).isEqualTo(granted);
    assertThat(store.grant(pool, query("acme", "lease-2", "fake/a"))).isEmpty();
  }

  @Test
  void grantWithoutDeadlineStoresNone() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));

    StoredWorker granted = store.grant(pool,
        new GrantQuery("linux", List.of("fake/a"), "*", "node-b", "lease-1", at(5), null)).orElseThrow();

    assertThat(granted.deadline()).isNull();
    assertThat(granted.tenant()).isEqualTo("*");
    assertThat(row(pool, "w1").deadline()).isNull();
  }

  // ---------------------------------------------------------------------------------------------- release, renew

  @Test
  void releaseThatKeepsTheWorkerMakesItIdleAndStillBound() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();

    StoredWorker released = store.release(pool, "w1", granted.grants(), true, at(20), "ignored").orElseThrow();

    assertThat(released.state()).isEqualTo(State.IDLE);
    assertThat(released.idleSince()).isEqualTo(at(20));
    assertThat(released.tenant()).isEqualTo("acme");
    assertThat(released.holder()).isNull();
    assertThat(released.leaseId()).isNull();
    assertThat(released.grantedAt()).isNull();
    assertThat(released.deadline()).isNull();
    assertThat(released.reason()).isNull();
    assertThat(released.grants()).isEqualTo(granted.grants());
    assertThat(released.generation()).isEqualTo(granted.generation() + 1);
    assertThat(row(pool, "w1")).isEqualTo(released);
  }

  @Test
  void releaseThatDoesNotKeepTheWorkerRetiresItWithTheReason() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();

    StoredWorker released = store.release(pool, "w1", granted.grants(), false, at(20), "discarded").orElseThrow();

    assertThat(released.state()).isEqualTo(State.RETIRED);
    assertThat(released.reason()).isEqualTo("discarded");
    assertThat(released.idleSince()).isEqualTo(at(-50));
    assertThat(released.holder()).isNull();
    assertThat(released.leaseId()).isNull();
    assertThat(released.generation()).isEqualTo(granted.generation() + 1);
    assertThat(store.grant(pool, query("acme", "lease-2", "fake/a"))).isEmpty();
  }

  @Test
  void releaseAndRenewWithAStaleTokenDoNothing() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker first = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();
    store.release(pool, "w1", first.grants(), true, at(20), null).orElseThrow();
    StoredWorker second = store.grant(pool, query("acme", "lease-2", "fake/a")).orElseThrow();

    assertThat(store.release(pool, "w1", first.grants(), false, at(30), "late")).isEmpty();
    assertThat(store.renew(pool, "w1", first.grants(), at(999))).isEmpty();
    assertThat(row(pool, "w1")).isEqualTo(second);
  }

  @Test
  void releaseAndRenewOfAnEndedLeaseOrUnknownWorkerDoNothing() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();
    StoredWorker released = store.release(pool, "w1", granted.grants(), true, at(20), null).orElseThrow();

    assertThat(store.release(pool, "w1", granted.grants(), true, at(21), null)).isEmpty();
    assertThat(store.renew(pool, "w1", granted.grants(), at(99))).isEmpty();
    assertThat(store.release(pool, "nobody", 1, true, at(21), null)).isEmpty();
    assertThat(store.renew(pool, "nobody", 1, at(99))).isEmpty();
    assertThat(row(pool, "w1")).isEqualTo(released);
  }

  @Test
  void renewMovesTheDeadlineOfTheCurrentLease() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();

    StoredWorker renewed = store.renew(pool, "w1", granted.grants(), at(500)).orElseThrow();

    assertThat(renewed.deadline()).isEqualTo(at(500));
    assertThat(renewed.state()).isEqualTo(State.LEASED);
    assertThat(renewed.leaseId()).isEqualTo("lease-1");
    assertThat(renewed.generation()).isEqualTo(granted.generation() + 1);
    assertThat(row(pool, "w1")).isEqualTo(renewed);
  }

  // ---------------------------------------------------------------------------------------------- leader writes

  @Test
  void insertWritesTheRowAsGivenAndRefusesADuplicateId() {
    long epoch = leader(pool, "n1", T0);
    StoredWorker w = new StoredWorker("w1", "linux", "fake/a", State.IDLE, 7, 3, epoch, "res-1",
        Map.of("ip", "10.0.0.7", "quote\"back\\slash", "línea\nnueva, {json: [1]}", "", "empty key"), "acme",
        null, null, null, null, at(-100), at(-90), at(-80), null);

    assertThat(store.insert(pool, epoch, w)).isTrue();
    assertThat(store.workers(pool)).containsExactly(w);

    StoredWorker other = StoredWorker.provisioning("w1", "linux", "fake/b", "n1", epoch, at(1));
    assertThat(store.insert(pool, epoch, other)).isFalse();
    assertThat(store.workers(pool)).containsExactly(w);
  }

  @Test
  void insertKeepsEveryFieldOfAProvisioningRow() {
    long epoch = leader(pool, "n1", T0);
    StoredWorker w = StoredWorker.provisioning("w1", "linux", "fake/a", "n1", epoch, at(1));

    store.insert(pool, epoch, w);

    assertThat(store.workers(pool)).containsExactly(w);
  }

  @Test
  void replaceWritesTheNextGenerationOnlyIfNobodyChangedTheRow() {
    long epoch = leader(pool, "n1", T0);
    StoredWorker intent = StoredWorker.provisioning("w1", "linux", "fake/a", "n1", epoch, at(1));
    store.insert(pool, epoch, intent);

    StoredWorker ready = intent.ready("res-1", Map.of("ip", "10.1.1.1"), epoch, at(2));
    assertThat(store.replace(pool, epoch, ready)).isTrue();
    StoredWorker stored = row(pool, "w1");
    assertThat(stored.generation()).isEqualTo(1);
    assertThat(stored.state()).isEqualTo(State.IDLE);
    assertThat(stored.resourceId()).isEqualTo("res-1");
    assertThat(stored.attributes()).containsEntry("ip", "10.1.1.1");
    assertThat(stored.readyAt()).isEqualTo(at(2));

    assertThat(store.replace(pool, epoch, ready.deleting("n1", epoch, "stale write"))).isFalse();
    assertThat(row(pool, "w1")).isEqualTo(stored);
    assertThat(store.replace(pool, epoch, StoredWorker.provisioning("gone", "linux", "fake/a", "n1", epoch, T0)))
        .isFalse();
    assertThat(store.workers(pool)).hasSize(1);
  }

  @Test
  void replaceLosesToAGrantThatCameBetweenReadAndWrite() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)));
    long epoch = store.leadership(pool).orElseThrow().epoch();
    StoredWorker read = row(pool, "w1");
    StoredWorker granted = store.grant(pool, query("acme", "lease-1", "fake/a")).orElseThrow();

    assertThat(store.replace(pool, epoch, read.deleting("n1", epoch, "max age"))).isFalse();
    assertThat(row(pool, "w1")).isEqualTo(granted);
  }

  @Test
  void deleteRemovesTheRowOnlyIfNobodyChangedIt() {
    insertAll(pool, idle("w1", "fake/a", null, at(-50)), idle("w2", "fake/a", null, at(-40)));
    long epoch = store.leadership(pool).orElseThrow().epoch();

    assertThat(store.delete(pool, epoch, "w1", 1)).isFalse();
    assertThat(store.delete(pool, epoch, "missing", 0)).isFalse();
    assertThat(store.workers(pool)).hasSize(2);

    assertThat(store.delete(pool, epoch, "w1", 0)).isTrue();
    assertThat(store.workers(pool)).extracting(StoredWorker::id).containsExactly("w2");
  }

  @Test
  void leaderWritesWithoutALeaderOrWithAnotherEpochThrowAndWriteNothing() {
    StoredWorker w = idle("w1", "fake/a", null, at(-50));

    assertStale(pool, 1, w);
    long epoch = leader(pool, "n1", T0);
    assertStale(pool, epoch + 1, w);
    assertStale(pool, epoch - 1, w);
    assertThat(store.workers(pool)).isEmpty();
    assertThat(store.placementHealth(pool)).isEmpty();
  }

  @Test
  void leaderWritesOfAnOldEpochThrowAfterATakeOver() {
    long old = leader(pool, "n1", T0);
    store.insert(pool, old, idle("w1", "fake/a", null, at(-50)));

    Leadership taken = store.lead(pool, "n2", at(30), Duration.ofSeconds(30));
    assertThat(taken.node()).isEqualTo("n2");
    assertThat(taken.epoch()).isEqualTo(old + 1);

    assertStale(pool, old, idle("w2", "fake/a", null, at(-50)));
    assertThat(store.workers(pool)).extracting(StoredWorker::id).containsExactly("w1");
    assertThat(store.insert(pool, taken.epoch(), idle("w2", "fake/a", null, at(-50)))).isTrue();
  }

  @Test
  void leaderWritesOfAResignedEpochThrowOnceAnotherNodeTookOver() {
    long old = leader(pool, "n1", T0);
    store.resign(pool, "n1", old, at(5));
    // the epoch is kept by a resignation: the resigned node's epoch is still the current one until a take-over
    assertThat(store.insert(pool, old, idle("w1", "fake/a", null, at(-50)))).isTrue();

    long next = leader(pool, "n2", at(5));

    assertThat(next).isEqualTo(old + 1);
    assertStale(pool, old, idle("w2", "fake/a", null, at(-50)));
  }

  @Test
  void staleLeaderExceptionNamesTheEpoch() {
    leader(pool, "n1", T0);

    assertThatThrownBy(() -> store.delete(pool, 42, "w1", 0))
        .isInstanceOfSatisfying(StaleLeaderException.class, e -> assertThat(e.epoch()).isEqualTo(42))
        .hasMessageContaining(pool);
  }

  private void assertStale(String poolId, long epoch, StoredWorker w) {
    List<Consumer<PoolStore>> writes = List.of(
        s -> s.insert(poolId, epoch, w),
        s -> s.replace(poolId, epoch, w),
        s -> s.delete(poolId, epoch, w.id(), w.generation()),
        s -> s.putPlacementHealth(poolId, epoch, health("fake/a", at(1))));
    for (Consumer<PoolStore> write : writes) {
      assertThatThrownBy(() -> write.accept(store)).isInstanceOf(StaleLeaderException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------- leadership

  @Test
  void noLeadershipBeforeAnyNodeLed() {
    assertThat(store.leadership(pool)).isEmpty();
  }

  @Test
  void theFirstNodeTakesTheLeadershipWithEpochOne() {
    Leadership l = store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    assertThat(l).isEqualTo(new Leadership("n1", 1, at(30)));
    assertThat(store.leadership(pool)).contains(l);
  }

  @Test
  void theLeaderRenewsWithTheSameEpoch() {
    store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    Leadership renewed = store.lead(pool, "n1", at(20), Duration.ofSeconds(30));

    assertThat(renewed).isEqualTo(new Leadership("n1", 1, at(50)));
    assertThat(store.leadership(pool)).contains(renewed);
  }

  @Test
  void anotherNodeCannotTakeALiveLeadership() {
    Leadership l = store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    assertThat(store.lead(pool, "n2", at(29), Duration.ofSeconds(30))).isEqualTo(l);
    assertThat(store.leadership(pool)).contains(l);
  }

  @Test
  void anotherNodeTakesAnExpiredLeadershipWithTheNextEpoch() {
    store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    Leadership taken = store.lead(pool, "n2", at(30), Duration.ofSeconds(10));

    assertThat(taken).isEqualTo(new Leadership("n2", 2, at(40)));
    assertThat(store.lead(pool, "n1", at(35), Duration.ofSeconds(30))).isEqualTo(taken);
  }

  @Test
  void theSameNodeRetakingItsExpiredLeadershipGetsTheNextEpoch() {
    store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    assertThat(store.lead(pool, "n1", at(31), Duration.ofSeconds(30))).isEqualTo(new Leadership("n1", 2, at(61)));
  }

  @Test
  void resignLetsAnotherNodeTakeOverAtOnce() {
    Leadership l = store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    store.resign(pool, "n1", l.epoch(), at(5));

    assertThat(store.leadership(pool)).contains(new Leadership("n1", 1, at(5)));
    assertThat(store.lead(pool, "n2", at(5), Duration.ofSeconds(30))).isEqualTo(new Leadership("n2", 2, at(35)));
  }

  @Test
  void resignByAnotherNodeOrWithAnotherEpochChangesNothing() {
    Leadership l = store.lead(pool, "n1", T0, Duration.ofSeconds(30));

    store.resign(pool, "n2", l.epoch(), at(5));
    store.resign(pool, "n1", l.epoch() + 1, at(5));

    assertThat(store.leadership(pool)).contains(l);
    assertThat(store.lead(pool, "n2", at(5), Duration.ofSeconds(30))).isEqualTo(l);
  }

  @Test
  void twoNodesRacingForAnExpiredLeadershipGiveItToExactlyOne() throws Exception {
    store.lead(pool, "n0", T0, Duration.ofSeconds(1));
    int nodes = 6;
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Leadership>> answers = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String node = "n" + (i + 1);
        answers.add(threads.submit(() -> {
          start.await();
          return store.lead(pool, node, at(10), Duration.ofSeconds(30));
        }));
      }
      start.countDown();
      Set<Leadership> seen = ConcurrentHashMap.newKeySet();
      for (Future<Leadership> answer : answers) {
        seen.add(answer.get(30, TimeUnit.SECONDS));
      }

      assertThat(seen).hasSize(1);
      Leadership winner = seen.iterator().next();
      assertThat(winner.epoch()).isEqualTo(2);
      assertThat(winner.node()).isNotEqualTo("n0");
      assertThat(store.leadership(pool)).contains(winner);
    } finally {
      threads.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------- nodes, health

  @Test
  void heartbeatsRecordTheNodesAndTheirDemandAndLeaveForgetsOne() {
    store.heartbeat(pool, "n1", at(1), List.of(waiting("linux", "acme", 0, 3), waiting("windows", "acme", 0, 1)),
        false);
    store.heartbeat(pool, "n2", at(2), List.of(), true);
    store.heartbeat(pool, "n1", at(3), List.of(waiting("linux", "acme", 0, 5)), false);

    assertThat(store.nodes(pool)).containsExactlyInAnyOrder(
        new StoredNode("n1", at(3), List.of(waiting("linux", "acme", 0, 5)), false),
        new StoredNode("n2", at(2), List.of(), true));

    store.leave(pool, "n1");
    store.leave(pool, "never-seen");

    assertThat(store.nodes(pool)).containsExactly(new StoredNode("n2", at(2), List.of(), true));
  }

  @Test
  void aHeartbeatKeepsTheWaitingRequestsPerTemplateTenantAndPriorityInItsOrder() {
    List<StoredNode.Waiting> waiting = List.of(
        waiting("linux", "whale", 0, 12),
        waiting("linux", "small-1", 0, 1),
        waiting("linux", "small-1", 5, 2),
        waiting("linux", "t \"quoted\", {braced}", -3, 1),
        waiting("windows", "whale", Integer.MAX_VALUE, 4));

    store.heartbeat(pool, "n1", at(1), waiting, false);

    StoredNode n1 = store.nodes(pool).get(0);
    assertThat(n1.waiting()).containsExactlyElementsOf(waiting);
    assertThat(n1.waiting("linux")).isEqualTo(16);
    assertThat(n1.waiting("windows")).isEqualTo(4);
    assertThat(n1.waiting("macos")).isZero();
  }

  private static StoredNode.Waiting waiting(String template, String tenant, int priority, int count) {
    return new StoredNode.Waiting(template, tenant, priority, count);
  }

  @Test
  void placementHealthIsKeptPerPlacementAndReplacedWhole() {
    long epoch = leader(pool, "n1", T0);
    StoredPlacementHealth a = health("fake/a", at(1));
    StoredPlacementHealth b = health("fake/b", at(2));
    StoredPlacementHealth closedAgain = new StoredPlacementHealth("fake/a", PlacementState.CLOSED, at(120),
        Duration.ofMinutes(2), at(130), 0, List.of(), List.of(), "", null, Map.of());

    store.putPlacementHealth(pool, epoch, a);
    store.putPlacementHealth(pool, epoch, b);
    store.putPlacementHealth(pool, epoch, closedAgain);

    assertThat(store.placementHealth(pool)).containsExactlyInAnyOrder(closedAgain, b);
    assertThat(store.placementHealth("another-pool")).isEmpty();
  }

  private static StoredPlacementHealth health(String placement, Instant at) {
    return new StoredPlacementHealth(placement, PlacementState.OPEN, at.plusSeconds(120), Duration.ofMinutes(4), null,
        0, List.of(at.minusSeconds(10), at), List.of(at), "ServerBusy", at.plusSeconds(30),
        Map.of("Standard_D2s", at.plusSeconds(900)));
  }

  // ---------------------------------------------------------------------------------------------- isolation

  @Test
  void poolsDoNotSeeEachOther() {
    String other = freshPoolId();
    store.open(other);
    long epoch = leader(pool, "n1", T0);
    store.insert(pool, epoch, idle("w1", "fake/a", null, at(-50)));
    store.heartbeat(pool, "n1", T0, List.of(waiting("linux", "acme", 0, 1)), false);
    store.putPlacementHealth(pool, epoch, health("fake/a", at(1)));

    assertThat(store.workers(other)).isEmpty();
    assertThat(store.nodes(other)).isEmpty();
    assertThat(store.placementHealth(other)).isEmpty();
    assertThat(store.leadership(other)).isEmpty();
    assertThat(store.grant(other, query("acme", "l1", "fake/a"))).isEmpty();
    assertThatThrownBy(() -> store.insert(other, epoch, idle("w1", "fake/a", null, at(-50))))
        .isInstanceOf(StaleLeaderException.class);

    long otherEpoch = leader(other, "n9", T0);
    assertThat(store.insert(other, otherEpoch, idle("w1", "fake/b", null, at(-50)))).isTrue();
    assertThat(store.delete(other, otherEpoch, "w1", 0)).isTrue();
    assertThat(store.workers(pool)).extracting(StoredWorker::id).containsExactly("w1");
  }

  // ---------------------------------------------------------------------------------------------- bad input

  @Test
  void nullArgumentsAreRejectedNamingTheField() {
    Instant now = T0;
    GrantQuery q = query("acme", "l1", "fake/a");
    List<Runnable> calls = List.of(
        () -> store.open(null),
        () -> store.workers(null),
        () -> store.grant(null, q),
        () -> store.release(null, "w1", 1, true, now, null),
        () -> store.renew(null, "w1", 1, now),
        () -> store.insert(null, 1, idle("w1", "fake/a", null, now)),
        () -> store.replace(null, 1, idle("w1", "fake/a", null, now)),
        () -> store.delete(null, 1, "w1", 0),
        () -> store.lead(null, "n1", now, Duration.ofSeconds(1)),
        () -> store.leadership(null),
        () -> store.resign(null, "n1", 1, now),
        () -> store.heartbeat(null, "n1", now, List.of(), false),
        () -> store.leave(null, "n1"),
        () -> store.nodes(null),
        () -> store.putPlacementHealth(null, 1, health("fake/a", now)),
        () -> store.placementHealth(null));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(NullPointerException.class).hasMessageContaining("poolId");
    }
    // a leader with epoch 1, so that the fenced writes get as far as their other arguments
    assertThat(leader(pool, "n1", now)).isEqualTo(1);
    assertThatThrownBy(() -> store.grant(pool, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> store.release(pool, null, 1, true, now, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("workerId");
    assertThatThrownBy(() -> store.renew(pool, null, 1, now)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("workerId");
    assertThatThrownBy(() -> store.renew(pool, "w1", 1, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> store.insert(pool, 1, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("worker");
    assertThatThrownBy(() -> store.replace(pool, 1, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("worker");
    assertThatThrownBy(() -> store.delete(pool, 1, null, 0)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("workerId");
    assertThatThrownBy(() -> store.lead(pool, null, now, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("node");
    assertThatThrownBy(() -> store.lead(pool, "n1", null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("now");
    assertThatThrownBy(() -> store.lead(pool, "n1", now, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> store.putPlacementHealth(pool, 1, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("health");
    assertThatThrownBy(() -> store.heartbeat(pool, "n1", now, null, false)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("waiting");
    assertThat(store.workers(pool)).isEmpty();
    assertThat(store.placementHealth(pool)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------- concurrency

  @Test
  void racingGrantsAndReleasesNeverGrantOneWorkerTwiceAtOnce() throws Exception {
    int workers = 3;
    int threads = 8;
    int rounds = concurrencyRounds();
    StoredWorker[] rows = new StoredWorker[workers];
    Map<String, AtomicBoolean> held = new ConcurrentHashMap<>();
    for (int i = 0; i < workers; i++) {
      rows[i] = idle("w" + i, i % 2 == 0 ? "fake/a" : "fake/b", null, at(-50 + i));
      held.put(rows[i].id(), new AtomicBoolean());
    }
    insertAll(pool, rows);
    Set<String> tokens = ConcurrentHashMap.newKeySet();
    AtomicInteger granted = new AtomicInteger();
    List<String> violations = new ArrayList<>();

    ExecutorService pool8 = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String node = "node-" + t;
        done.add(pool8.submit(() -> {
          start.await();
          for (int r = 0; r < rounds; r++) {
            Optional<StoredWorker> got = store.grant(pool, new GrantQuery("linux", List.of("fake/a", "fake/b"),
                "acme", node, node + "-" + r, at(r), null));
            if (got.isEmpty()) {
              continue;
            }
            StoredWorker w = got.get();
            granted.incrementAndGet();
            if (!held.get(w.id()).compareAndSet(false, true)) {
              synchronized (violations) {
                violations.add(w.id() + " granted while held (token " + w.grants() + ")");
              }
            }
            if (!tokens.add(w.id() + "#" + w.grants())) {
              synchronized (violations) {
                violations.add(w.id() + " token " + w.grants() + " granted twice");
              }
            }
            held.get(w.id()).set(false);
            if (store.release(pool, w.id(), w.grants(), true, at(r), null).isEmpty()) {
              synchronized (violations) {
                violations.add(w.id() + " lease " + w.grants() + " ended by someone else");
              }
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool8.shutdownNow();
    }

    assertThat(violations).isEmpty();
    assertThat(granted.get()).isPositive();
    List<StoredWorker> end = store.workers(pool);
    assertThat(end).hasSize(workers).allSatisfy(w -> {
      assertThat(w.state()).isEqualTo(State.IDLE);
      assertThat(w.holder()).isNull();
      assertThat(w.generation()).isEqualTo(2 * w.grants());
    });
    assertThat(end.stream().mapToLong(StoredWorker::grants).sum()).isEqualTo(granted.get());
    assertThat(tokens).hasSize(granted.get());
  }
}
