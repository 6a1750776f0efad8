package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * A pool's validated, immutable configuration, as the public builder hands it to the engine. Each rule lives in the
 * record it checks ({@link PoolLimits}, {@link PlacementHealthPolicy}, {@link CallRetryPolicy},
 * {@link ForecastPolicy}, {@link NodeSettings}); this record only groups them.
 *
 * @param poolId the pool's id
 * @param templates templates in configuration order
 * @param placements placements in preference order
 * @param providers providers by name
 * @param clock the pool's clock
 * @param ownedClock the clock the pool created itself and must stop on close, or null
 * @param eventExecutor where listeners run
 * @param ownedEvents the event thread the pool created itself and must stop on close, or null
 * @param listeners listeners registered at build
 * @param limits the control loop's pace and bounds
 * @param health placement health, failover and degraded mode
 * @param retries per-call retries
 * @param forecast depletion forecasts and failure-burst alerts
 */
public record PoolConfig(String poolId, List<WorkerTemplate> templates, List<Placement> placements,
    Map<String, WorkerProvider> providers, PoolClock clock, SystemClock ownedClock, Executor eventExecutor,
    ExecutorService ownedEvents, List<PoolListener> listeners, PoolLimits limits, PlacementHealthPolicy health,
    CallRetryPolicy retries, ForecastPolicy forecast) {

  Duration controlInterval() {
    return limits.controlInterval();
  }

  int maxConcurrentProvisions() {
    return limits.maxConcurrentProvisions();
  }

  Duration closeGracePeriod() {
    return limits.closeGracePeriod();
  }

  Duration deleteTimeout() {
    return limits.deleteTimeout();
  }

  Duration reconcileInterval() {
    return limits.reconcileInterval();
  }

  Duration orphanGracePeriod() {
    return limits.orphanGracePeriod();
  }

  boolean keepWarmPool() {
    return limits.keepWarmPool();
  }

  int eventQueueCapacity() {
    return limits.eventQueueCapacity();
  }
}
