package dev.warmpool.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shapes {@code --scenario} knows, by name: one entry per {@link ReplayScenario} class. Immutable and thread-safe.
 */
final class ReplayScenarios {
  private static final Map<String, ReplayScenario> BY_NAME = new LinkedHashMap<>();

  static {
    for (ReplayScenario s : List.of(new SeedScenario(), new PartialSlowdownScenario(), new ThrottleStormScenario())) {
      BY_NAME.put(s.name(), s);
    }
  }

  private ReplayScenarios() {}

  /** The names, the default first. */
  static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * The scenario of a name.
   *
   * @throws IllegalArgumentException naming the allowed names when the name is unknown
   */
  static ReplayScenario named(String name) {
    ReplayScenario s = BY_NAME.get(name);
    if (s == null) {
      throw new IllegalArgumentException("--scenario must be one of " + names() + ", was \"" + name + "\"");
    }
    return s;
  }

  /** The lines of {@code --help} that list the scenarios. */
  static String help() {
    StringBuilder b = new StringBuilder();
    for (ReplayScenario s : BY_NAME.values()) {
      b.append(String.format("                                 %-17s %s%n", s.name(), s.summary()));
    }
    // not an outage shape: its own run, with only --seed and --report beside it (see CiWeek)
    b.append(String.format("                                 %-17s %s%n", CiWeek.SCENARIO,
        "two days of CI demand: fixed targets vs a lease-wait objective (alone, with --seed and --report;"));
    b.append(String.format("                                 %-17s %s%n", "",
        "its report defaults to " + CiWeek.DEFAULT_REPORT.toString().replace('\\', '/') + ")"));
    return b.toString();
  }
}
