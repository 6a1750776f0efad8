package dev.warmpool.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a node asks a {@link PoolStore} for when it grants a lease: an IDLE worker of a template, in one of the
 * placements the request accepts, that the tenant may use, and, if {@link #idleBefore()} is set, that has been idle
 * since that time or earlier.
 *
 * <p>A store prefers, in order: the earlier placement in {@link #placements()}, then a worker already bound to
 * {@link #tenantKey()} (warm for that tenant), then a fresh one (tenant null), then the one idle longest. A worker
 * bound to another tenant is never eligible. Immutable and thread-safe.
 *
 * @param template the template's name
 * @param placements the acceptable placement keys, most preferred first; not empty
 * @param tenantKey the tenant key the granted worker will be bound to ({@code "*"} for templates shared across
 *     tenants)
 * @param node the node granting the lease (its holder)
 * @param leaseId the new lease's id
 * @param now the pool clock's time: the grant time
 * @param deadline when the lease expires, or null if it lasts until released
 * @param idleBefore only a worker idle since this time or earlier is eligible (one without an idle time is), or null
 *     for any idle worker: a node serving fair shares leaves a worker that just became idle to the node where a
 *     request that ranks first waits
 *
 * @since 0.1
 */
public record GrantQuery(String template, List<String> placements, String tenantKey, String node, String leaseId,
    Instant now, Instant deadline, Instant idleBefore) {

  /**
   * Checks the components and copies the placements.
   *
   * @param template the template's name
   * @param placements the acceptable placement keys
   * @param tenantKey the tenant key
   * @param node the granting node
   * @param leaseId the new lease's id
   * @param now the grant time
   * @param deadline the lease's deadline, or null
   * @param idleBefore the latest idle time an eligible worker may have, or null for any
   * @throws NullPointerException if a component other than deadline and idleBefore is null
   * @throws IllegalArgumentException if placements is empty
   */
  public GrantQuery {
    Objects.requireNonNull(template, "template cannot be null");
    placements = List.copyOf(Objects.requireNonNull(placements, "placements cannot be null"));
    if (placements.isEmpty()) {
      throw new IllegalArgumentException("placements cannot be empty");
    }
    Objects.requireNonNull(tenantKey, "tenantKey cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(leaseId, "leaseId cannot be null");
    Objects.requireNonNull(now, "now cannot be null");
  }

  /**
   * A query for any idle worker, whenever it became idle.
   *
   * @param template the template's name
   * @param placements the acceptable placement keys
   * @param tenantKey the tenant key
   * @param node the granting node
   * @param leaseId the new lease's id
   * @param now the grant time
   * @param deadline the lease's deadline, or null
   * @throws NullPointerException if a component other than deadline is null
   * @throws IllegalArgumentException if placements is empty
   */
  public GrantQuery(String template, List<String> placements, String tenantKey, String node, String leaseId,
      Instant now, Instant deadline) {
    this(template, placements, tenantKey, node, leaseId, now, deadline, null);
  }
}
