package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A node of a pool shared through a store: its id, how soon another node takes over from a silent leader, and how
 * often waiting requests look in the store. Immutable; the constructor checks every rule.
 *
 * @param nodeId this node's id, unique among the pool's live nodes
 * @param leadershipTimeout how soon after the leader stops renewing another node takes over
 * @param pollInterval how often waiting requests look for workers freed on other nodes
 */
public record NodeSettings(String nodeId, Duration leadershipTimeout, Duration pollInterval) {
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._:-]{1,63}");

  /**
   * Checks the rules.
   *
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public NodeSettings {
    if (nodeId == null || !NODE.matcher(nodeId).matches()) {
      throw new InvalidConfigurationException("nodeId", "nodeId must be 1 to 63 letters, digits, '.', '_', ':' or"
          + " '-', was " + dev.warmpool.api.SafeText.quote(nodeId));
    }
    if (leadershipTimeout == null || leadershipTimeout.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new InvalidConfigurationException("leadershipTimeout", "leadershipTimeout must be at least 3 seconds,"
          + " was " + leadershipTimeout);
    }
    Rules.positive(pollInterval, "storePollInterval");
  }
}
