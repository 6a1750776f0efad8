package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.LeaseTimeoutException;
import dev.warmpool.api.NoEligiblePlacementException;
import dev.warmpool.api.PoolClosedException;
import dev.warmpool.api.StoreUnavailableLeaseException;
import dev.warmpool.api.WarmpoolException;
import dev.warmpool.api.WorkerCounts;
import dev.warmpool.spi.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The exceptions a lease request fails with, each carrying the pool, template, tenant, waited time, counts and (the
 * HikariCP model) the cause that explains it: the store's failure while it is away, else the template's last
 * provisioning failure. A node of a shared pool that does not lead has not seen the failures itself; it names what
 * the leader's placement health (kept in the store) says instead. Thread-safe.
 */
final class LeaseFailures {
  private final String poolId;
  private final Function<TemplateRuntime, WorkerCounts> counts;
  private final Supplier<StoreUnavailableException> down;

  LeaseFailures(String poolId, Function<TemplateRuntime, WorkerCounts> counts,
      Supplier<StoreUnavailableException> down) {
    this.poolId = poolId;
    this.counts = counts;
    this.down = down;
  }

  LeaseTimeoutException timeout(TemplateRuntime t, LeaseRequest r, Duration waited) {
    StoreUnavailableException d = down.get();
    return new LeaseTimeoutException("no worker within the maximum wait of " + r.maxWait()
        + (d != null ? "; the store is unavailable" : ""), poolId, t.name(), r.tenant(), waited, counts.apply(t),
        t.waiting(), d != null ? d : provisioningFailure(t));
  }

  StoreUnavailableLeaseException unavailable(TemplateRuntime t, LeaseRequest r, StoreUnavailableException cause) {
    return new StoreUnavailableLeaseException("the pool's store is unavailable, so no lease can be granted; leases"
        + " already granted keep working and the pool retries the store by itself", poolId, t.name(), r.tenant(),
        Duration.ZERO, counts.apply(t), t.waiting(), cause);
  }

  NoEligiblePlacementException noPlacement(TemplateRuntime t, LeaseRequest r) {
    List<String> offered = t.shelves.stream().map(s -> s.placement.toString()).toList();
    return new NoEligiblePlacementException("no placement of the template is allowed by the request (geographies "
        + r.geographies() + ", regions " + r.regions() + "; the template runs in " + offered + ")", poolId, t.name(),
        r.tenant(), Duration.ZERO, counts.apply(t), t.waiting(), null);
  }

  PoolClosedException closed(TemplateRuntime t, LeaseRequest r, Duration waited) {
    return new PoolClosedException("pool closed", poolId, t.name(), r.tenant(), waited, counts.apply(t), t.waiting(),
        provisioningFailure(t));
  }

  /** The template's last provisioning failure, or what the placement health says about failures; null if none. */
  private static Throwable provisioningFailure(TemplateRuntime t) {
    Throwable last = t.lastFailure;
    return last != null ? last : healthFailure(t);
  }

  /** What the placement health says about recent provisioning failures of a template; null if none. */
  static Throwable healthFailure(TemplateRuntime t) {
    for (PlacementShelf s : t.shelves) {
      if (s.health.windowFailures() > 0) {
        return new WarmpoolException("provisioning in " + s.placement.key() + " fails: "
            + s.health.failureSummary());
      }
    }
    return null;
  }
}
