package dev.warmpool.fake;

import java.time.Duration;
import java.time.Instant;

/**
 * One token bucket of a {@link Faults#writeTokenBucket()} fault in one region: {@code burst} tokens when full,
 * refilled at {@code refillPerSecond}; a call takes one token or is refused.
 *
 * <p>Design: credit is kept in whole units of a billionth of a token, in {@code long}s, and a nanosecond of time
 * adds {@code refillPerSecond} units, so the arithmetic is exact: over any stretch of time the bucket admits at
 * most {@code burst + refillPerSecond * seconds} calls, counted from its first call (it starts full then), with no
 * rounding drift. Overflow cannot happen: a long gap fills the bucket without multiplying.
 *
 * <p>Not thread-safe: guarded by the cloud's lock.
 */
final class TokenBucket {
  /** Credit units in one token. */
  static final long UNIT = 1_000_000_000L;

  private final long capacity;
  private final long refillPerSecond;
  private long credit;
  private Instant refilledAt;
  private long admitted;
  private long refused;

  TokenBucket(int burst, int refillPerSecond) {
    this.capacity = burst * UNIT;
    this.refillPerSecond = refillPerSecond;
  }

  /**
   * Takes a token for a call made at {@code now} (not before the previous call's instant).
   *
   * @return null if the call is admitted; otherwise how long until the next token, rounded up to milliseconds
   */
  Duration take(Instant now) {
    if (refilledAt == null) {
      credit = capacity;
    } else if (now.isAfter(refilledAt)) {
      long nanos = saturatedNanos(refilledAt, now);
      long room = capacity - credit;
      credit = nanos >= ceilDiv(room, refillPerSecond) ? capacity : credit + nanos * refillPerSecond;
    }
    if (refilledAt == null || now.isAfter(refilledAt)) {
      refilledAt = now;
    }
    if (credit >= UNIT) {
      credit -= UNIT;
      admitted++;
      return null;
    }
    refused++;
    long nanos = ceilDiv(UNIT - credit, refillPerSecond);
    return Duration.ofMillis(ceilDiv(nanos, 1_000_000L));
  }

  /** {@return how many calls it admitted} */
  long admitted() {
    return admitted;
  }

  /** {@return how many calls it refused} */
  long refused() {
    return refused;
  }

  private static long saturatedNanos(Instant from, Instant to) {
    try {
      return Duration.between(from, to).toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
