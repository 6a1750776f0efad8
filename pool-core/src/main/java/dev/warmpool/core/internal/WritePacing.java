package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Write pacing per (provider, region): every provision and delete the pool sends to a placement first takes a token
 * from that placement's pacer, a token bucket whose rate the provider's answers teach (additive increase,
 * multiplicative decrease, as TCP learns a link's capacity).
 *
 * <p>Design: a provider's write budget (ARM's, the fake cloud's token buckets) is per provider and region and is not
 * announced, so each placement's pacer starts at {@link #INITIAL_RATE} writes a second and learns it. Until the first
 * throttle each admitted write raises the rate by {@link #SLOW_START} of itself (a provider that never throttles is
 * soon written to at full speed). A write the provider refuses with THROTTLED halves the rate (at most once per
 * round: the other writes sent before that cut were sent at the old rate and say nothing new) and pauses the
 * placement's writes until its retry-after (capped, {@link CallRetryPolicy#maxRetryAfter()}); from then on every
 * write it admits adds a fixed step, 1/{@link #WRITES_TO_RECOVER} of the rate right after the last cut, so the rate
 * is back where it was refused after {@value #WRITES_TO_RECOVER} admitted writes, and one refused write in a round
 * costs a few percent of the writes. The bucket holds one second of tokens (at least {@value #MIN_BURST}) and gathers
 * none during a pause,
 * so when a pause ends the waiting writes resume one token at a time at the learnt rate, never all at once. A write that waits longer than its latest start fails THROTTLED with code {@value #PACED_OUT} and was never
 * sent. Every node paces its own writes (the leader of a shared pool sends them). Thread-safe: each pacer is guarded
 * by its own lock; futures complete outside it, on the clock's thread.
 */
final class WritePacing {
  /** The rate a placement starts at, in writes a second. */
  static final double INITIAL_RATE = 10.0;
  /** Before a placement's first throttle, each admitted write raises its rate by this share. */
  static final double SLOW_START = 0.05;
  /** The lowest rate: one write every ten seconds. */
  static final double MIN_RATE = 0.1;
  /** The fewest tokens the bucket holds when full, so writes that come together after a quiet spell go together. */
  static final double MIN_BURST = 5;
  /** The highest rate. */
  static final double MAX_RATE = 1000.0;
  /** Admitted writes that bring the rate back from a cut to where it was. */
  static final int WRITES_TO_RECOVER = 40;
  /** The code of a write that waited for its token past its latest start, and was never sent. */
  static final String PACED_OUT = "WritePaced";

  private final PoolClock clock;
  private final Duration maxRetryAfter;
  private final Map<String, Pacer> pacers = new ConcurrentHashMap<>();

  WritePacing(PoolClock clock, Duration maxRetryAfter) {
    this.clock = clock;
    this.maxRetryAfter = maxRetryAfter;
  }

  /** The pacer of a placement, made at its first write. */
  Pacer of(Placement placement) {
    return pacers.computeIfAbsent(placement.key(), k -> new Pacer(k));
  }

  /** A provider's retry-after, no longer than the cap. */
  Duration capped(Duration retryAfter) {
    return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
  }

  /**
   * The failure as the pool acts on it: a provider exception whose retry-after passes the cap becomes one with the
   * capped retry-after (same kind, code and message, the original as its cause); anything else stays as it is.
   */
  Throwable capped(Throwable failure) {
    if (failure instanceof ProviderException pe && pe.retryAfter().isPresent()
        && pe.retryAfter().get().compareTo(maxRetryAfter) > 0) {
      return new ProviderException(pe.kind(), pe.code(), pe.getMessage() + " (retry-after " + pe.retryAfter().get()
          + " capped at " + maxRetryAfter + ")", maxRetryAfter, pe);
    }
    return failure;
  }

  /** One placement's token bucket and what it learnt. */
  final class Pacer {
    private final String key;
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    private double rate = INITIAL_RATE;
    private double step = INITIAL_RATE / WRITES_TO_RECOVER;
    private double tokens = INITIAL_RATE;
    private Instant refilledAt;
    private Instant pausedUntil = Instant.MIN;
    private Instant lastCut = Instant.MIN;
    /** When the current round began: the first write, or the last cut. */
    private Instant roundStart;
    private long admittedInRound;
    private PoolClock.Scheduled wake;
    private long sent;
    private long throttled;

    private Pacer(String key) {
      this.key = key;
    }

    /**
     * A token for one write, now or when the bucket has one; fails with {@value #PACED_OUT} if none comes before
     * {@code latest}. The future completes with the instant the write may be sent.
     */
    CompletableFuture<Instant> acquire(Instant latest) {
      Ticket ticket = new Ticket(latest);
      List<Ticket> ready;
      synchronized (this) {
        queue.addLast(ticket);
        ready = drain(clock.now());
      }
      complete(ready);
      if (!ticket.future.isDone()) {
        // a ticket that would wait past its latest start leaves the queue then, without a write
        ticket.expiry = clock.schedule(Duration.between(clock.now(), latest).isNegative() ? Duration.ZERO
            : Duration.between(clock.now(), latest), () -> expire(ticket));
      }
      return ticket.future;
    }

    /** A write this pacer let through was admitted (answered with anything but THROTTLED). */
    synchronized void admitted() {
      admittedInRound++;
      // before its first throttle a placement's rate grows by a share of itself (a slow start, as TCP's), so a provider
      // that never throttles is not held at the initial rate; after one, by the fixed step
      rate = Math.min(MAX_RATE, lastCut.equals(Instant.MIN) ? rate * (1 + SLOW_START) : rate + step);
    }

    /**
     * A write sent at {@code sentAt} was refused with THROTTLED: halves the rate once per round and pauses the
     * placement's writes until the (capped) retry-after, or {@code defaultPause} when the provider named none.
     */
    void throttled(Instant sentAt, Duration retryAfter, Duration defaultPause) {
      Instant now = clock.now();
      synchronized (this) {
        throttled++;
        if (sentAt.isAfter(lastCut)) {
          // never above what the provider admitted since the last cut: with a long retry-after most of a round is
          // the pause, and a rate the pause hides would hit the limit again at once
          double seconds = roundStart == null ? 0 : Duration.between(roundStart, now).toNanos() / 1e9;
          double observed = seconds > 0 && admittedInRound > 0 ? admittedInRound / seconds : Double.MAX_VALUE;
          rate = Math.max(MIN_RATE, Math.min(rate / 2, observed));
          admittedInRound = 0;
          roundStart = now;
          step = rate / WRITES_TO_RECOVER;
          lastCut = now;
          tokens = Math.min(tokens, 0);
        }
        Instant until = now.plus(retryAfter != null ? capped(retryAfter) : defaultPause);
        if (until.isAfter(pausedUntil)) {
          pausedUntil = until;
        }
        arm(now);
      }
    }

    /** The current rate, in writes a second. */
    synchronized double rate() {
      return rate;
    }

    /** Writes let through so far. */
    synchronized long sent() {
      return sent;
    }

    /** When the pacer's writes resume, or a time in the past when they are not paused. */
    synchronized Instant pausedUntil() {
      return pausedUntil;
    }

    /** Takes what the bucket holds for the queue's head, in order; arms the next wake-up. Holds the lock. */
    private List<Ticket> drain(Instant now) {
      refill(now);
      List<Ticket> ready = new ArrayList<>();
      while (!queue.isEmpty() && !now.isBefore(pausedUntil) && tokens >= 1) {
        Ticket t = queue.pollFirst();
        if (t.future.isDone()) {
          continue;
        }
        tokens -= 1;
        sent++;
        if (roundStart == null) {
          roundStart = now;
        }
        ready.add(t);
      }
      arm(now);
      return ready;
    }

    private void refill(Instant now) {
      if (refilledAt == null) {
        refilledAt = now;
        return;
      }
      // no tokens accrue during a pause: when it ends, writes resume one token at a time, not in a burst
      Instant from = refilledAt.isBefore(pausedUntil) ? pausedUntil : refilledAt;
      if (now.isAfter(from)) {
        double seconds = Duration.between(from, now).toNanos() / 1e9;
        tokens = Math.min(Math.max(MIN_BURST, rate), tokens + seconds * rate);
      }
      if (now.isAfter(refilledAt)) {
        refilledAt = now;
      }
    }

    /** Schedules one wake-up for when the queue's head can go: after the pause and once a token is whole. */
    private void arm(Instant now) {
      if (queue.isEmpty() || wake != null) {
        return;
      }
      Instant at = now.isBefore(pausedUntil) ? pausedUntil : now;
      if (tokens < 1) {
        long nanos = (long) Math.ceil((1 - tokens) / rate * 1e9);
        Instant tokenAt = now.plusNanos(nanos);
        if (tokenAt.isAfter(at)) {
          at = tokenAt;
        }
      }
      wake = clock.schedule(Duration.between(now, at), () -> {
        List<Ticket> ready;
        synchronized (this) {
          wake = null;
          ready = drain(clock.now());
        }
        complete(ready);
      });
    }

    private void expire(Ticket ticket) {
      ProviderException refusal;
      synchronized (this) {
        if (ticket.future.isDone()) {
          return;
        }
        queue.remove(ticket);
        refusal = ProviderException.throttled(PACED_OUT, "the pool paced its writes to " + key + " ("
            + String.format(java.util.Locale.ROOT, "%.2f", rate) + " a second after the provider's throttling) and"
            + " this write found no turn before " + ticket.latest + "; it was not sent", null);
      }
      ticket.future.completeExceptionally(refusal);
    }

    private void complete(List<Ticket> ready) {
      Instant now = clock.now();
      for (Ticket t : ready) {
        if (t.expiry != null) {
          t.expiry.cancel();
        }
        t.future.complete(now);
      }
    }

    @Override
    public synchronized String toString() {
      return "Pacer[" + key + ", rate=" + rate + ", sent=" + sent + ", throttled=" + throttled + "]";
    }
  }

  /** One write waiting for its token. */
  private static final class Ticket {
    final Instant latest;
    final CompletableFuture<Instant> future = new CompletableFuture<>();
    volatile PoolClock.Scheduled expiry;

    Ticket(Instant latest) {
      this.latest = latest;
    }
  }
}
