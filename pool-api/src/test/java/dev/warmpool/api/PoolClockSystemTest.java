package dev.warmpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PoolClockSystemTest {

  @Test
  void readsTheSystemTime() {
    Instant before = Instant.now();
    Instant now = PoolClock.system().now();
    assertThat(now).isBetween(before, Instant.now());
  }

  @Test
  void theSharedClockRunsTasksOnOneDaemonThread() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    PoolClock.system().schedule(Duration.ZERO, () -> ran.complete(Thread.currentThread()));
    Thread t = ran.get(10, TimeUnit.SECONDS);
    assertThat(t.getName()).isEqualTo("warmpool-clock");
    assertThat(t.isDaemon()).isTrue();
    assertThat(PoolClock.system()).isSameAs(PoolClock.system());
  }

  @Test
  void runsATaskAfterItsDelayAndNotBefore() throws Exception {
    CompletableFuture<Instant> ran = new CompletableFuture<>();
    PoolClock clock = PoolClock.system();
    Instant scheduledAt = clock.now();
    clock.schedule(Duration.ofMillis(50), () -> ran.complete(clock.now()));
    assertThat(ran.get(10, TimeUnit.SECONDS)).isAfterOrEqualTo(scheduledAt.plusMillis(50));
  }

  @Test
  void aCancelledTaskNeverRunsAndANegativeOrHugeDelayIsAccepted() throws Exception {
    ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor();
    try {
      PoolClock clock = PoolClock.system(own);
      AtomicBoolean ranCancelled = new AtomicBoolean();
      PoolClock.Scheduled far = clock.schedule(Duration.ofDays(365L * 1000), () -> ranCancelled.set(true));
      PoolClock.Scheduled soon = clock.schedule(Duration.ofMillis(20), () -> ranCancelled.set(true));
      assertThat(soon.cancel()).isTrue();
      assertThat(far.cancel()).isTrue();
      assertThat(far.cancel()).isFalse();
      CompletableFuture<Thread> ran = new CompletableFuture<>();
      clock.schedule(Duration.ofSeconds(-5), () -> ran.complete(Thread.currentThread()));
      assertThat(ran.get(10, TimeUnit.SECONDS).getName()).doesNotContain("warmpool-clock");
      // the single thread ran the later task, so the cancelled one (due earlier) would have run before it
      assertThat(ranCancelled).isFalse();
    } finally {
      own.shutdownNow();
    }
  }

  @Test
  void rejectsNulls() {
    assertThatNullPointerException().isThrownBy(() -> PoolClock.system(null)).withMessageContaining("scheduler");
    assertThatNullPointerException().isThrownBy(() -> PoolClock.system().schedule(null, () -> { }))
        .withMessageContaining("delay");
    assertThatNullPointerException().isThrownBy(() -> PoolClock.system().schedule(Duration.ZERO, null))
        .withMessageContaining("task");
  }
}
