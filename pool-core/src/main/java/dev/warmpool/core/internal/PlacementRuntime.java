package dev.warmpool.core.internal;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.api.PlacementStatus;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.WorkerProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the engine knows about one placement: its provider and whether provisions may go there now.
 *
 * <p>Engine-only (touched by the serial runner), except {@link #status} which snapshots read.
 */
final class PlacementRuntime {
  static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
  static final Duration BACKOFF_MAX = Duration.ofMinutes(5);

  final Placement placement;
  final WorkerProvider provider;
  private volatile int consecutiveFailures;
  private volatile Instant nextAttemptAt = Instant.MIN;
  private volatile int calls;
  private volatile int failures;

  PlacementRuntime(Placement placement, WorkerProvider provider) {
    this.placement = placement;
    this.provider = provider;
  }

  boolean mayProvision(Instant now) {
    return !now.isBefore(nextAttemptAt);
  }

  Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  void onSuccess() {
    calls++;
    consecutiveFailures = 0;
    nextAttemptAt = Instant.MIN;
  }

  void onFailure(Throwable failure, Instant now) {
    calls++;
    failures++;
    int n = ++consecutiveFailures;
    Duration backoff = BACKOFF_BASE.multipliedBy(1L << Math.min(n - 1, 16));
    if (backoff.compareTo(BACKOFF_MAX) > 0) {
      backoff = BACKOFF_MAX;
    }
    if (failure instanceof ProviderException pe && pe.kind() == FailureKind.THROTTLED && pe.retryAfter().isPresent()
        && pe.retryAfter().get().compareTo(backoff) > 0) {
      backoff = pe.retryAfter().get();
    }
    nextAttemptAt = now.plus(backoff);
  }

  PlacementStatus status(Instant now) {
    Instant next = nextAttemptAt;
    return new PlacementStatus(placement, PlacementState.CLOSED, calls, failures, Set.of(),
        next.isAfter(now) ? Optional.of(next) : Optional.empty());
  }
}
