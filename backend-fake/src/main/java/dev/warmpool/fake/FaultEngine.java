package dev.warmpool.fake;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Applies a {@link FakeCloud}'s fault script to its calls: which calls are refused and with what answer, and how an
 * accepted call behaves (slower, hanging, created late, its answer lost, a delete that fails).
 *
 * <p>Design: faults are grouped by effect, and within a group the shares of the faults that match a call add up
 * ({@link FaultShares}): one draw per group and call. The groups, in the order a call meets them:
 * <ol>
 *   <li>token buckets (the cloud's front door: a call refused here reaches nothing behind it), one bucket per fault
 *       and region ({@link TokenBucket});</li>
 *   <li>refusals: outages (503) and throttling (429) share one group, so a 30% outage and a 30% throttling refuse
 *       60% of calls;</li>
 *   <li>for a provision that would create a resource: the region's capacity per size, then capacity errors (one
 *       group), then quotas;</li>
 *   <li>for an accepted call: slowdown factors multiply the drawn latency; slow provisions (one group) add their
 *       extra time; hanging and hang-then-create-late provisions (one group); lost responses (one group); failing
 *       deletes (one group).</li>
 * </ol>
 *
 * <p>A list visits every region: the cloud-wide faults are applied once, then each region's faults as the list
 * visits that region, in the order the regions were defined; shares add up within a region, not across regions,
 * and the first region that refuses fails the whole list with an error that names it.
 *
 * <p>Not thread-safe: guarded by the cloud's lock (it draws from the cloud's generator and keeps bucket state).
 */
final class FaultEngine {
  private final List<Fault> faults;
  private final List<String> regions;
  private final Map<String, Map<String, Integer>> capacity;
  private final Random random;
  private final Map<Fault, Map<String, TokenBucket>> buckets = new HashMap<>();

  FaultEngine(List<Fault> faults, List<String> regions, Map<String, Map<String, Integer>> capacity, Random random) {
    this.faults = faults;
    this.regions = regions;
    this.capacity = capacity;
    this.random = random;
    for (Fault f : faults) {
      if (f.kind() == Fault.Kind.TOKEN_BUCKET) {
        buckets.put(f, new HashMap<>());
      }
    }
  }

  /** What an accepted provision does. */
  record ProvisionEffects(Duration latency, boolean hang, Duration lateCreation, boolean lost) {}

  /** What an accepted delete does. */
  record DeprovisionEffects(boolean failing, boolean lost) {}

  // ---- refusals ----

  /** The answer of the first front-door or control-plane fault that refuses a call, or null. */
  ProviderException reject(Operation op, String region, Instant now) {
    if (op != Operation.LIST) {
      return rejectIn(op, region, region, now, f -> true);
    }
    ProviderException e = rejectIn(op, FakeCloud.ALL_REGIONS, "the cloud", now, f -> f.region() == null);
    for (int i = 0; e == null && i < regions.size(); i++) {
      String r = regions.get(i);
      e = rejectIn(op, r, r, now, f -> f.region() != null);
    }
    return e;
  }

  private ProviderException rejectIn(Operation op, String scope, String where, Instant now, Predicate<Fault> which) {
    List<Fault> shares = new ArrayList<>();
    for (Fault fault : faults) {
      if (!which.test(fault) || !fault.matches(op, scope, now)) {
        continue;
      }
      switch (fault.kind()) {
        case TOKEN_BUCKET -> {
          Duration wait = buckets.get(fault).computeIfAbsent(scope,
              s -> new TokenBucket(fault.burstValue(), fault.refillPerSecondValue())).take(now);
          if (wait != null) {
            return ProviderException.throttled("TooManyRequests", "429: the write token bucket of " + where
                + " is empty", fault.retryAfterIfSet() != null ? fault.retryAfterIfSet() : wait);
          }
        }
        case OUTAGE, THROTTLING -> shares.add(fault);
        default -> {
          // the other kinds do not refuse a call before it reaches the resource
        }
      }
    }
    Fault fired = FaultShares.pick(shares, random);
    if (fired == null) {
      return null;
    }
    if (fired.kind() == Fault.Kind.THROTTLING) {
      return ProviderException.throttled("TooManyRequests", "429: too many requests to " + where,
          fired.retryAfterValue());
    }
    Duration retryAfter = fired.retryAfterIfSet();
    return new ProviderException(FailureKind.TRANSIENT, "ServiceUnavailable",
        "503: the control plane of " + where + " is unavailable", retryAfter, null);
  }

  /** Capacity per size, then capacity errors, then quotas, for a provision that would create a resource. */
  ProviderException capacityFailure(String region, String size, Instant now, Inventory inventory) {
    Integer max = capacity.getOrDefault(region, Map.of()).get(size);
    if (max != null && inventory.count(region, size) >= max) {
      return ProviderException.capacity("AllocationFailed", "no capacity left for size " + size + " in "
          + region + " (" + max + " in use)");
    }
    List<Fault> errors = matching(Operation.PROVISION, region, now, Fault.Kind.CAPACITY);
    errors.removeIf(f -> f.sizeValue() != null && !f.sizeValue().equals(size));
    Fault fired = FaultShares.pick(errors, random);
    if (fired != null) {
      return ProviderException.capacity(fired.codeValue(), fired.codeValue() + ": size " + size
          + " cannot be allocated in " + region);
    }
    for (Fault fault : matching(Operation.PROVISION, region, now, Fault.Kind.QUOTA)) {
      if (inventory.count(fault.region(), null) >= fault.limitValue()) {
        return ProviderException.quota("QuotaExceeded", "QuotaExceeded: the quota of " + fault.limitValue()
            + " resources in " + (fault.region() == null ? "the cloud" : fault.region()) + " is used up");
      }
    }
    return null;
  }

  // ---- accepted calls ----

  ProvisionEffects provision(String region, Instant now, Duration drawn) {
    Duration latency = scaled(Operation.PROVISION, region, now, drawn);
    Fault slow = FaultShares.pick(matching(Operation.PROVISION, region, now, Fault.Kind.SLOW), random);
    if (slow != null) {
      latency = latency.plus(slow.extraLatencyValue());
    }
    Fault hang = FaultShares.pick(matching(Operation.PROVISION, region, now, Fault.Kind.HANG,
        Fault.Kind.HANG_THEN_CREATE), random);
    Duration late = null;
    if (hang != null && hang.kind() == Fault.Kind.HANG_THEN_CREATE) {
      late = hang.createdAfterValue() != null ? hang.createdAfterValue() : latency;
    }
    boolean lost = FaultShares.pick(matching(Operation.PROVISION, region, now, Fault.Kind.LOST_RESPONSE),
        random) != null;
    return new ProvisionEffects(latency, hang != null && late == null, late, lost);
  }

  DeprovisionEffects deprovision(String region, Instant now) {
    boolean failing = FaultShares.pick(matching(Operation.DEPROVISION, region, now, Fault.Kind.FAILING_DELETE),
        random) != null;
    boolean lost = FaultShares.pick(matching(Operation.DEPROVISION, region, now, Fault.Kind.LOST_RESPONSE),
        random) != null;
    return new DeprovisionEffects(failing, lost);
  }

  /**
   * A drawn latency with the slowdown factors of the call's window applied (they multiply). A list takes as long
   * as its slowest region: the cloud-wide factors times the largest product of one region's factors.
   */
  Duration scaled(Operation op, String region, Instant now, Duration drawn) {
    double factor;
    if (op == Operation.LIST) {
      double slowestRegion = 1.0;
      for (String r : regions) {
        slowestRegion = Math.max(slowestRegion, product(op, r, now, f -> f.region() != null));
      }
      factor = product(op, FakeCloud.ALL_REGIONS, now, f -> f.region() == null) * slowestRegion;
    } else {
      factor = product(op, region, now, f -> true);
    }
    if (factor == 1.0) {
      return drawn;
    }
    return Duration.ofNanos(Math.round(drawn.toNanos() * factor));
  }

  private double product(Operation op, String scope, Instant now, Predicate<Fault> which) {
    double factor = 1.0;
    for (Fault f : faults) {
      if (f.kind() == Fault.Kind.SLOWDOWN && which.test(f) && f.matches(op, scope, now)) {
        factor *= f.factorValue();
      }
    }
    return factor;
  }

  private List<Fault> matching(Operation op, String region, Instant now, Fault.Kind... kinds) {
    List<Fault> out = new ArrayList<>();
    for (Fault f : faults) {
      for (Fault.Kind k : kinds) {
        if (f.kind() == k && f.matches(op, region, now)) {
          out.add(f);
          break;
        }
      }
    }
    return out;
  }

  // ---- token bucket counts ----

  long admitted(Fault bucket, String region) {
    TokenBucket b = bucket(bucket).get(region);
    return b == null ? 0 : b.admitted();
  }

  long admitted(Fault bucket) {
    return bucket(bucket).values().stream().mapToLong(TokenBucket::admitted).sum();
  }

  long refused(Fault bucket, String region) {
    TokenBucket b = bucket(bucket).get(region);
    return b == null ? 0 : b.refused();
  }

  private Map<String, TokenBucket> bucket(Fault fault) {
    Map<String, TokenBucket> b = buckets.get(fault);
    if (b == null) {
      throw new IllegalArgumentException("bucket must be a writeTokenBucket fault of this cloud's script, was "
          + fault);
    }
    return b;
  }

  // ---- external deletions ----

  /** Draws which running resources an external deletion removes. */
  List<String> externalVictims(Fault fault, Inventory inventory) {
    List<String> running = new ArrayList<>();
    for (CloudResource r : inventory.all()) {
      if (r.state == ResourceState.RUNNING && (fault.region() == null || fault.region().equals(r.region))) {
        running.add(r.id);
      }
    }
    List<String> victims = new ArrayList<>();
    for (int i = 0; i < fault.countValue() && !running.isEmpty(); i++) {
      victims.add(running.remove(random.nextInt(running.size())));
    }
    return victims;
  }
}
