package dev.warmpool.core.internal;

import dev.warmpool.api.Alert;
import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.PoolEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The pool's raised alerts, deduplicated by key: raising a raised alert does nothing until it is cleared.
 *
 * <p>Raised and cleared by the engine's serial runner; read by snapshots from any thread.
 */
final class Alerts {

  private final String poolId;
  private final Map<String, Alert> raised = new ConcurrentHashMap<>();
  private final Consumer<PoolEvent> publish;

  Alerts(String poolId, Consumer<PoolEvent> publish) {
    this.poolId = poolId;
    this.publish = publish;
  }

  boolean isRaised(String key) {
    return raised.containsKey(key);
  }

  /** When the alert with this key was raised, or null if it is not. */
  Instant raisedAt(String key) {
    Alert a = raised.get(key);
    return a == null ? null : a.raisedAt();
  }

  /** Raises an alert unless one with the key is raised; raises it again if its severity went up. */
  void raise(String key, AlertSeverity severity, String message, Instant now) {
    Alert old = raised.get(key);
    if (old != null && old.severity().compareTo(severity) >= 0) {
      return;
    }
    Alert alert = new Alert(key, severity, message, now);
    raised.put(key, alert);
    if (severity == AlertSeverity.INFO) {
      PoolLog.info(poolId).kv("alert", key).log("alert raised: {}", message);
    } else {
      PoolLog.warn(poolId).kv("alert", key).log("{} alert raised: {}", severity, message);
    }
    publish.accept(new PoolEvent.AlertRaised(poolId, now, alert));
  }

  void clear(String key, Instant now) {
    Alert alert = raised.remove(key);
    if (alert != null) {
      PoolLog.info(poolId).kv("alert", key).log("alert cleared");
      publish.accept(new PoolEvent.AlertCleared(poolId, now, alert));
    }
  }

  List<Alert> raised() {
    List<Alert> all = new ArrayList<>(raised.values());
    all.sort((a, b) -> a.raisedAt().compareTo(b.raisedAt()) != 0 ? a.raisedAt().compareTo(b.raisedAt())
        : a.key().compareTo(b.key()));
    return all;
  }
}
