package dev.warmpool.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node of a shared pool as the store last heard of it: when, which lease requests wait there (the leader
 * provisions for the demand of every node, and every node serves fair shares between the tenants waiting on all of
 * them), and whether it is closing.
 *
 * @param node the node's id
 * @param lastSeen the node's last heartbeat, on its pool clock
 * @param waiting lease requests waiting on the node, one entry per template, tenant and priority
 * @param closing whether the node is closing
 *
 * @since 0.1
 */
public record StoredNode(String node, Instant lastSeen, List<Waiting> waiting, boolean closing) {

  /**
   * Checks the components and copies the list.
   *
   * @param node the node's id
   * @param lastSeen the last heartbeat
   * @param waiting waiting requests per template, tenant and priority
   * @param closing whether the node is closing
   * @throws NullPointerException if a component is null
   */
  public StoredNode {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(lastSeen, "lastSeen cannot be null");
    waiting = List.copyOf(Objects.requireNonNull(waiting, "waiting cannot be null"));
  }

  /**
   * How many lease requests wait on the node for a template, whatever their tenant and priority.
   *
   * @param template the template's name
   * @return the number of waiting requests, 0 if none
   */
  public int waiting(String template) {
    int n = 0;
    for (Waiting w : waiting) {
      if (w.template().equals(template)) {
        n += w.count();
      }
    }
    return n;
  }

  /**
   * Lease requests of one template, tenant and priority waiting on a node.
   *
   * @param template the template's name
   * @param tenant the requests' tenant
   * @param priority the requests' priority
   * @param count how many wait; at least 1
   *
   * @since 0.1
   */
  public record Waiting(String template, String tenant, int priority, int count) {

    /**
     * Checks the components.
     *
     * @param template the template's name
     * @param tenant the tenant
     * @param priority the priority
     * @param count how many wait
     * @throws NullPointerException if template or tenant is null
     * @throws IllegalArgumentException if count is below 1
     */
    public Waiting {
      Objects.requireNonNull(template, "template cannot be null");
      Objects.requireNonNull(tenant, "tenant cannot be null");
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1, was " + count);
      }
    }
  }
}
