package dev.warmpool.fake;

import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One resource of the fake cloud's inventory, with the callers waiting for its creation or deletion.
 *
 * <p>Not thread-safe: mutable, guarded by the cloud's lock. Tests see it as an immutable {@link FakeResource}.
 */
final class CloudResource {
  final String id;
  final String region;
  final String poolId;
  final String workerId;
  final String size;
  final Map<String, String> tags;
  final Instant createdAt;
  final String address;
  ResourceState state = ResourceState.CREATING;
  /** Deletes under way that will fail; the resource lists as deleting meanwhile. */
  int failingDeletes;
  Instant readyAt;
  Instant goneAt;
  PoolClock.Scheduled creation;
  PoolClock.Scheduled deletion;
  final List<Waiter<ProvisionedWorker>> createWaiters = new ArrayList<>();
  final List<Waiter<Void>> deleteWaiters = new ArrayList<>();

  CloudResource(String id, String region, ProvisionRequest req, Instant createdAt, String address) {
    this.id = id;
    this.region = region;
    this.poolId = req.poolId();
    this.workerId = req.workerId();
    this.size = req.template().size();
    this.tags = req.tags();
    this.createdAt = createdAt;
    this.address = address;
  }

  static String id(String region, String poolId, String workerId) {
    return "fake:" + region + "/" + poolId + "/" + workerId;
  }

  boolean taggedWith(String pool) {
    return pool.equals(tags.get(WorkerTags.POOL));
  }

  /** Running, with no delete under way or failing: what a keep-warm pool leaves behind on purpose. */
  boolean settled() {
    return state == ResourceState.RUNNING && failingDeletes == 0;
  }

  Map<String, String> attributes() {
    return Map.of("ip", address, "region", region, "name", workerId + "-" + region);
  }

  ProvisionedWorker worker() {
    return new ProvisionedWorker(id, attributes());
  }

  ProviderResource listed() {
    Map<String, String> attributes = new LinkedHashMap<>(attributes());
    attributes.put("state", failingDeletes > 0 ? ResourceState.DELETING.attribute() : state.attribute());
    return new ProviderResource(id, region, tags, Optional.of(createdAt), attributes);
  }

  FakeResource view() {
    return new FakeResource(id, region, poolId, workerId, size, tags, createdAt, state);
  }

  /**
   * A caller waiting for a resource's creation or deletion. A deaf waiter (the caller of a hang-then-create-late
   * provision) is not answered by the creation: only its deadline answers it.
   */
  static final class Waiter<T> {
    final CompletableFuture<T> future;
    final CallLog.Entry entry;
    final boolean deaf;
    PoolClock.Scheduled deadlineTask;

    Waiter(CompletableFuture<T> future, CallLog.Entry entry, boolean deaf) {
      this.future = future;
      this.entry = entry;
      this.deaf = deaf;
    }
  }
}
