package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.InMemoryPoolStore;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.NodeClock;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.PoolStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * "A later holder always has a larger token", across a close and a warm restart that adopts the previous run's
 * worker, and across a crash, on the local ledger and on a store (the same store, or a store that lost its rows).
 */
class FencingTokenTest {
  private final VirtualClock clock = new VirtualClock();
  private final FakeCloud cloud = FakeCloud.builder().seed(1).clock(clock)
      .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(2)))
      .build();

  private WorkerPool pool(PoolClock c, PoolStore store, String node) {
    WorkerPools.Builder b = WorkerPools.builder().poolId("tokens").clock(c)
        .template(WorkerTemplate.builder("linux").warmTarget(1).maxTotal(1).maxUses(100).build())
        .provider("fake", cloud.provider())
        .reconcileInterval(Duration.ofMinutes(5))
        .orphanGracePeriod(Duration.ofMinutes(5))
        .keepWarmPool(true);
    cloud.placements().forEach(b::placement);
    if (store != null) {
      b.store(store).nodeId(node);
    }
    return b.build();
  }

  /** Leases the pool's one worker a few times; returns the last token. */
  private long leaseSeveralTimes(WorkerPool pool, String workerId) {
    long last = 0;
    for (int i = 0; i < 3; i++) {
      Lease l = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
      if (workerId != null) {
        assertThat(l.worker().id()).as("the previous run's worker, adopted").isEqualTo(workerId);
      }
      assertThat(l.fencingToken()).as("tokens grow").isGreaterThan(last);
      last = l.fencingToken();
      l.close();
    }
    return last;
  }

  private String onlyWorker(WorkerPool pool) {
    Lease l = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
    String id = l.worker().id();
    l.close();
    return id;
  }

  private void laterRunContinuesAbove(long before, String workerId, PoolClock c, PoolStore store, String node)
      throws Exception {
    WorkerPool next = pool(c, store, node);
    clock.advance(Duration.ofMinutes(3)); // reconciliation adopts the worker (after its health probe)
    Lease l = next.tryLease(LeaseRequest.of("linux")).orElseThrow();
    assertThat(l.worker().id()).as("the same worker, adopted or kept").isEqualTo(workerId);
    assertThat(l.fencingToken()).as("a later holder's token").isGreaterThan(before);
    l.close();
    clock.await(next.closeAsync(), Duration.ofHours(1));
  }

  @Test
  void aWarmRestartOfOneNodeContinuesAboveTheTokensOfTheRunBefore() throws Exception {
    WorkerPool first = pool(clock, null, null);
    clock.advance(Duration.ofMinutes(3));
    String worker = onlyWorker(first);
    long before = leaseSeveralTimes(first, worker);
    clock.await(first.closeAsync(), Duration.ofHours(1)); // keeps its idle worker for the next start
    clock.advance(Duration.ofSeconds(1));

    laterRunContinuesAbove(before, worker, clock, null, null);
  }

  @Test
  void aRestartAfterACrashOfOneNodeContinuesAboveTheTokensOfTheRunBefore() throws Exception {
    NodeClock crashing = new NodeClock(clock);
    WorkerPool first = pool(crashing, null, null);
    clock.advance(Duration.ofMinutes(3));
    String worker = onlyWorker(first);
    long before = leaseSeveralTimes(first, worker);
    crashing.crash(); // the JVM is gone: nothing of it runs again, its worker stays in the cloud
    clock.advance(Duration.ofSeconds(1));

    laterRunContinuesAbove(before, worker, clock, null, null);
  }

  @Test
  void aNodeOfASharedPoolThatTakesOverFromACrashedOneContinuesAboveItsTokens() throws Exception {
    PoolStore store = new InMemoryPoolStore();
    NodeClock crashing = new NodeClock(clock);
    WorkerPool first = pool(crashing, store, "a");
    clock.advance(Duration.ofMinutes(3));
    String worker = onlyWorker(first);
    long before = leaseSeveralTimes(first, worker);
    crashing.crash();
    clock.advance(Duration.ofSeconds(1));

    laterRunContinuesAbove(before, worker, clock, store, "b");
  }

  @Test
  void aSharedPoolRestartedOnAStoreThatLostItsRowsAdoptsAboveTheTokensOfTheRunBefore() throws Exception {
    WorkerPool first = pool(clock, new InMemoryPoolStore(), "a");
    clock.advance(Duration.ofMinutes(3));
    String worker = onlyWorker(first);
    long before = leaseSeveralTimes(first, worker);
    clock.await(first.closeAsync(), Duration.ofHours(1)); // the last node keeps the warm pool
    clock.advance(Duration.ofSeconds(1));

    laterRunContinuesAbove(before, worker, clock, new InMemoryPoolStore(), "b");
  }
}
