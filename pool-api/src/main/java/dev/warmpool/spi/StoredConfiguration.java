package dev.warmpool.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The run-time configuration of a shared pool as its {@link PoolStore} keeps it: a document the engine writes and
 * reads (the store never interprets it) and a revision that grows by one with every change, so that two nodes that
 * change the pool at once cannot overwrite each other. Immutable and thread-safe.
 *
 * @param revision 1 for the first change, one more for each later one
 * @param document the configuration, in the engine's own text form
 * @param node the node that wrote it
 * @param changedAt when, on that node's clock
 * @since 0.1
 */
public record StoredConfiguration(long revision, String document, String node, Instant changedAt) {
  /**
   * Checks the components.
   *
   * @param revision at least 1
   * @param document the configuration
   * @param node the node that wrote it
   * @param changedAt when
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the revision is below 1
   */
  public StoredConfiguration {
    Objects.requireNonNull(document, "document cannot be null");
    Objects.requireNonNull(node, "node cannot be null");
    Objects.requireNonNull(changedAt, "changedAt cannot be null");
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be >= 1, was " + revision);
    }
  }
}
