package dev.warmpool.fake;

import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The fake cloud's answers to the SPI's calls, scheduled on its clock: provisions that take their latency,
 * idempotent on the worker id; deletes; lists; health probes; and deletions behind the pool's back.
 *
 * <p>Design: every call takes the cloud's one lock to log itself, ask the {@link FaultEngine}, and change the
 * {@link Inventory}; every answer is a clock task, so a future never completes on the caller's thread, and futures
 * are completed outside the lock. A caller waiting for a creation or deletion is a {@link CloudResource.Waiter} on
 * the resource, answered by the creation, the deletion, or its own deadline, whichever comes first.
 *
 * <p>Thread-safe: state is guarded by {@link #lock}.
 */
final class ControlPlane {
  /** Guards the inventory, the call log, the fault engine and the generator. */
  final Object lock = new Object();
  final Inventory inventory = new Inventory();
  final CallLog calls = new CallLog();
  final FaultEngine faultEngine;

  private final PoolClock clock;
  private final Map<String, RegionSpec> regions;
  private final Latency deprovisionLatency;
  private final Latency listLatency;
  private final List<Fault> faults;
  private final Random random;

  /** {@return whether the cloud has this region} */
  boolean serves(String region) {
    return regions.containsKey(region);
  }

  /** {@return the cloud's regions, in the order they were declared} */
  java.util.Set<String> regionNames() {
    return regions.keySet();
  }

  ControlPlane(PoolClock clock, long seed, Map<String, RegionSpec> regions, Map<String, Map<String, Integer>> capacity,
      Latency deprovisionLatency, Latency listLatency, List<Fault> faults) {
    this.clock = clock;
    this.regions = regions;
    this.deprovisionLatency = deprovisionLatency;
    this.listLatency = listLatency;
    this.faults = faults;
    this.random = new Random(seed);
    this.faultEngine = new FaultEngine(faults, List.copyOf(regions.keySet()), capacity, random);
  }

  /** Schedules the scripted external deletions. */
  void start() {
    Instant now = clock.now();
    for (Fault fault : faults) {
      if (fault.kind() == Fault.Kind.EXTERNAL_DELETION) {
        clock.schedule(until(now, fault.start()), () -> {
          synchronized (lock) {
            for (String victim : faultEngine.externalVictims(fault, inventory)) {
              deleteExternally(victim);
            }
          }
        });
      }
    }
  }

  // ---- provision ----

  CompletableFuture<ProvisionedWorker> provision(ProvisionRequest req) {
    Objects.requireNonNull(req, "request cannot be null");
    CompletableFuture<ProvisionedWorker> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      String region = req.placement().region();
      CallLog.Entry e = calls.log(now, Operation.PROVISION, region, req.poolId(), req.workerId());
      RegionSpec spec = regions.get(region);
      if (spec == null) {
        fail(Duration.ZERO, f, e, unknownRegion(region));
        return f;
      }
      String id = CloudResource.id(region, req.poolId(), req.workerId());
      ProviderException rejected = faultEngine.reject(Operation.PROVISION, region, now);
      if (rejected == null) {
        CloudResource existing = inventory.get(id);
        if (existing != null) {
          join(existing, f, e, req.deadline(), now);
          return f;
        }
        rejected = faultEngine.capacityFailure(region, req.template().size(), now, inventory);
      }
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      FaultEngine.ProvisionEffects effects = faultEngine.provision(region, now, spec.latency().sample(random));
      CloudResource res = new CloudResource(id, region, req, now, inventory.nextAddress());
      inventory.add(res);
      Duration latency = effects.lateCreation() != null ? effects.lateCreation() : effects.latency();
      if (!effects.hang()) {
        res.readyAt = now.plus(latency);
        res.creation = clock.schedule(latency, () -> created(res));
      }
      if (effects.lost()) {
        fail(Duration.ZERO, f, e, ProviderException.transientFailure("LostResponse",
            "the response to the create of " + res.id + " was lost; the create goes on"));
      } else {
        awaitCreation(res, f, e, req.deadline(), now, effects.lateCreation() != null);
      }
    }
    return f;
  }

  private void join(CloudResource res, CompletableFuture<ProvisionedWorker> f, CallLog.Entry e, Instant deadline,
      Instant now) {
    switch (res.state) {
      case RUNNING -> answer(Duration.ZERO, f, e, res.worker(), Outcome.SUCCESS, "");
      case CREATING -> awaitCreation(res, f, e, deadline, now, false);
      case DELETING -> fail(Duration.ZERO, f, e, ProviderException.transientFailure("Conflict",
          "resource " + res.id + " is being deleted"));
    }
  }

  private void awaitCreation(CloudResource res, CompletableFuture<ProvisionedWorker> f, CallLog.Entry e,
      Instant deadline, Instant now, boolean deaf) {
    CloudResource.Waiter<ProvisionedWorker> w = new CloudResource.Waiter<>(f, e, deaf);
    res.createWaiters.add(w);
    if (deaf || res.readyAt == null || res.readyAt.isAfter(deadline)) {
      w.deadlineTask = clock.schedule(until(now, deadline), () -> timedOut(res.createWaiters, w,
          "the create of " + res.id));
    }
  }

  private void created(CloudResource res) {
    List<CloudResource.Waiter<ProvisionedWorker>> waiters;
    ProvisionedWorker worker;
    synchronized (lock) {
      if (inventory.get(res.id) != res || res.state != ResourceState.CREATING) {
        return;
      }
      res.state = ResourceState.RUNNING;
      res.creation = null;
      // a deaf caller (hang-then-create-late) hears nothing from the creation: its deadline answers it
      waiters = res.createWaiters.stream().filter(w -> !w.deaf).toList();
      res.createWaiters.removeAll(waiters);
      Instant now = clock.now();
      for (CloudResource.Waiter<ProvisionedWorker> w : waiters) {
        cancel(w.deadlineTask);
        w.entry.finish(now, Outcome.SUCCESS, "");
      }
      worker = res.worker();
    }
    for (CloudResource.Waiter<ProvisionedWorker> w : waiters) {
      w.future.complete(worker);
    }
  }

  // ---- deprovision ----

  CompletableFuture<Void> deprovision(DeprovisionRequest req) {
    Objects.requireNonNull(req, "request cannot be null");
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      String region = req.placement().region();
      CallLog.Entry e = calls.log(now, Operation.DEPROVISION, region, req.poolId(), req.workerId());
      if (!regions.containsKey(region)) {
        fail(Duration.ZERO, f, e, unknownRegion(region));
        return f;
      }
      ProviderException rejected = faultEngine.reject(Operation.DEPROVISION, region, now);
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      CloudResource res = req.resourceId().map(inventory::get)
          .orElseGet(() -> inventory.get(CloudResource.id(region, req.poolId(), req.workerId())));
      if (res == null) {
        answer(Duration.ZERO, f, e, null, Outcome.NOT_FOUND, "NotFound");
        return f;
      }
      FaultEngine.DeprovisionEffects effects = faultEngine.deprovision(region, now);
      Duration latency = faultEngine.scaled(Operation.DEPROVISION, region, now,
          deprovisionLatency.sample(random));
      if (effects.failing()) {
        // as on ARM, a delete that will fail still shows the resource as deleting until it does
        res.failingDeletes++;
        clock.schedule(latency, () -> {
          synchronized (lock) {
            res.failingDeletes--;
          }
        });
        fail(latency, f, e, ProviderException.transientFailure("InternalServerError",
            "the delete of " + res.id + " failed"));
        return f;
      }
      if (res.state != ResourceState.DELETING) {
        startDeletion(res, latency, now);
      }
      if (effects.lost()) {
        fail(Duration.ZERO, f, e, ProviderException.transientFailure("LostResponse",
            "the response to the delete of " + res.id + " was lost; the delete goes on"));
      } else {
        CloudResource.Waiter<Void> w = new CloudResource.Waiter<>(f, e, false);
        res.deleteWaiters.add(w);
        if (res.goneAt.isAfter(req.deadline())) {
          w.deadlineTask = clock.schedule(until(now, req.deadline()), () -> timedOut(res.deleteWaiters, w,
              "the delete of " + res.id));
        }
      }
    }
    return f;
  }

  private void startDeletion(CloudResource res, Duration latency, Instant now) {
    res.state = ResourceState.DELETING;
    cancel(res.creation);
    res.creation = null;
    cancelCreateWaiters(res);
    res.goneAt = now.plus(latency);
    res.deletion = clock.schedule(latency, () -> deleted(res));
  }

  private void cancelCreateWaiters(CloudResource res) {
    for (CloudResource.Waiter<ProvisionedWorker> w : res.createWaiters) {
      cancel(w.deadlineTask);
      fail(Duration.ZERO, w.future, w.entry, ProviderException.transientFailure("OperationCanceled",
          "resource " + res.id + " was deleted while it was being created"));
    }
    res.createWaiters.clear();
  }

  private void deleted(CloudResource res) {
    List<CloudResource.Waiter<Void>> waiters;
    synchronized (lock) {
      if (inventory.get(res.id) != res) {
        return;
      }
      inventory.remove(res.id);
      waiters = List.copyOf(res.deleteWaiters);
      res.deleteWaiters.clear();
      Instant now = clock.now();
      for (CloudResource.Waiter<Void> w : waiters) {
        cancel(w.deadlineTask);
        w.entry.finish(now, Outcome.SUCCESS, "");
      }
    }
    for (CloudResource.Waiter<Void> w : waiters) {
      w.future.complete(null);
    }
  }

  /** Removes a resource at once; see {@link FakeCloud#deleteExternally(String)}. Called under the lock. */
  boolean deleteExternally(String resourceId) {
    CloudResource res = inventory.remove(resourceId);
    if (res == null) {
      return false;
    }
    cancel(res.creation);
    cancel(res.deletion);
    cancelCreateWaiters(res);
    for (CloudResource.Waiter<Void> w : res.deleteWaiters) {
      cancel(w.deadlineTask);
      answer(Duration.ZERO, w.future, w.entry, null, Outcome.SUCCESS, "");
    }
    res.deleteWaiters.clear();
    inventory.deletedExternally(resourceId);
    return true;
  }

  // ---- reads ----

  CompletableFuture<List<ProviderResource>> list(String poolId) {
    Objects.requireNonNull(poolId, "poolId cannot be null");
    CompletableFuture<List<ProviderResource>> f = new CompletableFuture<>();
    synchronized (lock) {
      Instant now = clock.now();
      CallLog.Entry e = calls.log(now, Operation.LIST, FakeCloud.ALL_REGIONS, poolId, "");
      ProviderException rejected = faultEngine.reject(Operation.LIST, FakeCloud.ALL_REGIONS, now);
      if (rejected != null) {
        fail(Duration.ZERO, f, e, rejected);
        return f;
      }
      Duration latency = faultEngine.scaled(Operation.LIST, FakeCloud.ALL_REGIONS, now, listLatency.sample(random));
      clock.schedule(latency, () -> {
        List<ProviderResource> found;
        synchronized (lock) {
          found = inventory.taggedWith(poolId).stream().map(CloudResource::listed).toList();
          e.finish(clock.now(), Outcome.SUCCESS, "");
        }
        f.complete(found);
      });
    }
    return f;
  }

  CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    if (resource == null) {
      f.complete(false);
      return f;
    }
    clock.schedule(Duration.ZERO, () -> {
      boolean running;
      synchronized (lock) {
        CloudResource res = inventory.get(resource.resourceId());
        running = res != null && res.state == ResourceState.RUNNING;
      }
      f.complete(running);
    });
    return f;
  }

  // ---- answers ----

  private <T> void answer(Duration delay, CompletableFuture<T> f, CallLog.Entry e, T value, Outcome outcome,
      String code) {
    clock.schedule(delay, () -> {
      synchronized (lock) {
        e.finish(clock.now(), outcome, code);
      }
      f.complete(value);
    });
  }

  private void fail(Duration delay, CompletableFuture<?> f, CallLog.Entry e, ProviderException ex) {
    clock.schedule(delay, () -> {
      synchronized (lock) {
        e.finish(clock.now(), Outcome.of(ex.kind()), ex.code());
      }
      f.completeExceptionally(ex);
    });
  }

  private <T> void timedOut(List<CloudResource.Waiter<T>> waiters, CloudResource.Waiter<T> w, String what) {
    ProviderException ex = ProviderException.transientFailure("OperationTimedOut",
        what + " did not finish by the request's deadline; it goes on in the cloud");
    synchronized (lock) {
      if (!waiters.remove(w)) {
        return;
      }
      w.entry.finish(clock.now(), Outcome.TRANSIENT, ex.code());
    }
    w.future.completeExceptionally(ex);
  }

  private static ProviderException unknownRegion(String region) {
    return ProviderException.invalid("LocationNotAvailableForResourceType",
        "region \"" + region + "\" is not a region of this fake cloud");
  }

  private static Duration until(Instant now, Instant deadline) {
    return deadline.isAfter(now) ? Duration.between(now, deadline) : Duration.ZERO;
  }

  private static void cancel(PoolClock.Scheduled task) {
    if (task != null) {
      task.cancel();
    }
  }
}
