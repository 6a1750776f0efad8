package dev.warmpool.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Who leads a shared pool: the one node that replenishes, recycles and reconciles.
 *
 * <p>Leadership is a lease: it lasts until {@link #expiresAt()} unless the leader renews it. Every take-over by a
 * new node (or by the same node after its lease expired) adds one to the {@link #epoch()}, and every write a leader
 * makes names its epoch, so a leader that was paused past its lease cannot act once another took over.
 *
 * @param node the leading node
 * @param epoch the leadership's fencing epoch; grows with every take-over
 * @param expiresAt when the leadership ends unless renewed, on the leader's pool clock
 *
 * @since 0.1
 */
public record Leadership(String node, long epoch, Instant expiresAt) {

  /**
   * Checks the components.
   *
   * @param node the leading node
   * @param epoch the epoch, positive
   * @param expiresAt when it ends unless renewed
   * @throws NullPointerException if node or expiresAt is null
   * @throws IllegalArgumentException if epoch is not positive
   */
  public Leadership {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch must be > 0, got " + epoch);
    }
  }
}
