package dev.warmpool.api;

/**
 * Where a worker is in its life, as counted in {@link PoolSnapshot}.
 *
 * @since 0.1
 */
public enum WorkerState {
  /** The provider is creating it. */
  PROVISIONING,
  /** Ready and waiting for a lease. */
  IDLE,
  /** Held by a live lease. */
  LEASED,
  /** Held by a lease, and will be destroyed when the lease ends (recycled by age, failback or close). */
  DRAINING,
  /** Being destroyed. */
  DELETING
}
