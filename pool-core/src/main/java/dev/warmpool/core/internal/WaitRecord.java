package dev.warmpool.core.internal;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A template's lease waits since the pool started, for the quantiles the snapshot reports: every grant counts, and
 * the longest waits are kept (at most {@value #KEPT}), which is exact for the high quantiles that an objective is
 * about and bounded in memory.
 *
 * <p>Design: the lease path bumps a striped counter per grant and takes the monitor only for a grant that waited
 * (a request that found no idle worker, off the hot path).
 */
final class WaitRecord {
  static final int KEPT = 4096;
  private final LongAdder grants = new LongAdder();
  private final PriorityQueue<Long> longest = new PriorityQueue<>();
  private long waited;
  private long maxMillis;

  void granted(Duration wait) {
    grants.increment();
    long ms = wait.toMillis();
    if (ms > 0) {
      synchronized (this) {
        waited++;
        maxMillis = Math.max(maxMillis, ms);
        longest.add(ms);
        if (longest.size() > KEPT) {
          longest.poll();
        }
      }
    }
  }

  /** The q-quantile of all waits (nearest rank), or null when nothing was granted yet. */
  synchronized Duration quantile(double q) {
    long n = grants.sum();
    if (n == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    long above = n - rank; // waits longer than the one at the rank
    if (above >= waited) {
      return Duration.ZERO;
    }
    Long[] sorted = longest.toArray(new Long[0]);
    java.util.Arrays.sort(sorted);
    int index = sorted.length - 1 - (int) Math.min(above, sorted.length - 1);
    return Duration.ofMillis(sorted[index]);
  }

  synchronized Duration max() {
    return Duration.ofMillis(maxMillis);
  }
}
