package dev.warmpool.fake;

import java.time.Duration;
import java.util.Objects;

/**
 * Makes the {@link Fault}s of a {@link FakeCloud}'s script. Each method without a region makes a fault of the whole
 * cloud; with a region, of that region only. Every fault is active forever at rate 1.0 until narrowed with
 * {@link Fault#from}, {@link Fault#until} and {@link Fault#failureRate}:
 *
 * <pre>{@code
 * FakeCloud cloud = FakeCloud.builder()
 *     .clock(clock)
 *     .region("westeurope", "eu")
 *     .fault(Faults.outage("westeurope").from(t0.plus(Duration.ofMinutes(161))).until(t0.plus(Duration.ofHours(7))))
 *     .fault(Faults.throttling().failureRate(0.1).retryAfter(Duration.ofSeconds(20)))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe: it holds no state.
 *
 * @since 0.1
 */
public final class Faults {

  private Faults() {}

  /**
   * A control-plane outage of the whole cloud: calls fail TRANSIENT, code {@code ServiceUnavailable} (503), with no
   * retry-after unless {@link Fault#retryAfter} sets one.
   *
   * @return the fault, affecting provision, deprovision and list
   */
  public static Fault outage() {
    return new Fault(Fault.Kind.OUTAGE, null);
  }

  /**
   * A control-plane outage of one region: its calls fail TRANSIENT, code {@code ServiceUnavailable} (503). A list
   * visits every region, so it fails too unless the fault is narrowed with {@link Fault#operations}.
   *
   * @param region the region
   * @return the fault, affecting provision, deprovision and list
   * @throws NullPointerException if region is null
   */
  public static Fault outage(String region) {
    return new Fault(Fault.Kind.OUTAGE, region(region));
  }

  /**
   * Throttling of the whole cloud: calls fail THROTTLED, code {@code TooManyRequests} (429), with a retry-after
   * ({@link Fault#retryAfter}, 30 seconds by default).
   *
   * @return the fault, affecting provision, deprovision and list
   */
  public static Fault throttling() {
    return new Fault(Fault.Kind.THROTTLING, null);
  }

  /**
   * Throttling of one region.
   *
   * @param region the region
   * @return the fault, affecting provision, deprovision and list
   * @throws NullPointerException if region is null
   * @see #throttling()
   */
  public static Fault throttling(String region) {
    return new Fault(Fault.Kind.THROTTLING, region(region));
  }

  /**
   * A token bucket for writes in every region, like ARM's: each region has its own bucket (the budget is per
   * provider and region), of {@link Fault#burst} calls at once (200), refilled at {@link Fault#refillPerSecond}
   * tokens a second (10). A call that finds its bucket empty fails THROTTLED, code {@code TooManyRequests}, with a
   * retry-after of the time until the next token, or the fixed {@link Fault#retryAfter} when set. A bucket starts
   * full at its region's first call. The cloud counts what each bucket admitted
   * ({@link FakeCloud#admittedCalls(Fault, String)}); a list (when added with {@link Fault#operations}) takes its
   * token from a bucket of its own, region {@link FakeCloud#ALL_REGIONS}.
   *
   * @return the fault, affecting provision and deprovision
   */
  public static Fault writeTokenBucket() {
    return new Fault(Fault.Kind.TOKEN_BUCKET, null);
  }

  /**
   * A token bucket for one region's writes.
   *
   * @param region the region
   * @return the fault, affecting provision and deprovision
   * @throws NullPointerException if region is null
   * @see #writeTokenBucket()
   */
  public static Fault writeTokenBucket(String region) {
    return new Fault(Fault.Kind.TOKEN_BUCKET, region(region));
  }

  /**
   * Capacity errors in one region: provisions (of {@link Fault#size}, or of any size) fail CAPACITY with code
   * {@code AllocationFailed} (or {@link Fault#code}, such as {@code SkuNotAvailable}).
   *
   * @param region the region
   * @return the fault, affecting provision
   * @throws NullPointerException if region is null
   */
  public static Fault capacityError(String region) {
    return new Fault(Fault.Kind.CAPACITY, region(region));
  }

  /**
   * Capacity errors in every region.
   *
   * @return the fault, affecting provision
   * @see #capacityError(String)
   */
  public static Fault capacityError() {
    return new Fault(Fault.Kind.CAPACITY, null);
  }

  /**
   * A quota of the whole cloud: a provision that would make more than {@code limit} resources exist (in any state,
   * of any pool) fails QUOTA (before issue 16: CAPACITY) with code {@code QuotaExceeded}.
   *
   * @param limit how many resources may exist; zero or positive
   * @return the fault, affecting provision
   */
  public static Fault quota(int limit) {
    return new Fault(Fault.Kind.QUOTA, null).withLimit(limit);
  }

  /**
   * A quota of one region.
   *
   * @param region the region
   * @param limit how many resources may exist in it; zero or positive
   * @return the fault, affecting provision
   * @throws NullPointerException if region is null
   * @see #quota(int)
   */
  public static Fault quota(String region, int limit) {
    return new Fault(Fault.Kind.QUOTA, region(region)).withLimit(limit);
  }

  /**
   * Slow provisions in the whole cloud: they take {@code extra} longer than the region's latency.
   *
   * @param extra zero or positive
   * @return the fault, affecting provision
   * @throws NullPointerException if extra is null
   */
  public static Fault slowProvisions(Duration extra) {
    return new Fault(Fault.Kind.SLOW, null).withExtraLatency(extra);
  }

  /**
   * Slow provisions in one region.
   *
   * @param region the region
   * @param extra zero or positive
   * @return the fault, affecting provision
   * @throws NullPointerException if region or extra is null
   * @see #slowProvisions(Duration)
   */
  public static Fault slowProvisions(String region, Duration extra) {
    return new Fault(Fault.Kind.SLOW, region(region)).withExtraLatency(extra);
  }

  /**
   * A slowdown of the whole cloud: provisions (add other operations with {@link Fault#operations}) that start in the
   * fault's window take {@code factor} times the latency drawn for them, before the extra time of any slow-provision
   * fault is added. Overlapping slowdowns multiply. A list takes as long as its slowest region.
   *
   * @param factor above 0.0 and at most {@value Fault#MAX_SLOWDOWN_FACTOR}; below 1.0 speeds calls up
   * @return the fault, affecting provision
   */
  public static Fault slowdown(double factor) {
    return new Fault(Fault.Kind.SLOWDOWN, null).withFactor(factor);
  }

  /**
   * A slowdown of one region.
   *
   * @param region the region
   * @param factor above 0.0 and at most {@value Fault#MAX_SLOWDOWN_FACTOR}
   * @return the fault, affecting provision
   * @throws NullPointerException if region is null
   * @see #slowdown(double)
   */
  public static Fault slowdown(String region, double factor) {
    return new Fault(Fault.Kind.SLOWDOWN, region(region)).withFactor(factor);
  }

  /**
   * Provisions that hang, then create late, in the whole cloud: the caller hears nothing until its request's
   * deadline, when it fails TRANSIENT, code {@code OperationTimedOut}, while the resource still appears, running,
   * {@link Fault#createdAfter} after the call (by default after the time the provision would have taken). It is
   * listed as {@code creating} until then. A retried provision for the same worker waits for the creation, or
   * finds the resource once it is running; a delete cancels the creation. This is what a hanging long-running
   * operation looks like, and why a timed-out create is not a failed create.
   *
   * @return the fault, affecting provision
   */
  public static Fault hangThenCreateLate() {
    return new Fault(Fault.Kind.HANG_THEN_CREATE, null);
  }

  /**
   * Provisions that hang, then create late, in one region.
   *
   * @param region the region
   * @return the fault, affecting provision
   * @throws NullPointerException if region is null
   * @see #hangThenCreateLate()
   */
  public static Fault hangThenCreateLate(String region) {
    return new Fault(Fault.Kind.HANG_THEN_CREATE, region(region));
  }

  /**
   * Provisions that never finish, in the whole cloud: the resource is listed as {@code creating} forever and the
   * caller fails TRANSIENT, code {@code OperationTimedOut}, at its request's deadline.
   *
   * @return the fault, affecting provision
   */
  public static Fault hangingProvisions() {
    return new Fault(Fault.Kind.HANG, null);
  }

  /**
   * Provisions that never finish, in one region.
   *
   * @param region the region
   * @return the fault, affecting provision
   * @throws NullPointerException if region is null
   * @see #hangingProvisions()
   */
  public static Fault hangingProvisions(String region) {
    return new Fault(Fault.Kind.HANG, region(region));
  }

  /**
   * Lost responses in the whole cloud: the call does its work (the resource IS created, or deleted), but the caller
   * fails at once, TRANSIENT, code {@code LostResponse}.
   *
   * @return the fault, affecting provision (add deprovision with {@link Fault#operations})
   */
  public static Fault lostResponses() {
    return new Fault(Fault.Kind.LOST_RESPONSE, null);
  }

  /**
   * Lost responses in one region.
   *
   * @param region the region
   * @return the fault, affecting provision (add deprovision with {@link Fault#operations})
   * @throws NullPointerException if region is null
   * @see #lostResponses()
   */
  public static Fault lostResponses(String region) {
    return new Fault(Fault.Kind.LOST_RESPONSE, region(region));
  }

  /**
   * Failing deletes in the whole cloud: after the delete latency the call fails TRANSIENT, code
   * {@code InternalServerError}, and the resource stays as it was.
   *
   * @return the fault, affecting deprovision
   */
  public static Fault failingDeletes() {
    return new Fault(Fault.Kind.FAILING_DELETE, null);
  }

  /**
   * Failing deletes in one region.
   *
   * @param region the region
   * @return the fault, affecting deprovision
   * @throws NullPointerException if region is null
   * @see #failingDeletes()
   */
  public static Fault failingDeletes(String region) {
    return new Fault(Fault.Kind.FAILING_DELETE, region(region));
  }

  /**
   * External deletion in the whole cloud: at {@link Fault#at} (required), {@link Fault#count} running resources
   * (1 by default) vanish from the inventory, as if an operator deleted them. The cloud remembers which
   * ({@link FakeCloud#externallyDeleted()}). {@link FakeCloud#deleteExternally(String)} does the same by hand.
   *
   * @return the fault
   */
  public static Fault externalDeletion() {
    return new Fault(Fault.Kind.EXTERNAL_DELETION, null);
  }

  /**
   * External deletion in one region.
   *
   * @param region the region
   * @return the fault
   * @throws NullPointerException if region is null
   * @see #externalDeletion()
   */
  public static Fault externalDeletion(String region) {
    return new Fault(Fault.Kind.EXTERNAL_DELETION, region(region));
  }

  private static String region(String region) {
    return Objects.requireNonNull(region, "region cannot be null");
  }
}
