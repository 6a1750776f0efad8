package dev.warmpool.examples;

import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import java.util.List;

/** The seed incident, 2023-03-23: every call to ARM in the failing regions answered 503 for four hours. */
final class SeedScenario implements ReplayScenario {
  @Override
  public String name() {
    return "seed";
  }

  @Override
  public String summary() {
    return "the 2023-03-23 outage: every ARM call fails with 503 (the default)";
  }

  @Override
  public List<Fault> faults(ReplayOptions o) {
    return o.outageRegions().stream()
        .map(r -> Faults.outage(r).during(o.outageFrom(), o.outageUntil())).toList();
  }

  @Override
  public String during(ReplayOptions o) {
    return "ARM answers 503 in " + String.join(", ", o.outageRegions());
  }

  @Override
  public String headline(ReplayOptions o) {
    return "ARM 503s in " + String.join(" and ", o.outageRegions());
  }
}
