package dev.warmpool.core.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.PlacementState;
import dev.warmpool.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Calls to providers: one place that turns a synchronous throw or a null future into a failed future, and the
 * per-call retries of provisions (Failsafe, on the pool's clock), behind the write pacing of each placement.
 *
 * <p>Design: Failsafe's {@link RetryPolicy} runs on a {@link ClockScheduler}, so retries follow virtual time in tests
 * and simulations, and its jitter comes from the pool's seeded random, so a replay is the same every time. Only
 * TRANSIENT failures are retried in place, and only while the placement stays closed, the pool is open and the
 * deadline is ahead: a throttle, a capacity error or an invalid request goes back to the control loop, which paces
 * and places the next attempt. Every attempt's failure reaches the placement board, whether or not it is retried.
 * Every write, each attempt of a provision and each delete, first takes a token from its placement's
 * {@link WritePacing} pacer and tells it how the provider answered. A failure that names a retry-after, of any kind,
 * is retried no sooner than that (capped at {@link CallRetryPolicy#maxRetryAfter()}). Thread-safe.
 */
final class ProviderCalls {
  private final PoolRuntime rt;
  private final CallRetryPolicy policy;
  private final ClockScheduler scheduler;
  private final Random jitter;
  private final WritePacing pacing;

  ProviderCalls(PoolRuntime rt) {
    this.rt = rt;
    this.policy = rt.config.retries();
    this.scheduler = new ClockScheduler(rt.clock);
    this.jitter = new Random(policy.seed());
    this.pacing = rt.pacing;
  }

  /**
   * Sends one write to a placement when its pacer gives it a token (no later than {@code latest}), and tells the
   * pacer how the provider answered. A write that found no token in time fails THROTTLED with code
   * {@value WritePacing#PACED_OUT}, unsent.
   */
  static <T> CompletableFuture<T> paced(PoolRuntime rt, PlacementHealth health, Instant latest,
      Supplier<CompletableFuture<T>> write) {
    WritePacing.Pacer pacer = rt.pacing.of(health.placement);
    return pacer.acquire(latest).thenCompose(sentAt -> call(write).whenComplete((v, failure) -> {
      Throwable f = unwrap(failure);
      if (unsent(f)) {
        return; // the caller did not send it after all (see withRetries): it says nothing of the provider's throttle
      }
      if (f != null && kind(f) == FailureKind.THROTTLED) {
        pacer.throttled(sentAt, ((ProviderException) f).retryAfter().orElse(null),
            rt.config.health().throttleDefault());
      } else {
        pacer.admitted(); // any other answer passed the provider's throttle
      }
    }));
  }

  /** The code of a retried create not sent because its placement opened during the retry's delay. */
  static final String OPENED = "PlacementOpened";

  /**
   * What a provision's failure says about the provider: for a retry not sent because the placement opened, the
   * provider's answer to the attempt before it (a 503, say), noted as not retried; else the failure itself.
   */
  static Throwable providerFailure(Throwable failure) {
    if (failure instanceof ProviderException pe && pe.code().equals(OPENED)
        && pe.getCause() instanceof ProviderException sent) {
      return new ProviderException(sent.kind(), sent.code(), sent.getMessage() + " (not retried: the placement "
          + "opened)", sent.retryAfter().orElse(null), pe);
    }
    return failure;
  }

  /** Whether a failure stands for a write never sent: paced out, or a retry into a placement that opened. */
  static boolean unsent(Throwable failure) {
    return pacedOut(failure) || failure instanceof ProviderException pe && pe.code().equals(OPENED);
  }

  /** Whether a failure is the pacer's refusal of a write it never sent. */
  static boolean pacedOut(Throwable failure) {
    return failure instanceof ProviderException pe && pe.kind() == FailureKind.THROTTLED
        && pe.code().equals(WritePacing.PACED_OUT);
  }

  /** Half the time left until {@code deadline}: the latest a paced write may still start. */
  private Instant latestStart(Instant deadline) {
    Instant now = rt.clock.now();
    return deadline.isAfter(now) ? now.plus(Duration.between(now, deadline).dividedBy(2)) : now;
  }

  /**
   * Calls the provider with retries; every failed attempt is handed to {@code onFailure} on the caller's thread of
   * the answer (the board queues it onto the runner).
   */
  <T> CompletableFuture<T> withRetries(PlacementHealth health, Instant deadline, BooleanSupplier stillOurs,
      Supplier<CompletableFuture<T>> call, java.util.function.Consumer<Throwable> onFailure) {
    RetryPolicy<T> retry = RetryPolicy.<T>builder()
        // a leader of a shared pool that lost the leadership (or knows it is late) retries nothing
        .handleIf((result, failure) -> failure != null && stillOurs.getAsBoolean()
            && retryable(unwrap(failure), health, deadline))
        .withMaxAttempts(policy.maxAttempts())
        .withDelayFn(ctx -> retryDelay(ctx.getAttemptCount(), unwrap(ctx.getLastException())))
        .build();
    // Failsafe tells its own listeners only about failures it handles: the hook sees every attempt's failure
    // a retry fires after its delay: the node may have stopped leading meanwhile (a pause), so each attempt asks again
    return Failsafe.with(retry).with(scheduler).getStageAsync(ctx -> (stillOurs.getAsBoolean()
        ? paced(rt, health, latestStart(deadline), () -> !stillOurs.getAsBoolean()
            // a write that waited for its turn asks again: the node may have stopped leading meanwhile
            ? CompletableFuture.<T>failedFuture(ProviderException.transientFailure("NotLeading",
                "this node stopped leading while the write waited for its turn"))
            // and the placement may have opened meanwhile (a retry's delay, a turn behind the pacer): an open
            // placement takes no create, only the half-open probes. A first attempt goes unsent, as one paced out;
            // a retry ends unsent too, but as the transient failure it retries (the earlier attempt may have made a
            // resource, which the next listing resolves)
            : health.state() == PlacementState.OPEN ? CompletableFuture.<T>failedFuture(ctx.isFirstAttempt()
                ? ProviderException.throttled(WritePacing.PACED_OUT, "the placement " + health.placement.key()
                    + " opened while this create waited for its turn; it was not sent", null)
                : new ProviderException(FailureKind.TRANSIENT, OPENED, "the placement " + health.placement.key()
                    + " opened before this retry; it was not sent", null, unwrap(ctx.getLastException())))
            : call.get())
        : CompletableFuture.<T>failedFuture(ProviderException.transientFailure("NotLeading",
            "this node stopped leading before the retry")))
        .whenComplete((v, failure) -> {
          // a write the pacer never sent says nothing about the placement
          if (failure != null && stillOurs.getAsBoolean() && !unsent(unwrap(failure))) {
            onFailure.accept(pacing.capped(unwrap(failure)));
          }
        }));
  }

  private boolean retryable(Throwable failure, PlacementHealth health, Instant deadline) {
    Duration longest = retryAfter(failure).filter(d -> d.compareTo(policy.maxRetryDelay()) > 0)
        .orElse(policy.maxRetryDelay());
    return kind(failure) == FailureKind.TRANSIENT && health.isClosed() && !rt.closing()
        && rt.clock.now().plus(longest).isBefore(deadline);
  }

  /** The failure's retry-after, capped, if it named one. */
  private java.util.Optional<Duration> retryAfter(Throwable failure) {
    return failure instanceof ProviderException pe ? pe.retryAfter().map(pacing::capped)
        : java.util.Optional.empty();
  }

  /**
   * Exponential from the first retry delay, capped, with jitter in [50%, 100%] from the pool's seeded random; never
   * sooner than the failure's (capped) retry-after.
   */
  private Duration retryDelay(int attempts, Throwable failure) {
    Duration d = policy.retryDelay().multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
    if (d.compareTo(policy.maxRetryDelay()) > 0) {
      d = policy.maxRetryDelay();
    }
    double factor;
    synchronized (jitter) {
      factor = 0.5 + jitter.nextDouble() / 2;
    }
    Duration jittered = Duration.ofMillis((long) (d.toMillis() * factor));
    Duration asked = retryAfter(failure).orElse(Duration.ZERO);
    return asked.compareTo(jittered) > 0 ? asked : jittered;
  }

  /** Calls the provider once, turning a synchronous throw or a null future into a failed future. */
  static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> f = call.get();
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("provider returned null"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static FailureKind kind(Throwable failure) {
    return failure instanceof ProviderException pe ? pe.kind() : FailureKind.TRANSIENT;
  }

  static boolean gone(Throwable failure) {
    return failure == null || kind(failure) == FailureKind.NOT_FOUND && failure instanceof ProviderException;
  }
}
