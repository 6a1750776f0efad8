package dev.warmpool.core.internal;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A lease request that found no idle worker and waits, ordered by priority (highest first), then arrival. */
final class Waiter implements Comparable<Waiter> {
  final LeaseRequest request;
  final String tenantKey;
  final long seq;
  final Instant since;
  final CompletableFuture<Lease> future = new CompletableFuture<>();
  volatile PoolClock.Scheduled timeout;

  Waiter(LeaseRequest request, String tenantKey, long seq, Instant since) {
    this.request = request;
    this.tenantKey = tenantKey;
    this.seq = seq;
    this.since = since;
  }

  @Override
  public int compareTo(Waiter o) {
    int c = Integer.compare(o.request.priority(), request.priority());
    return c != 0 ? c : Long.compare(seq, o.seq);
  }
}
