package dev.warmpool.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One worker as a {@link PoolStore} keeps it: the row every node of a shared pool reads and writes.
 *
 * <p>A row is written whole and guarded by its {@link #generation()}: a store changes a row only if the generation it
 * holds is the one the writer read, and every change adds one to it. Immutable and thread-safe.
 *
 * @param id the worker's id, unique within the pool; the provider derives the resource's name from it
 * @param template the worker's template
 * @param placement the key of the worker's placement ({@code provider/region})
 * @param state where the worker is in its life
 * @param generation the row's version: starts at 0 and grows by one with every change
 * @param grants how many times the worker was granted; the latest lease's fencing token
 * @param epoch the leadership epoch of the last leader write, or 0 if no leader wrote the row
 * @param resourceId the provider's id of the resource; empty until the provider answered
 * @param attributes how to reach the worker, as the provider reported it
 * @param tenant the tenant key the worker is bound to once used, or null while it is fresh. A grant matches the key
 *     exactly; a template shared across tenants grants every request under the one key {@code "*"}, which is how
 *     its workers serve every tenant
 * @param holder the node that holds the lease (LEASED) or that runs the provider call (PROVISIONING, DELETING), or
 *     null
 * @param leaseId the id of the lease while LEASED, or null
 * @param grantedAt when the current lease was granted, or null
 * @param deadline when the current lease expires, or null if it lasts until released
 * @param createdAt when the worker was first recorded (the intent, before the provider call)
 * @param readyAt when the provider reported the worker ready, or null
 * @param idleSince when the worker last became idle, or null
 * @param reason why the worker is RETIRED or DELETING, or null
 *
 * @since 0.1
 */
public record StoredWorker(String id, String template, String placement, State state, long generation, long grants,
    long epoch, String resourceId, Map<String, String> attributes, String tenant, String holder, String leaseId,
    Instant grantedAt, Instant deadline, Instant createdAt, Instant readyAt, Instant idleSince, String reason) {

  /** Where a worker is in its life. */
  public enum State {
    /** Recorded before the provider call; the call may be in flight on the {@code holder} node. */
    PROVISIONING,
    /** Ready and not leased: a grant may take it. */
    IDLE,
    /** Granted to a holder on the {@code holder} node until released, discarded or past its deadline. */
    LEASED,
    /** Released or discarded and must not be granted again: the leader deletes it. */
    RETIRED,
    /** The leader asked the provider to delete it. */
    DELETING
  }

  /**
   * Checks the components and copies the attributes.
   *
   * @param id the worker's id
   * @param template the worker's template
   * @param placement the placement key
   * @param state the state
   * @param generation the row's version
   * @param grants the grant count
   * @param epoch the leadership epoch of the last leader write
   * @param resourceId the provider's id, or empty
   * @param attributes the provider's attributes
   * @param tenant the bound tenant key, or null
   * @param holder the node, or null
   * @param leaseId the lease id, or null
   * @param grantedAt when granted, or null
   * @param deadline the lease deadline, or null
   * @param createdAt when recorded
   * @param readyAt when ready, or null
   * @param idleSince when it became idle, or null
   * @param reason why retired or deleting, or null
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if generation, grants or epoch is negative
   */
  public StoredWorker {
    Objects.requireNonNull(id, "id cannot be null");
    Objects.requireNonNull(template, "template cannot be null");
    Objects.requireNonNull(placement, "placement cannot be null");
    Objects.requireNonNull(state, "state cannot be null");
    Objects.requireNonNull(resourceId, "resourceId cannot be null");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes cannot be null"));
    Objects.requireNonNull(createdAt, "createdAt cannot be null");
    if (generation < 0 || grants < 0 || epoch < 0) {
      throw new IllegalArgumentException("generation, grants and epoch must be >= 0, got " + generation + ", "
          + grants + ", " + epoch);
    }
  }

  /**
   * A new row for a provision about to start.
   *
   * @param id the worker's id
   * @param template the template
   * @param placement the placement key
   * @param node the node that will call the provider
   * @param epoch the caller's leadership epoch
   * @param now the pool clock's time
   * @return a PROVISIONING row with generation 0
   */
  public static StoredWorker provisioning(String id, String template, String placement, String node, long epoch,
      Instant now) {
    return new StoredWorker(id, template, placement, State.PROVISIONING, 0, 0, epoch, "", Map.of(), null, node, null,
        null, null, now, null, null, null);
  }

  /**
   * This row as the provider reported it ready: IDLE, no holder.
   *
   * @param resourceId the provider's id of the resource
   * @param attributes the provider's attributes
   * @param epoch the caller's leadership epoch
   * @param now the pool clock's time
   * @return the changed row (same generation: the store adds one when it writes it)
   */
  public StoredWorker ready(String resourceId, Map<String, String> attributes, long epoch, Instant now) {
    return new StoredWorker(id, template, placement, State.IDLE, generation, grants, epoch, resourceId, attributes,
        tenant, null, null, null, null, createdAt, now, now, null);
  }

  /**
   * This row handed to the provider for deletion by a node.
   *
   * @param node the node that calls the provider
   * @param epoch the caller's leadership epoch
   * @param why why the worker goes
   * @return the changed row (same generation: the store adds one when it writes it)
   */
  public StoredWorker deleting(String node, long epoch, String why) {
    return new StoredWorker(id, template, placement, State.DELETING, generation, grants, epoch, resourceId, attributes,
        tenant, node, leaseId, grantedAt, deadline, createdAt, readyAt, idleSince, why);
  }

  /**
   * This row as a store writes it: the same with the generation plus one.
   *
   * @return the next generation of the row
   */
  public StoredWorker nextGeneration() {
    return new StoredWorker(id, template, placement, state, generation + 1, grants, epoch, resourceId, attributes,
        tenant, holder, leaseId, grantedAt, deadline, createdAt, readyAt, idleSince, reason);
  }
}
