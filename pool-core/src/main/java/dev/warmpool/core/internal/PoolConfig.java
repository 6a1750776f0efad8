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

/**
 * A pool's validated, immutable configuration, as the public builder hands it to the engine.
 *
 * @param poolId the pool's id
 * @param templates templates in configuration order
 * @param placements placements in preference order
 * @param providers providers by name
 * @param clock the pool's clock
 * @param ownedClock the clock the pool created itself and must stop on close, or null
 * @param eventExecutor where listeners run
 * @param eventQueueCapacity how many undelivered events may queue before new ones are dropped
 * @param listeners listeners registered at build
 * @param controlInterval the longest time between two control passes
 * @param maxConcurrentProvisions provisions in flight per placement and template
 * @param closeGracePeriod how long close waits for live leases
 * @param deleteTimeout how long one deprovision call may take
 * @param health placement health, failover, degraded mode and retries
 * @param reconcileInterval how often the inventory is compared with the known set
 * @param orphanGracePeriod how old an unknown tagged resource must be before it is adopted or deleted
 * @param keepWarmPool whether close keeps idle workers and a start adopts the previous generation's
 */
public record PoolConfig(String poolId, List<WorkerTemplate> templates, List<Placement> placements,
    Map<String, WorkerProvider> providers, PoolClock clock, SystemClock ownedClock, Executor eventExecutor,
    int eventQueueCapacity, List<PoolListener> listeners, Duration controlInterval, int maxConcurrentProvisions,
    Duration closeGracePeriod, Duration deleteTimeout, HealthPolicy health, Duration reconcileInterval,
    Duration orphanGracePeriod, boolean keepWarmPool) {}
