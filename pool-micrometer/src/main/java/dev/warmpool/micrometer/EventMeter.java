package dev.warmpool.micrometer;

/**
 * The counters and timers that {@link PoolMeters} keeps from a pool's events, with the tags each one carries besides
 * {@code pool} and the user's tags. One place lists them so that the javadoc of {@link WarmpoolMetrics}, the
 * table in docs/metrics-and-health.md and the tests can be checked against it.
 */
enum EventMeter {
  LEASES_GRANTED("warmpool.leases.granted", "Leases granted", Type.COUNTER, true, true, null),
  LEASES_RELEASED("warmpool.leases.released", "Leases ended by their holder (released or discarded)", Type.COUNTER,
      true, false, "discarded"),
  LEASES_EXPIRED("warmpool.leases.expired", "Leases reclaimed after passing their expiry", Type.COUNTER, true, false,
      null),
  LEASES_TIMED_OUT("warmpool.leases.timed.out",
      "Lease requests that failed: waited their maximum, no eligible placement, or the pool closed", Type.COUNTER, true,
      false, null),
  LEASE_WAIT("warmpool.leases.wait", "How long granted lease requests waited", Type.TIMER, true, true, null),
  WORKERS_PROVISIONED("warmpool.workers.provisioned", "Workers created and ready", Type.COUNTER, true, true, null),
  PROVISIONING_FAILURES("warmpool.provisioning.failures", "Provisions that failed, by failure kind", Type.COUNTER,
      true, true, "kind"),
  PROVISIONING_LATENCY("warmpool.provisioning.latency", "How long successful provisions took", Type.TIMER, true, true,
      null),
  WORKERS_DEPROVISIONED("warmpool.workers.deprovisioned", "Workers destroyed", Type.COUNTER, true, true, null),
  DEPROVISIONING_FAILURES("warmpool.deprovisioning.failures", "Deprovisions that failed and will be retried",
      Type.COUNTER, false, true, "kind"),
  WORKERS_LOST("warmpool.workers.lost", "Workers that vanished from the provider's inventory", Type.COUNTER, true, true,
      null),
  ORPHANS_ADOPTED("warmpool.orphans.adopted", "Resources that reconciliation found and took into the pool",
      Type.COUNTER, false, true, null),
  ORPHANS_REMOVED("warmpool.orphans.removed", "Tagged resources that nobody owned, deleted by reconciliation",
      Type.COUNTER, false, true, null),
  PLACEMENT_TRANSITIONS("warmpool.placement.transitions", "Placement health changes, by the state entered",
      Type.COUNTER, false, true, "state"),
  FAILOVERS("warmpool.failovers", "Times a template's warm target moved away from a placement", Type.COUNTER, true,
      true, null),
  FAILBACKS("warmpool.failbacks", "Times a template's warm target went back to its preferred placement", Type.COUNTER,
      true, true, null),
  DEGRADATIONS("warmpool.degradations", "Times a template entered degraded mode", Type.COUNTER, true, false, null),
  ALERTS_RAISED("warmpool.alerts.raised", "Alerts raised, by severity", Type.COUNTER, false, false, "severity"),
  LEADERSHIP_CHANGES("warmpool.leadership.changes", "Times this node of a shared pool took or gave up its leadership,"
      + " by change", Type.COUNTER, false, false, "change"),
  TEMPLATE_CHANGES("warmpool.template.changes", "Run-time changes of a template, by change (added, changed,"
      + " new-version, removed)", Type.COUNTER, true, false, "change"),
  ROLLOUT_REPLACED("warmpool.rollout.replaced", "Workers of an old version (or a drained placement) that a roll"
      + " removed while idle", Type.COUNTER, true, false, null),
  ROLLOUTS_FINISHED("warmpool.rollouts.finished", "Rolls that finished: no worker of another version left",
      Type.COUNTER, true, false, null),
  PLACEMENT_DRAINS("warmpool.placement.drains", "Times a placement started draining", Type.COUNTER, false, true,
      null);

  /** Counter or timer. */
  enum Type {
    COUNTER,
    TIMER
  }

  final String meterName;
  final String description;
  final Type type;
  final boolean template;
  final boolean placement;
  /** The name of the third tag, or null when there is none. */
  final String extraTag;

  EventMeter(String meterName, String description, Type type, boolean template, boolean placement, String extraTag) {
    this.meterName = meterName;
    this.description = description;
    this.type = type;
    this.template = template;
    this.placement = placement;
    this.extraTag = extraTag;
  }
}
