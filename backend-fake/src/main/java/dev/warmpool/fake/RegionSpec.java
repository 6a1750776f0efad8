package dev.warmpool.fake;

import dev.warmpool.api.InvalidConfigurationException;
import java.util.List;
import java.util.Map;

/**
 * A region of a {@link FakeCloud} as its builder defined it.
 *
 * @param name the region's id
 * @param geography its geography
 * @param latency how long a provision takes there
 */
record RegionSpec(String name, String geography, Latency latency) {

  /**
   * Checks a cloud's regions and the capacities given for them.
   *
   * @param regions the regions by name
   * @param duplicateRegions the names defined more than once
   * @param capacity the capacity per region and size
   * @throws InvalidConfigurationException naming the option that breaks a rule
   */
  static void check(Map<String, RegionSpec> regions, List<String> duplicateRegions,
      Map<String, Map<String, Integer>> capacity) {
    if (regions.isEmpty()) {
      throw new InvalidConfigurationException("regions", "regions must hold at least one region: call "
          + "region(name, geography)");
    }
    if (!duplicateRegions.isEmpty()) {
      throw new InvalidConfigurationException("regions", "regions must be unique, were defined twice: "
          + duplicateRegions);
    }
    for (RegionSpec r : regions.values()) {
      if (r.name().isBlank() || r.geography().isBlank()) {
        throw new InvalidConfigurationException("regions", "region name and geography must not be blank, were \""
            + r.name() + "\" and \"" + r.geography() + "\"");
      }
    }
    capacity.forEach((region, sizes) -> {
      if (!regions.containsKey(region)) {
        throw new InvalidConfigurationException("capacity[" + region + "].region",
            "capacity region must be one of " + regions.keySet() + ", was \"" + region + "\"");
      }
      sizes.forEach((size, max) -> {
        if (max < 0) {
          throw new InvalidConfigurationException("capacity[" + region + "/" + size + "]",
              "capacity of " + size + " in " + region + " must be zero or positive, was " + max);
        }
      });
    });
  }
}
