package dev.warmpool.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A node of a shared pool as the store last heard of it: when, and how many lease requests wait there per template
 * (the leader provisions for the demand of every node).
 *
 * @param node the node's id
 * @param lastSeen the node's last heartbeat, on its pool clock
 * @param waiting lease requests waiting on the node, per template name
 * @param closing whether the node is closing
 *
 * @since 0.1
 */
public record StoredNode(String node, Instant lastSeen, Map<String, Integer> waiting, boolean closing) {

  /**
   * Checks the components and copies the map.
   *
   * @param node the node's id
   * @param lastSeen the last heartbeat
   * @param waiting waiting requests per template
   * @param closing whether the node is closing
   * @throws NullPointerException if a component is null
   */
  public StoredNode {
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(lastSeen, "lastSeen cannot be null");
    waiting = Map.copyOf(Objects.requireNonNull(waiting, "waiting cannot be null"));
  }
}
