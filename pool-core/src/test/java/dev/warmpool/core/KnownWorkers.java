package dev.warmpool.core;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.PoolListener;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The workers a pool says it holds, as its events tell them: provisioned or adopted, and not yet deprovisioned or
 * lost. Also keeps every event for the test to look at.
 */
final class KnownWorkers implements PoolListener {
  final Set<String> ready = ConcurrentHashMap.newKeySet();
  final List<PoolEvent> events = new CopyOnWriteArrayList<>();
  final Map<String, String> lostLeases = new ConcurrentHashMap<>();

  @Override
  public void onEvent(PoolEvent event) {
    events.add(event);
    if (event instanceof PoolEvent.WorkerProvisioned e) {
      ready.add(e.workerId());
    } else if (event instanceof PoolEvent.OrphanAdopted e) {
      ready.add(e.workerId());
    } else if (event instanceof PoolEvent.WorkerDeprovisioned e) {
      ready.remove(e.workerId());
    } else if (event instanceof PoolEvent.WorkerLost e) {
      ready.remove(e.workerId());
      e.leaseId().ifPresent(id -> lostLeases.put(id, e.workerId()));
    }
  }

  <T extends PoolEvent> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
