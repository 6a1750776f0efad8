package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One scripted fault of a {@link FakeCloud}: what goes wrong, where (one region or the whole cloud), when (a window
 * of virtual time), to which calls, and to what share of them. Made with {@link Faults}; each setter returns a
 * changed copy, so a fault can be shared and varied:
 *
 * <pre>{@code
 * Fault outage = Faults.outage("westeurope").from(t1).until(t2).failureRate(0.8);
 * }</pre>
 *
 * <p>Faults compose: a cloud applies every fault of its script to every call. Token buckets come first (the
 * cloud's front door); then outages and throttling, then capacity errors and quotas refuse a call; the other kinds
 * change how a call that is accepted behaves (slower, never finishing, created late, its answer lost, a delete that
 * fails).
 *
 * <p><b>Shares add up.</b> Among the faults with one effect that match one call, their {@link #failureRate shares}
 * add up, capped at 1.0, and one draw picks at most one of them: two 30% outages of a region fail 60% of its calls
 * (not 51%, as two independent draws would), and a 30% outage with a 30% throttling fails 30% with 503 and 30% with
 * 429. Where the shares pass 1.0, the faults early in the script get theirs in full and the later ones the rest. The
 * effects that share a draw: outages with throttling; capacity errors; slow provisions; hanging with
 * hang-then-create-late provisions; lost responses; failing deletes. Slowdown factors multiply instead.
 *
 * <p><b>Lists are scoped by region.</b> A {@code list} visits every region: the cloud-wide faults that affect
 * {@link Operation#LIST} are applied once per list, and a region's faults as the list visits that region (shares
 * add up within a region, not across regions); the first region that refuses fails the list with an error that
 * names it. Narrow a region's fault with {@link #operations} to spare lists.
 *
 * <p>A fault is active from {@link #from} (included; the beginning of time when not set) until {@link #until}
 * (excluded; forever when not set). Where it has a rate, each matching call draws from the cloud's seeded random
 * generator, so one seed and one script give one call log. Values are checked when the cloud is built
 * ({@link FakeCloud.Builder#build()}), with messages that name the fault by its place in the script
 * ({@code faults[2].failureRate}).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Fault {

  /** What kind of trouble a fault makes. */
  public enum Kind {
    /** A share of calls fail TRANSIENT with code {@code ServiceUnavailable} (HTTP 503). */
    OUTAGE("outage", EnumSet.allOf(Operation.class), EnumSet.allOf(Operation.class)),
    /** A share of calls fail THROTTLED with code {@code TooManyRequests} and a retry-after. */
    THROTTLING("throttling", EnumSet.allOf(Operation.class), EnumSet.allOf(Operation.class)),
    /**
     * Calls take tokens from a bucket per region (ARM: 200 burst, 10 per second for writes); an empty bucket
     * throttles, and the cloud counts what each bucket admitted.
     */
    TOKEN_BUCKET("writeTokenBucket", EnumSet.of(Operation.PROVISION, Operation.DEPROVISION),
        EnumSet.allOf(Operation.class)),
    /** A share of provisions (of one size, or any) fail CAPACITY with code {@code AllocationFailed} or another. */
    CAPACITY("capacityError", EnumSet.of(Operation.PROVISION), EnumSet.of(Operation.PROVISION)),
    /** Provisions fail QUOTA with code {@code QuotaExceeded} while the limit's worth of resources exist. */
    QUOTA("quota", EnumSet.of(Operation.PROVISION), EnumSet.of(Operation.PROVISION)),
    /** A share of provisions take longer by a fixed extra time. */
    SLOW("slowProvisions", EnumSet.of(Operation.PROVISION), EnumSet.of(Operation.PROVISION)),
    /** Calls in a window take a multiple of their drawn latency. */
    SLOWDOWN("slowdown", EnumSet.of(Operation.PROVISION), EnumSet.allOf(Operation.class)),
    /** A share of provisions never finish: the resource stays {@link ResourceState#CREATING}. */
    HANG("hangingProvisions", EnumSet.of(Operation.PROVISION), EnumSet.of(Operation.PROVISION)),
    /**
     * A share of provisions never answer their caller, who fails at the request's deadline, while the resource
     * still appears (running) later.
     */
    HANG_THEN_CREATE("hangThenCreateLate", EnumSet.of(Operation.PROVISION), EnumSet.of(Operation.PROVISION)),
    /** A share of calls do their work, but the caller sees TRANSIENT with code {@code LostResponse}. */
    LOST_RESPONSE("lostResponses", EnumSet.of(Operation.PROVISION),
        EnumSet.of(Operation.PROVISION, Operation.DEPROVISION)),
    /** A share of deletes fail TRANSIENT with code {@code InternalServerError}; the resource stays. */
    FAILING_DELETE("failingDeletes", EnumSet.of(Operation.DEPROVISION), EnumSet.of(Operation.DEPROVISION)),
    /** At an instant, running resources vanish from the inventory, as if someone deleted them by hand. */
    EXTERNAL_DELETION("externalDeletion", EnumSet.noneOf(Operation.class), EnumSet.noneOf(Operation.class));

    private final String label;
    private final Set<Operation> defaults;
    private final Set<Operation> allowed;

    Kind(String label, Set<Operation> defaults, Set<Operation> allowed) {
      this.label = label;
      this.defaults = defaults;
      this.allowed = allowed;
    }

    /** {@return the name of the {@link Faults} method that makes this kind} */
    public String label() {
      return label;
    }

    /** {@return the operations a fault of this kind affects when {@link Fault#operations} was not called} */
    public Set<Operation> defaultOperations() {
      return Set.copyOf(defaults);
    }

    /** {@return the operations a fault of this kind can affect} */
    public Set<Operation> allowedOperations() {
      return Set.copyOf(allowed);
    }
  }

  /** The default retry-after of {@link Faults#throttling()}: 30 seconds. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
  /** The default burst of {@link Faults#writeTokenBucket()}: 200 calls, as ARM's write bucket. */
  public static final int DEFAULT_BURST = 200;
  /** The default refill of {@link Faults#writeTokenBucket()}: 10 tokens per second, as ARM's write bucket. */
  public static final int DEFAULT_REFILL_PER_SECOND = 10;
  /** The largest factor of {@link Faults#slowdown(double)}: {@value}. */
  public static final double MAX_SLOWDOWN_FACTOR = 1000.0;
  /** The default code of {@link Faults#capacityError(String)}: {@code AllocationFailed}. */
  public static final String DEFAULT_CAPACITY_CODE = "AllocationFailed";

  private final Kind kind;
  private String region;
  private Instant from;
  private Instant until;
  private double failureRate = 1.0;
  private Set<Operation> operations;
  private Duration retryAfter = DEFAULT_RETRY_AFTER;
  private int burst = DEFAULT_BURST;
  private int refillPerSecond = DEFAULT_REFILL_PER_SECOND;
  private String size;
  private String code = DEFAULT_CAPACITY_CODE;
  private int limit;
  private Duration extraLatency = Duration.ZERO;
  private int count = 1;
  private double factor = 1.0;
  private Duration createdAfter;
  /** The kind-specific options that were set, to refuse those that do not apply to the kind. */
  private Set<String> set = Set.of();

  Fault(Kind kind, String region) {
    this.kind = kind;
    this.region = region;
  }

  private Fault copy(String option) {
    Fault f = new Fault(kind, region);
    f.from = from;
    f.until = until;
    f.failureRate = failureRate;
    f.operations = operations;
    f.retryAfter = retryAfter;
    f.burst = burst;
    f.refillPerSecond = refillPerSecond;
    f.size = size;
    f.code = code;
    f.limit = limit;
    f.extraLatency = extraLatency;
    f.count = count;
    f.factor = factor;
    f.createdAfter = createdAfter;
    Set<String> s = new TreeSet<>(set);
    s.add(option);
    f.set = Set.copyOf(s);
    return f;
  }

  Fault withLimit(int limit) {
    Fault f = copy("limit");
    f.limit = limit;
    return f;
  }

  Fault withExtraLatency(Duration extra) {
    Fault f = copy("extraLatency");
    f.extraLatency = Objects.requireNonNull(extra, "extraLatency cannot be null");
    return f;
  }

  Fault withFactor(double factor) {
    Fault f = copy("factor");
    f.factor = factor;
    return f;
  }

  /**
   * When the fault starts; it is active from this instant on (included). The beginning of time when not set.
   *
   * @param from the start
   * @return a copy with the start
   * @throws NullPointerException if from is null
   */
  public Fault from(Instant from) {
    Fault f = copy("from");
    f.from = Objects.requireNonNull(from, "from cannot be null");
    return f;
  }

  /**
   * When the fault ends; it is inactive from this instant on. Forever when not set. Must be after {@link #from}.
   *
   * @param until the end (excluded)
   * @return a copy with the end
   * @throws NullPointerException if until is null
   */
  public Fault until(Instant until) {
    Fault f = copy("until");
    f.until = Objects.requireNonNull(until, "until cannot be null");
    return f;
  }

  /**
   * Both ends of the window at once.
   *
   * @param from the start (included)
   * @param until the end (excluded)
   * @return a copy with the window
   * @throws NullPointerException if an end is null
   */
  public Fault during(Instant from, Instant until) {
    return from(from).until(until);
  }

  /**
   * For {@link Faults#externalDeletion(String)}: when the resources vanish. The same as {@link #from}.
   *
   * @param at the instant
   * @return a copy with the instant
   * @throws NullPointerException if at is null
   */
  public Fault at(Instant at) {
    return from(at);
  }

  /**
   * The share of matching calls the fault affects, between 0.0 and 1.0; 1.0 (every call) by default. For the
   * failing kinds it is a failure rate; for slow, hanging and lost-response faults it is the share of calls made
   * slow, hanging or lost. The shares of overlapping faults with one effect add up (see the class comment). Quota,
   * token bucket, slowdown and external deletion faults refuse it: they act by their own rule.
   *
   * @param failureRate between 0.0 and 1.0
   * @return a copy with the rate
   */
  public Fault failureRate(double failureRate) {
    Fault f = copy("failureRate");
    f.failureRate = failureRate;
    return f;
  }

  /**
   * The operations the fault affects, instead of its kind's defaults ({@link Kind#defaultOperations()}).
   *
   * @param operations at least one, among {@link Kind#allowedOperations()}
   * @return a copy with the operations
   * @throws NullPointerException if operations or one of them is null
   */
  public Fault operations(Operation... operations) {
    Objects.requireNonNull(operations, "operations cannot be null");
    Set<Operation> ops = new LinkedHashSet<>();
    for (Operation op : operations) {
      ops.add(Objects.requireNonNull(op, "operation cannot be null"));
    }
    Fault f = copy("operations");
    f.operations = ops.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(ops));
    return f;
  }

  /**
   * The Retry-After the cloud sends with a refusal. For throttling: 30 seconds by default. For an outage: none by
   * default; set, each 503 carries it, as a front door under maintenance says when to come back. For a token bucket:
   * by default the time until its next token; set, every refusal carries this fixed value (a bucket that answers a
   * short fixed Retry-After invites a retry storm, a long one idles callers).
   *
   * @param retryAfter zero or positive
   * @return a copy with the retry-after
   * @throws NullPointerException if retryAfter is null
   */
  public Fault retryAfter(Duration retryAfter) {
    Fault f = copy("retryAfter");
    f.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter cannot be null");
    return f;
  }

  /**
   * For a token bucket: how many calls it allows at once; 200 by default.
   *
   * @param burst at least 1
   * @return a copy with the burst
   */
  public Fault burst(int burst) {
    Fault f = copy("burst");
    f.burst = burst;
    return f;
  }

  /**
   * For a token bucket: how many tokens come back per second; 10 by default.
   *
   * @param refillPerSecond at least 1
   * @return a copy with the refill rate
   */
  public Fault refillPerSecond(int refillPerSecond) {
    Fault f = copy("refillPerSecond");
    f.refillPerSecond = refillPerSecond;
    return f;
  }

  /**
   * For a capacity error: the template size that fails ({@link dev.warmpool.api.WorkerTemplate#size()}); every
   * size when not set.
   *
   * @param size the size
   * @return a copy with the size
   * @throws NullPointerException if size is null
   */
  public Fault size(String size) {
    Fault f = copy("size");
    f.size = Objects.requireNonNull(size, "size cannot be null");
    return f;
  }

  /**
   * For a capacity error: the error code, such as {@code SkuNotAvailable}; {@code AllocationFailed} by default.
   *
   * @param code not blank
   * @return a copy with the code
   * @throws NullPointerException if code is null
   */
  public Fault code(String code) {
    Fault f = copy("code");
    f.code = Objects.requireNonNull(code, "code cannot be null");
    return f;
  }

  /**
   * For an external deletion: how many running resources vanish; 1 by default. They are drawn with the cloud's
   * seeded random generator among those running in the fault's region (or the whole cloud) at that instant.
   *
   * @param count at least 1
   * @return a copy with the count
   */
  public Fault count(int count) {
    Fault f = copy("count");
    f.count = count;
    return f;
  }

  /**
   * For {@link Faults#hangThenCreateLate()}: how long after the call the resource appears, running; by default the
   * time the provision would have taken (the region's latency, with slowdowns and slow provisions). A retried
   * provision for the same worker after that finds the resource; the hanging caller still fails at its deadline.
   *
   * @param createdAfter zero or positive
   * @return a copy with the delay
   * @throws NullPointerException if createdAfter is null
   */
  public Fault createdAfter(Duration createdAfter) {
    Fault f = copy("createdAfter");
    f.createdAfter = Objects.requireNonNull(createdAfter, "createdAfter cannot be null");
    return f;
  }

  /**
   * For a token bucket: the most calls it can admit in one region over a stretch of time from that region's first
   * call, {@code burst + floor(refillPerSecond * seconds)}. {@link FakeCloud#admittedCalls(Fault, String)} never
   * exceeds it.
   *
   * @param over the stretch of time; zero or positive
   * @return the budget
   * @throws IllegalArgumentException if over is negative
   * @throws IllegalStateException if this is not a token bucket
   */
  public long tokenBudget(Duration over) {
    Objects.requireNonNull(over, "over cannot be null");
    if (kind != Kind.TOKEN_BUCKET) {
      throw new IllegalStateException("tokenBudget applies only to " + Kind.TOKEN_BUCKET.label + " faults, was "
          + kind.label);
    }
    if (over.isNegative()) {
      throw new IllegalArgumentException("over must be zero or positive, was " + over);
    }
    long seconds = over.getSeconds();
    long refill = seconds > Long.MAX_VALUE / refillPerSecond ? Long.MAX_VALUE
        : seconds * refillPerSecond + (long) over.getNano() * refillPerSecond / 1_000_000_000L;
    return refill > Long.MAX_VALUE - burst ? Long.MAX_VALUE : refill + burst;
  }

  /** {@return what kind of trouble the fault makes} */
  public Kind kind() {
    return kind;
  }

  /** {@return the region it affects, or null for the whole cloud} */
  public String region() {
    return region;
  }

  /** {@return when it starts, or null for the beginning of time} */
  public Instant start() {
    return from;
  }

  /** {@return when it ends, or null for never} */
  public Instant end() {
    return until;
  }

  /** {@return the share of matching calls it affects} */
  public double rate() {
    return failureRate;
  }

  /** {@return the operations it affects} */
  public Set<Operation> affectedOperations() {
    return operations == null ? kind.defaultOperations() : operations;
  }

  Duration retryAfterValue() {
    return retryAfter;
  }

  /** The retry-after if it was set, else null: outages and buckets send one only when told to. */
  Duration retryAfterIfSet() {
    return set.contains("retryAfter") ? retryAfter : null;
  }

  double factorValue() {
    return factor;
  }

  Duration createdAfterValue() {
    return createdAfter;
  }

  int burstValue() {
    return burst;
  }

  int refillPerSecondValue() {
    return refillPerSecond;
  }

  String sizeValue() {
    return size;
  }

  String codeValue() {
    return code;
  }

  int limitValue() {
    return limit;
  }

  Duration extraLatencyValue() {
    return extraLatency;
  }

  int countValue() {
    return count;
  }

  /** Whether the fault applies to a call of an operation in a region at an instant (the rate is not drawn here). */
  boolean matches(Operation operation, String callRegion, Instant now) {
    return affectedOperations().contains(operation)
        && (region == null || region.equals(callRegion))
        && (from == null || !now.isBefore(from))
        && (until == null || now.isBefore(until));
  }

  /**
   * Checks the fault against the rules and the cloud's regions.
   *
   * @param option how the cloud's builder names this fault, e.g. {@code faults[2]}
   * @param regions the cloud's regions
   * @throws InvalidConfigurationException naming the option that breaks a rule
   */
  void validate(String option, Collection<String> regions) {
    String name = option + " (" + kind.label + ")";
    if (region != null && !regions.contains(region)) {
      throw invalid(option + ".region", name + " region must be one of " + new TreeSet<>(regions)
          + ", was \"" + region + "\"");
    }
    if (from != null && until != null && !until.isAfter(from)) {
      throw invalid(option + ".until", name + " until must be after from (" + from + "), was " + until);
    }
    if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
      throw invalid(option + ".failureRate", name + " failureRate must be between 0.0 and 1.0, was " + failureRate);
    }
    if (operations != null && (operations.isEmpty() || !kind.allowed.containsAll(operations))) {
      throw invalid(option + ".operations", name + " operations must be a non-empty subset of "
          + kind.allowed + ", was " + operations);
    }
    if (set.contains("failureRate") && (kind == Kind.QUOTA || kind == Kind.TOKEN_BUCKET
        || kind == Kind.EXTERNAL_DELETION || kind == Kind.SLOWDOWN)) {
      throw invalid(option + ".failureRate", name + " failureRate does not apply to " + kind.label
          + " faults, which fire by their own rule");
    }
    requireOnly(option, name, "retryAfter", Kind.THROTTLING, Kind.OUTAGE, Kind.TOKEN_BUCKET);
    requireOnly(option, name, "createdAfter", Kind.HANG_THEN_CREATE);
    requireOnly(option, name, "burst", Kind.TOKEN_BUCKET);
    requireOnly(option, name, "refillPerSecond", Kind.TOKEN_BUCKET);
    requireOnly(option, name, "size", Kind.CAPACITY);
    requireOnly(option, name, "code", Kind.CAPACITY);
    requireOnly(option, name, "count", Kind.EXTERNAL_DELETION);
    if (retryAfter.isNegative()) {
      throw invalid(option + ".retryAfter", name + " retryAfter must be zero or positive, was " + retryAfter);
    }
    if (burst < 1) {
      throw invalid(option + ".burst", name + " burst must be at least 1, was " + burst);
    }
    if (refillPerSecond < 1) {
      throw invalid(option + ".refillPerSecond", name + " refillPerSecond must be at least 1, was "
          + refillPerSecond);
    }
    if (code.isBlank()) {
      throw invalid(option + ".code", name + " code must not be blank");
    }
    if (limit < 0) {
      throw invalid(option + ".limit", name + " limit must be zero or positive, was " + limit);
    }
    if (extraLatency.isNegative()) {
      throw invalid(option + ".extraLatency", name + " extraLatency must be zero or positive, was " + extraLatency);
    }
    if (!(factor > 0.0 && factor <= MAX_SLOWDOWN_FACTOR)) {
      throw invalid(option + ".factor", name + " factor must be above 0.0 and at most " + MAX_SLOWDOWN_FACTOR
          + ", was " + factor);
    }
    if (createdAfter != null && createdAfter.isNegative()) {
      throw invalid(option + ".createdAfter", name + " createdAfter must be zero or positive, was "
          + createdAfter);
    }
    if (count < 1) {
      throw invalid(option + ".count", name + " count must be at least 1, was " + count);
    }
    if (kind == Kind.EXTERNAL_DELETION && from == null) {
      throw invalid(option + ".at", name + " needs an instant: call at(instant)");
    }
    if (kind == Kind.EXTERNAL_DELETION && until != null) {
      throw invalid(option + ".until", name + " happens at one instant; until does not apply");
    }
  }

  private void requireOnly(String option, String name, String setting, Kind... only) {
    if (set.contains(setting) && !List.of(only).contains(kind)) {
      throw invalid(option + "." + setting, name + " " + setting + " applies only to "
          + Stream.of(only).map(k -> k.label).collect(Collectors.joining(", ")) + " faults");
    }
  }

  private static InvalidConfigurationException invalid(String option, String message) {
    return new InvalidConfigurationException(option, message);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(kind.label).append('(').append(region == null ? "*" : region).append(')');
    if (from != null) {
      b.append(" from ").append(from);
    }
    if (until != null) {
      b.append(" until ").append(until);
    }
    if (failureRate != 1.0) {
      b.append(" rate ").append(failureRate);
    }
    if (operations != null) {
      b.append(" on ").append(operations);
    }
    if (kind == Kind.SLOWDOWN) {
      b.append(" x").append(factor);
    }
    return b.toString();
  }
}
