package dev.warmpool.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.StoredPlacementHealth;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The health of one placement, on the pool's clock: a circuit breaker over provider calls, a throttle pause and
 * capacity cooldowns per size.
 *
 * <p>Design: two sliding windows over provision calls, the long {@code failureWindow} and a short one of a fifth of
 * it, each open the placement when, with at least {@code minCalls} calls in it, the share of failures reaches
 * {@code failureRate}. A call counts at the time it <em>started</em> (from {@link #started}), so a call that began
 * before a jump in failures and succeeds long after it does not dilute the failures of the calls that began after
 * the jump; a call still in flight counts as not failed. A failure counts at the time it is known: for a refusal that
 * is about its start, for a timeout its end. A create does not have to hang until the provisioning timeout to count:
 * a {@link HangWatch} judges the creates that started in the short window before {@code now - bar} (the bar being
 * twice the slowest recent create), and one still out there counts as failed while it stays out (in
 * {@link #windowFailures()} too) and opens the placement as a refusal would; it is taken back out if it completes.
 * The short window trips within a minute or two of a sustained jump in refusals, the hang window a bar later for
 * hangs; the long one catches a lower, steady rate. An open placement rests for a cooldown that doubles each
 * time it opens again soon after closing (up to a maximum), so an outage that comes and goes cannot make the pool
 * flap; it half-opens after the cooldown and closes again after {@code probesToClose} probes that completed
 * successfully (a probe that hangs until its timeout failed). Only control-plane failures (TRANSIENT) count: a
 * throttle pauses writes until its retry-after, and a capacity error, a quota error or an INVALID answer (a
 * configuration problem) cools only the (placement, size) pair.
 * Failsafe's circuit breaker reads {@code System.nanoTime}; this one reads the pool's clock, so it replays
 * deterministically on virtual time.
 *
 * <p>Its whole state can be exported to and restored from a {@link StoredPlacementHealth}: the store ledger keeps it
 * in the store, so a new leader continues where the old one stopped.
 *
 * <p>Mutated only by the engine's serial runner; the volatile fields are read by snapshots and retry predicates.
 */
final class PlacementHealth {
  /** What a recorded outcome changed. */
  enum Transition { NONE, OPENED, CLOSED }

  final Placement placement;
  final WorkerProvider provider;
  private final PlacementHealthPolicy policy;
  /** Start times of calls that did not fail (yet), as a multiset: an entry moves out when its call fails. */
  private final TreeMap<Instant, Integer> starts = new TreeMap<>();
  private int startCount;
  /** When each failure was known. */
  private final ArrayDeque<Instant> failures = new ArrayDeque<>();
  /** Size to the end of its cooldown; each entry expires at its own end, so a restored cooldown ends on time. */
  private final Cache<String, Instant> coolingSizes;
  /**
   * Sizes that cooled and have not delivered a worker since: once the cooldown ends, one create tries the size before
   * the rest of the deficit follows it (a capacity, quota or invalid answer would otherwise meet every create of the
   * deficit at once).
   */
  private final java.util.Set<String> onTrial = new java.util.HashSet<>();
  private final PoolClock clock;
  /** Whether anything the store keeps changed since {@link #takeChanged()} last ran. */
  private boolean changed;
  private final Map<String, Integer> failureCodes = new LinkedHashMap<>();
  private volatile PlacementState state = PlacementState.CLOSED;
  private volatile Instant throttledUntil = Instant.MIN;
  private Duration cooldown;
  private Instant openUntil = Instant.MIN;
  private Instant closedSince = Instant.MIN;
  private int probeSuccesses;
  /** When a create last failed with a control-plane failure. */
  private Instant lastCreateFailure = Instant.MIN;
  int probesInFlight;
  private volatile int windowCalls;
  private volatile int windowFailures;
  /** Creates out longer than this placement's creates take: hangs, counted before their timeout ends them. */
  private final HangWatch hangs = new HangWatch();
  /** Whether the placement last opened on hanging creates (the summary says so). */
  private HangWatch.Judged hangTrip;

  PlacementHealth(Placement placement, WorkerProvider provider, PlacementHealthPolicy policy, PoolClock clock) {
    this.placement = placement;
    this.provider = provider;
    this.policy = policy;
    this.cooldown = policy.openCooldown();
    this.clock = clock;
    this.coolingSizes = Caffeine.newBuilder()
        .ticker(() -> {
          Instant now = clock.now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        })
        .expireAfter(new Expiry<String, Instant>() {
          @Override
          public long expireAfterCreate(String key, Instant until, long currentTime) {
            return Math.max(0, Duration.between(clock.now(), until).toNanos());
          }

          @Override
          public long expireAfterUpdate(String key, Instant until, long currentTime, long currentDuration) {
            return expireAfterCreate(key, until, currentTime);
          }

          @Override
          public long expireAfterRead(String key, Instant until, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  PlacementState state() {
    return state;
  }

  boolean isClosed() {
    return state == PlacementState.CLOSED;
  }

  boolean throttled(Instant now) {
    return now.isBefore(throttledUntil);
  }

  Instant throttledUntil() {
    return throttledUntil;
  }

  boolean cooling(String size) {
    return coolingSizes.getIfPresent(size) != null;
  }

  /** Whether the size cooled and no create of it has delivered since: it takes one create at a time. */
  boolean onTrial(String size) {
    return onTrial.contains(size);
  }

  /** A create of the size delivered a worker: the size takes creates freely again. */
  void delivered(String size) {
    onTrial.remove(size);
  }

  /** Whether a probe may start now: half-open and fewer probes in flight than it takes to close. */
  boolean wantsProbe() {
    return state == PlacementState.HALF_OPEN && probesInFlight + probeSuccesses < policy.probesToClose();
  }

  /** Moves an open placement to half-open once its cooldown passed; returns when to look again. */
  Instant tick(Instant now) {
    if (state == PlacementState.OPEN) {
      if (!now.isBefore(openUntil)) {
        state = PlacementState.HALF_OPEN;
        probeSuccesses = 0;
        changed = true;
        return Instant.MAX;
      }
      return openUntil;
    }
    return Instant.MAX;
  }

  /** Counts a call that starts now; its outcome comes later through {@link #onSuccess} or {@link #onFailure}. */
  void started(Instant at) {
    starts.merge(at, 1, Integer::sum);
    startCount++;
    prune(at);
    changed = true;
  }

  /** Counts a create (an attempt of one) that starts now: a call, and one that may hang (see {@link HangWatch}). */
  void startedCreate(Instant at) {
    hangs.started(at);
    started(at);
  }

  /**
   * Judges the creates out in a closed placement: opens it when, among those that started in the hang window (a tenth
   * of the failure window) before the hang bar, at least {@code failureRate} of at least {@code minCalls} failed or
   * still hang. Called every control pass, so a hang is seen within a control interval (5 seconds by default) of
   * passing the bar, without a timer per create.
   */
  Transition checkHangs(Instant now) {
    hangs.prune(now, policy.failureWindow());
    refresh(now);
    if (state != PlacementState.CLOSED) {
      return Transition.NONE;
    }
    for (HangWatch.Judged j : hangs.judge(now, hangWindow())) {
      if (j.hung() > 0 && trips(j.calls(), j.failed() + j.hung())) {
        changed = true;
        lastCreateFailure = now;
        hangTrip = j;
        return open(now);
      }
    }
    return Transition.NONE;
  }

  /**
   * Records a successful call (already counted when it started, if it was); a probe success may close the
   * placement.
   */
  Transition onSuccess(Instant now, boolean probe) {
    return onSuccess(now, probe, null);
  }

  /**
   * Records a successful call that started at {@code startedAt} (a create; null: not known or not a create); a probe
   * success may close the placement.
   */
  Transition onSuccess(Instant now, boolean probe, Instant startedAt) {
    hangs.succeeded(startedAt, now);
    prune(now);
    changed = true;
    if (state == PlacementState.HALF_OPEN && probe) {
      probeSuccesses++;
      if (probeSuccesses >= policy.probesToClose()) {
        state = PlacementState.CLOSED;
        closedSince = now;
        starts.clear();
        startCount = 0;
        failures.clear();
        hangs.closed(now);
        hangTrip = null;
        refresh(now);
        failureCodes.clear();
        return Transition.CLOSED;
      }
    }
    return Transition.NONE;
  }

  /** Records a failed call that started now (or whose start was not counted); may open the placement. */
  Transition onFailure(Throwable failure, Instant now, String size) {
    return onFailure(failure, now, null, size, true);
  }

  /**
   * Records a failed call and applies what its kind means; may open the placement.
   *
   * @param startedAt when the call started, as given to {@link #started}; null if its start was not counted
   * @param create whether the call was a create: deletes count in the window, but open the placement (which moves
   *     only creates) only once a create failed in it too
   */
  Transition onFailure(Throwable failure, Instant now, Instant startedAt, String size, boolean create) {
    FailureKind kind = failure instanceof ProviderException pe ? pe.kind() : FailureKind.TRANSIENT;
    changed = true;
    if (create) {
      if (kind == FailureKind.TRANSIENT) {
        hangs.failed(startedAt);
      } else {
        hangs.ended(startedAt);
      }
    }
    switch (kind) {
      case THROTTLED -> {
        Duration wait = ((ProviderException) failure).retryAfter().orElse(policy.throttleDefault());
        Instant until = now.plus(wait);
        if (until.isAfter(throttledUntil)) {
          throttledUntil = until;
        }
        return Transition.NONE;
      }
      case CAPACITY, QUOTA, INVALID -> {
        // the pair rests: a used-up quota as a capacity error does (the board's quota alert asks a person to raise
        // it), and a request that can never succeed as sent (a region the account cannot use, bad credentials for
        // it) rather than being asked again at once (an alert tells a person); afterwards one create tries it first
        coolingSizes.put(size, now.plus(policy.capacityCooldown()));
        onTrial.add(size);
        return Transition.NONE;
      }
      default -> {
        unstart(startedAt);
        failures.addLast(now);
        if (create) {
          lastCreateFailure = now;
        }
        prune(now);
        String code = failure instanceof ProviderException pe && !pe.code().isEmpty() ? pe.code()
            : failure.getClass().getSimpleName();
        failureCodes.merge(code, 1, Integer::sum);
        if (state == PlacementState.HALF_OPEN) {
          hangTrip = null;
          return open(now);
        }
        if (state == PlacementState.CLOSED && createFailedRecently(now) && (trips(windowCalls, windowFailures)
            || trips(shortCalls(now), shortFailures(now)))) {
          hangTrip = null;
          return open(now);
        }
        return Transition.NONE;
      }
    }
  }

  private Transition open(Instant now) {
    // a placement that stayed closed for a while starts again from the first cooldown; one that flaps waits longer
    if (!closedSince.equals(Instant.MIN) && Duration.between(closedSince, now).compareTo(policy.maxOpenCooldown()
        .multipliedBy(3)) >= 0) {
      cooldown = policy.openCooldown();
    }
    openUntil = now.plus(cooldown);
    Duration next = cooldown.multipliedBy(2);
    cooldown = next.compareTo(policy.maxOpenCooldown()) > 0 ? policy.maxOpenCooldown() : next;
    state = PlacementState.OPEN;
    probeSuccesses = 0;
    return Transition.OPENED;
  }

  Instant openUntil() {
    return openUntil;
  }

  /** A sentence for people: what tripped the placement. */
  String failureSummary() {
    HangWatch.Judged j = hangTrip;
    if (j != null && state != PlacementState.CLOSED) {
      return j.hung() + " of " + j.calls() + " creates started in " + formatShort(hangWindow())
          + " still running after " + formatSeconds(j.after()) + (j.overtaken()
              ? " (twice the slowest recent create) while later ones completed"
              : " (4 times the slowest recent create)")
          + (j.failed() == 0 ? "" : ", " + j.failed() + " failed");
    }
    Instant now = clock.now();
    int shortCalls = shortCalls(now);
    int shortFailures = shortFailures(now);
    boolean shortTripped = !trips(windowCalls, windowFailures) && trips(shortCalls, shortFailures);
    return (shortTripped ? shortFailures + " of " + shortCalls + " calls failed in " + formatShort(shortWindow())
        : windowFailures + " of " + windowCalls + " calls failed in " + format(policy.failureWindow()))
        + (failureCodes.isEmpty() ? "" : " (" + failureCodes.keySet().iterator().next() + ")");
  }

  /** Whether a create failed (with a control-plane failure) within the failure window. */
  boolean createFailedRecently(Instant now) {
    return !lastCreateFailure.isBefore(now.minus(policy.failureWindow()));
  }

  private boolean trips(int calls, int failed) {
    return calls >= policy.minCalls() && failed >= policy.failureRate() * calls;
  }

  /** The short window: a fifth of the failure window (2 minutes by default). */
  private Duration hangWindow() {
    return policy.failureWindow().dividedBy(10);
  }

  private Duration shortWindow() {
    return policy.failureWindow().dividedBy(5);
  }

  private int shortFailures(Instant now) {
    Instant cutoff = now.minus(shortWindow());
    int n = 0;
    for (java.util.Iterator<Instant> it = failures.descendingIterator(); it.hasNext(); ) {
      if (it.next().isBefore(cutoff)) {
        break;
      }
      n++;
    }
    return n;
  }

  private int shortCalls(Instant now) {
    int n = shortFailures(now);
    for (int c : starts.tailMap(now.minus(shortWindow()), true).values()) {
      n += c;
    }
    return n;
  }

  int windowCalls() {
    return windowCalls;
  }

  int windowFailures() {
    return windowFailures;
  }

  /** Takes out the start of a call that neither succeeded nor failed in a way that says anything about health. */
  void forgetStart(Instant startedAt) {
    unstart(startedAt);
    refresh(clock.now());
  }

  /** Takes a failed call's start out of the starts (its failure counts instead), if it is still in the window. */
  private void unstart(Instant startedAt) {
    if (startedAt == null) {
      return;
    }
    Integer n = starts.get(startedAt);
    if (n != null) {
      startCount--;
      if (n == 1) {
        starts.remove(startedAt);
      } else {
        starts.put(startedAt, n - 1);
      }
    }
  }

  private void prune(Instant now) {
    Instant cutoff = now.minus(policy.failureWindow());
    while (!starts.isEmpty() && starts.firstKey().isBefore(cutoff)) {
      startCount -= starts.pollFirstEntry().getValue();
    }
    while (!failures.isEmpty() && failures.peekFirst().isBefore(cutoff)) {
      failures.pollFirst();
    }
    refresh(now);
  }

  private void refresh(Instant now) {
    windowCalls = startCount + failures.size();
    // a create that hangs is still a start that has not failed: it counts as a failure while it stays out
    windowFailures = failures.size() + hangs.hung(now, now.minus(policy.failureWindow()));
  }

  /** Whether anything the store keeps changed since the last call; clears the mark. */
  boolean takeChanged() {
    boolean c = changed;
    changed = false;
    return c;
  }

  /** The state a store keeps, so the next leader continues from it. */
  StoredPlacementHealth export() {
    Map<String, Instant> cooling = new LinkedHashMap<>(coolingSizes.asMap());
    return new StoredPlacementHealth(placement.key(), state, openUntil.equals(Instant.MIN) ? null : openUntil,
        cooldown, closedSince.equals(Instant.MIN) ? null : closedSince, probeSuccesses, exportedCalls(),
        List.copyOf(failures), failureCodes.isEmpty() ? "" : failureCodes.keySet().iterator().next(),
        throttledUntil.equals(Instant.MIN) ? null : throttledUntil, cooling);
  }

  /** The window's calls as the store keeps them: every counted start, then every failure. */
  private List<Instant> exportedCalls() {
    List<Instant> all = new java.util.ArrayList<>(startCount + failures.size());
    starts.forEach((at, n) -> {
      for (int i = 0; i < n; i++) {
        all.add(at);
      }
    });
    all.addAll(failures);
    all.sort(null);
    return all;
  }

  /** Continues from the state a previous leader kept (or, on a node that does not lead, mirrors it). */
  void restore(StoredPlacementHealth h) {
    state = h.state();
    openUntil = h.openUntil() == null ? Instant.MIN : h.openUntil();
    cooldown = h.nextCooldown();
    closedSince = h.closedSince() == null ? Instant.MIN : h.closedSince();
    probeSuccesses = h.probeSuccesses();
    hangs.forgetCreates(); // the creates out were the previous leader's; the store keeps none of them
    hangTrip = null;
    starts.clear();
    startCount = 0;
    h.calls().forEach(at -> {
      starts.merge(at, 1, Integer::sum);
      startCount++;
    });
    failures.clear();
    failures.addAll(h.failures());
    failures.forEach(this::unstart);
    lastCreateFailure = failures.isEmpty() ? Instant.MIN : failures.peekLast(); // the store keeps no kind of call
    refresh(clock.now());
    failureCodes.clear();
    if (!h.failureCode().isEmpty()) {
      failureCodes.put(h.failureCode(), failures.size());
    }
    throttledUntil = h.throttledUntil() == null ? Instant.MIN : h.throttledUntil();
    coolingSizes.invalidateAll();
    Instant now = clock.now();
    h.coolingUntil().forEach((size, until) -> {
      if (until.isAfter(now)) {
        coolingSizes.put(size, until);
        onTrial.add(size); // a size the previous leader rested is tried with one create here too
      }
    });
    changed = false;
  }

  PlacementStatus status(Instant now) {
    Instant t = throttledUntil;
    return new PlacementStatus(placement, state, windowCalls, windowFailures, coolingSizes.asMap().keySet(),
        t.isAfter(now) ? Optional.of(t) : Optional.empty());
  }

  /** A bar for people: minutes and seconds below 10 minutes (1m56s), else as {@link #format}. */
  private static String formatSeconds(Duration d) {
    long s = d.toSeconds();
    return s >= 600 ? format(d) : s >= 60 ? s / 60 + "m" + (s % 60 == 0 ? "" : String.format("%02ds", s % 60))
        : s + "s";
  }

  private static String formatShort(Duration d) {
    return d.toSeconds() % 60 == 0 ? format(d) : d.toSeconds() + "s";
  }

  static String format(Duration d) {
    long m = d.toMinutes();
    return m >= 60 ? m / 60 + "h" + (m % 60 == 0 ? "" : String.format("%02dm", m % 60)) : m + "m";
  }
}
