package dev.warmpool.fake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The fake cloud's log of every call, in the order made: what {@link FakeCloud#calls()} and the call counts read.
 *
 * <p>Design: an entry is taken when a call is made and finished when its caller gets the answer, so a test sees a
 * pending create as {@link Outcome#PENDING}. An entry finishes once; a later answer (a timeout that lost the race
 * with a creation) does not rewrite it.
 *
 * <p>Not thread-safe: guarded by the cloud's lock.
 */
final class CallLog {
  private final List<Entry> entries = new ArrayList<>();

  Entry log(Instant now, Operation op, String region, String poolId, String workerId) {
    Entry e = new Entry(now, op, region, poolId, workerId);
    entries.add(e);
    return e;
  }

  List<Call> views() {
    return entries.stream().map(Entry::view).toList();
  }

  long count(Predicate<Entry> which) {
    return entries.stream().filter(which).count();
  }

  /** One call log entry; mutable until the call completes, guarded by the cloud's lock. */
  static final class Entry {
    final Instant at;
    final Operation operation;
    final String region;
    final String poolId;
    final String workerId;
    Outcome outcome = Outcome.PENDING;
    String code = "";
    Instant completedAt;

    Entry(Instant at, Operation operation, String region, String poolId, String workerId) {
      this.at = at;
      this.operation = operation;
      this.region = region;
      this.poolId = poolId;
      this.workerId = workerId;
    }

    void finish(Instant when, Outcome result, String errorCode) {
      if (completedAt == null) {
        outcome = result;
        code = errorCode;
        completedAt = when;
      }
    }

    Call view() {
      return new Call(at, operation, region, poolId, workerId, outcome, code, Optional.ofNullable(completedAt));
    }
  }
}
