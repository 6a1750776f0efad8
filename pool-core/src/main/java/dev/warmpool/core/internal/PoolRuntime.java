package dev.warmpool.core.internal;

import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolEvent;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every room of the engine shares: the pool's id, clock, configuration, event bus, alerts, serial runner and
 * whether the pool is closing.
 *
 * <p>Design: the rooms (placement board, failover, degraded mode, provisioner, deleter, reconciler, depletion watch,
 * waiters) each keep their own state private and reach each other only through their methods; this holder carries
 * the services none of them owns. Thread-safe: every field is final or thread-safe itself.
 */
final class PoolRuntime {
  final String poolId;
  final PoolClock clock;
  final PoolConfig config;
  final EventBus events;
  final Alerts alerts;
  /** The pacers of every placement's writes (provisions and deletes). */
  final WritePacing pacing;
  final AtomicBoolean closing = new AtomicBoolean();
  /**
   * Whether the pool destroys what it has rather than keep it: a closing pool on the local ledger, or the last node
   * of a shared pool as it closes (a node that closes while others stay keeps what its holders release).
   */
  volatile boolean draining;
  private SerialRunner runner;

  PoolRuntime(PoolConfig config) {
    this.config = config;
    this.poolId = config.poolId();
    this.clock = config.clock();
    this.events = new EventBus(config.eventExecutor(), config.eventQueueCapacity());
    config.listeners().forEach(events::add);
    this.alerts = new Alerts(poolId, this::publish);
    this.pacing = new WritePacing(clock, config.retries().maxRetryAfter());
  }

  /** Set once by the engine, whose control pass the runner runs. */
  void runner(SerialRunner runner) {
    this.runner = runner;
  }

  SerialRunner runner() {
    return runner;
  }

  boolean closing() {
    return closing.get();
  }

  boolean draining() {
    return draining;
  }

  /** Publishes a control-path event; the lease path checks {@link EventBus#active()} before it builds one. */
  void publish(PoolEvent e) {
    if (events.active()) {
      events.publish(e);
    }
  }
}
