package dev.warmpool.spring;

import dev.warmpool.api.Alert;
import dev.warmpool.api.AlertSeverity;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.TemplateStatus;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.api.WorkerPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * A pool's health from its {@link WorkerPool#snapshot() snapshot}.
 *
 * <ul>
 *   <li>DOWN when the pool is closing or closed, when the snapshot fails, or while a shared pool cannot reach its
 *       store (alert {@code store-unavailable}): the pool grants no new lease.</li>
 *   <li>The degraded status ({@code DEGRADED} by default, or {@code OUT_OF_SERVICE}) while it serves but not at full
 *       strength: a placement is open or half-open, a template is degraded (no placement can provision it), or a
 *       critical alert is raised.</li>
 *   <li>UP otherwise.</li>
 * </ul>
 * Details: the pool's counts and waiting requests, each template's counts, degraded flag and forecast, the placements
 * that are not closed, and the active alerts.
 *
 * <p>Thread-safe: each call takes one snapshot.
 */
final class WorkerPoolHealthIndicator implements HealthIndicator {
  static final String STORE_UNAVAILABLE = "store-unavailable";

  private final WorkerPool pool;
  private final BooleanSupplier closing;
  private final Status degraded;

  WorkerPoolHealthIndicator(WorkerPool pool, BooleanSupplier closing, Status degraded) {
    this.pool = pool;
    this.closing = closing;
    this.degraded = degraded;
  }

  @Override
  public Health health() {
    if (closing.getAsBoolean()) {
      return Health.down().withDetail("pool", pool.id()).withDetail("closed", true).build();
    }
    PoolSnapshot s;
    try {
      s = pool.snapshot();
    } catch (RuntimeException e) {
      return Health.down(e).withDetail("pool", pool.id()).build();
    }
    List<PlacementStatus> open = s.placements().stream().filter(p -> p.state() != PlacementState.CLOSED).toList();
    boolean storeDown = s.alerts().stream().anyMatch(a -> a.key().startsWith(STORE_UNAVAILABLE));
    boolean anyDegraded = s.templates().stream().anyMatch(TemplateStatus::degraded) || !open.isEmpty()
        || s.alerts().stream().anyMatch(a -> a.severity() == AlertSeverity.CRITICAL);
    Health.Builder h = storeDown ? Health.down() : anyDegraded ? Health.status(degraded) : Health.up();
    h.withDetail("pool", s.poolId());
    h.withDetail("counts", counts(s.total()));
    h.withDetail("waiting", s.waiting());
    Map<String, Object> templates = new LinkedHashMap<>();
    Map<String, Object> forecasts = new LinkedHashMap<>();
    for (TemplateStatus t : s.templates()) {
      Map<String, Object> d = new LinkedHashMap<>(counts(t.total()));
      d.put("waiting", t.waiting());
      d.put("degraded", t.degraded());
      templates.put(t.template(), d);
      t.forecast().ifPresent(f -> {
        Map<String, Object> fd = new LinkedHashMap<>();
        fd.put("message", f.message());
        f.timeToEmpty().ifPresent(tte -> fd.put("timeToEmpty", tte.toString()));
        forecasts.put(t.template(), fd);
      });
    }
    h.withDetail("templates", templates);
    Map<String, Object> placements = new LinkedHashMap<>();
    for (PlacementStatus p : open) {
      placements.put(p.placement().key(), p.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    h.withDetail("openPlacements", placements);
    h.withDetail("alerts", s.alerts().stream().map(WorkerPoolHealthIndicator::alert).toList());
    h.withDetail("forecasts", forecasts);
    return h.build();
  }

  private static Map<String, Object> counts(WorkerCounts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("idle", c.idle());
    m.put("leased", c.leased());
    m.put("provisioning", c.provisioning());
    m.put("draining", c.draining());
    m.put("deleting", c.deleting());
    return m;
  }

  private static Map<String, Object> alert(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", a.key());
    m.put("severity", a.severity().name());
    m.put("message", a.message());
    m.put("raisedAt", a.raisedAt().toString());
    return m;
  }
}
