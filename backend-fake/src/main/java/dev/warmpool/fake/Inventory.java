package dev.warmpool.fake;

import dev.warmpool.spi.WorkerTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fake cloud's resources by id, and what the cloud knows about the pools that own them: which pools closed,
 * which pools keep their warm stock on close, and which resources those kept.
 *
 * <p>Design: kept and leaked are told apart when a pool's provider closes, not when a test asks. A pool declared
 * keep-warm ({@link FakeCloud#declareKeepWarm(String)}) keeps the resources that are running with no delete under
 * way at that moment: those are the idle workers that {@code keepWarmPool(true)} leaves for the next start, which
 * adopts them. Whatever else of a closed pool stays in the inventory is a leak: a resource still creating or
 * deleting at close, one with a failing delete, one created by a call made after close. The kept set holds resource
 * objects, not ids, so a resource deleted and made again under the same id is not kept by the earlier close.
 *
 * <p>Not thread-safe: guarded by the cloud's lock.
 */
final class Inventory {
  private final TreeMap<String, CloudResource> byId = new TreeMap<>();
  private final Set<String> closedPools = new TreeSet<>();
  private final Set<String> keepWarmPools = new TreeSet<>();
  private final Map<String, Set<CloudResource>> kept = new HashMap<>();
  private final List<String> externallyDeleted = new ArrayList<>();
  private long addresses;

  CloudResource get(String id) {
    return byId.get(id);
  }

  void add(CloudResource res) {
    byId.put(res.id, res);
  }

  CloudResource remove(String id) {
    return byId.remove(id);
  }

  Collection<CloudResource> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  /** How many resources a region (or the whole cloud, for null) holds of a size (or of any, for null). */
  int count(String region, String size) {
    int n = 0;
    for (CloudResource r : byId.values()) {
      if ((region == null || r.region.equals(region)) && (size == null || r.size.equals(size))) {
        n++;
      }
    }
    return n;
  }

  List<CloudResource> taggedWith(String poolId) {
    return byId.values().stream().filter(r -> r.taggedWith(poolId)).toList();
  }

  String nextAddress() {
    long n = ++addresses;
    return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  void deletedExternally(String id) {
    externallyDeleted.add(id);
  }

  List<String> externallyDeleted() {
    return List.copyOf(externallyDeleted);
  }

  void declareKeepWarm(String poolId) {
    keepWarmPools.add(poolId);
  }

  Set<String> keepWarmPools() {
    return Set.copyOf(keepWarmPools);
  }

  /** A provider of these pools closed: each is closed, and a keep-warm pool keeps what is settled now. */
  void closed(Collection<String> pools) {
    for (String pool : pools) {
      closedPools.add(pool);
      if (keepWarmPools.contains(pool)) {
        Set<CloudResource> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        for (CloudResource r : taggedWith(pool)) {
          if (r.settled()) {
            keep.add(r);
          }
        }
        kept.put(pool, keep);
      } else {
        kept.remove(pool);
      }
    }
  }

  Set<String> closedPools() {
    return Set.copyOf(closedPools);
  }

  private String poolOf(CloudResource r) {
    return r.tags.get(WorkerTags.POOL);
  }

  private boolean isKept(CloudResource r) {
    Set<CloudResource> keep = kept.get(poolOf(r));
    return keep != null && keep.contains(r);
  }

  List<FakeResource> leaked() {
    return byId.values().stream().filter(r -> closedPools.contains(poolOf(r)) && !isKept(r))
        .map(CloudResource::view).toList();
  }

  List<FakeResource> kept() {
    return byId.values().stream().filter(r -> closedPools.contains(poolOf(r)) && isKept(r))
        .map(CloudResource::view).toList();
  }
}
