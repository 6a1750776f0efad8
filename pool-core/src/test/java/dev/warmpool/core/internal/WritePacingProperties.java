package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Placement;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The write pacer against a provider's token bucket it does not know: whatever the bucket's burst, refill and
 * retry-after, a backlog of writes sent through the pacer stays within the bucket's budget plus 5% (refused writes
 * count), and the pacer does not starve the backlog.
 */
class WritePacingProperties {
  private static final Placement WESTEUROPE = Placement.of("fake", "westeurope", "eu");

  /** A provider's write bucket, as ARM's and the fake cloud's: starts full at the first write. */
  static final class Bucket {
    final int burst;
    final int refill;
    /** A fixed retry-after, or null for the time until the next token. */
    final Duration retryAfter;
    double tokens;
    Instant at;
    Instant first;
    long admitted;
    long refused;

    Bucket(int burst, int refill, Duration retryAfter) {
      this.burst = burst;
      this.refill = refill;
      this.retryAfter = retryAfter;
    }

    /** Null if admitted, else the retry-after it answers with. */
    Duration take(Instant now) {
      if (at == null) {
        tokens = burst;
        first = now;
      } else {
        tokens = Math.min(burst, tokens + Duration.between(at, now).toNanos() / 1e9 * refill);
      }
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        admitted++;
        return null;
      }
      refused++;
      return retryAfter != null ? retryAfter
          : Duration.ofMillis((long) Math.ceil((1 - tokens) / refill * 1000));
    }

    long budget(Instant now) {
      return first == null ? burst : burst + (long) (Duration.between(first, now).toNanos() / 1e9 * refill);
    }
  }

  /** A backlog of {@code writes} that each go until admitted, re-queued when refused; returns the bucket. */
  static Bucket run(Bucket bucket, int writes, Duration maxRetryAfter, Duration runFor, List<long[]> checkpoints) {
    VirtualClock clock = new VirtualClock();
    WritePacing.Pacer pacer = new WritePacing(clock, maxRetryAfter).of(WESTEUROPE);
    Instant end = clock.now().plus(runFor);
    int[] pending = {writes};
    for (int i = 0; i < writes; i++) {
      send(clock, pacer, bucket, end);
    }
    for (Instant t = clock.now(); t.isBefore(end); t = t.plus(Duration.ofMinutes(1))) {
      clock.runUntil(t.plus(Duration.ofMinutes(1)));
      checkpoints.add(new long[] {bucket.admitted + bucket.refused, bucket.budget(clock.now())});
    }
    return bucket;
  }

  private static void send(VirtualClock clock, WritePacing.Pacer pacer, Bucket bucket, Instant end) {
    pacer.acquire(end).thenAccept(sentAt -> {
      Duration refusedFor = bucket.take(clock.now());
      if (refusedFor == null) {
        pacer.admitted();
      } else {
        pacer.throttled(sentAt, refusedFor, Duration.ofSeconds(30));
        send(clock, pacer, bucket, end); // the same write, once the pacer gives it a turn again
      }
    });
  }

  @Property(tries = 60)
  void writesStayWithinAnyBucketsBudget(@ForAll @IntRange(min = 1, max = 200) int burst,
      @ForAll @IntRange(min = 1, max = 20) int refill, @ForAll @IntRange(min = 0, max = 300) int retryAfterSeconds,
      @ForAll @IntRange(min = 50, max = 5000) int backlog) {
    Duration retryAfter = retryAfterSeconds == 0 ? null : Duration.ofSeconds(retryAfterSeconds);
    List<long[]> checkpoints = new ArrayList<>();
    Bucket b = run(new Bucket(burst, refill, retryAfter), backlog, Duration.ofMinutes(5), Duration.ofMinutes(30),
        checkpoints);
    // from the fifth minute on (the pacer's first second may pass a tiny burst), at every minute
    for (int m = 4; m < checkpoints.size(); m++) {
      long[] c = checkpoints.get(m);
      assertThat((double) c[0]).as("writes by minute %d vs budget %d (refused %d)", m + 1, c[1], b.refused)
          .isLessThanOrEqualTo(c[1] * 1.05);
    }
  }

  @Test
  void aBacklogIsServedAtMostOfTheBucketsRefillWithAShortRetryAfter() {
    List<long[]> checkpoints = new ArrayList<>();
    Bucket b = run(new Bucket(20, 1, Duration.ofSeconds(1)), 5_000, Duration.ofMinutes(5), Duration.ofMinutes(30),
        checkpoints);
    long budget = checkpoints.get(checkpoints.size() - 1)[1];
    assertThat((double) b.admitted).as("admitted of a budget of %d", budget).isGreaterThan(budget * 0.7);
    assertThat((double) b.refused).as("refused of %d admitted", b.admitted).isLessThan(b.admitted * 0.05);
  }

  @Test
  void aThrottleHalvesTheRateOncePerRoundAndAdmittedWritesBringItBack() {
    VirtualClock clock = new VirtualClock();
    WritePacing.Pacer pacer = new WritePacing(clock, Duration.ofMinutes(5)).of(WESTEUROPE);
    Instant sent = clock.now();
    clock.advance(Duration.ofMillis(1));
    pacer.throttled(sent, Duration.ofSeconds(1), Duration.ofSeconds(30));
    double cut = pacer.rate();
    assertThat(cut).isEqualTo(WritePacing.INITIAL_RATE / 2);
    pacer.throttled(sent, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(pacer.rate()).as("a second refusal of a write sent before the cut").isEqualTo(cut);
    for (int i = 0; i < WritePacing.WRITES_TO_RECOVER; i++) {
      pacer.admitted();
    }
    assertThat(pacer.rate()).isCloseTo(WritePacing.INITIAL_RATE, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void writesWaitForTheRetryAfterThenResumeGradually() {
    VirtualClock clock = new VirtualClock();
    WritePacing.Pacer pacer = new WritePacing(clock, Duration.ofMinutes(5)).of(WESTEUROPE);
    pacer.throttled(clock.now(), Duration.ofMinutes(2), Duration.ofSeconds(30));
    List<Instant> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pacer.acquire(clock.now().plus(Duration.ofHours(1))).thenAccept(sent::add);
    }
    Instant resume = clock.now().plus(Duration.ofMinutes(2));
    clock.runUntil(resume.minusMillis(1));
    assertThat(sent).as("nothing before the retry-after").isEmpty();
    clock.runUntil(resume);
    assertThat(sent.size()).as("at the end of the pause: one token at a time, at the learnt rate").isLessThanOrEqualTo(1);
    clock.runUntil(resume.plus(Duration.ofSeconds(1)));
    assertThat(sent.size()).as("a second after: about the learnt rate")
        .isLessThanOrEqualTo((int) Math.ceil(WritePacing.INITIAL_RATE / 2) + 1);
    clock.runUntil(resume.plus(Duration.ofMinutes(1)));
    assertThat(sent).hasSize(20);
  }

  @Test
  void aRetryAfterPastTheCapPausesForTheCap() {
    VirtualClock clock = new VirtualClock();
    WritePacing.Pacer pacer = new WritePacing(clock, Duration.ofSeconds(30)).of(WESTEUROPE);
    pacer.throttled(clock.now(), Duration.ofHours(6), Duration.ofSeconds(30));
    assertThat(pacer.pausedUntil()).isEqualTo(clock.now().plus(Duration.ofSeconds(30)));
  }
}
