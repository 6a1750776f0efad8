package dev.warmpool.examples;

import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A partial impairment with a slowdown: in the failing regions, a quarter of the calls fail with 503 and the creates
 * that go through take three times as long (provisioning 9 to 60 minutes, so some outlive the 30-minute provisioning
 * timeout). Nothing fails cleanly: the stock drains while the placement still half works.
 */
final class PartialSlowdownScenario implements ReplayScenario {
  static final double FAILURE_RATE = 0.25;
  static final double SLOWDOWN = 3.0;

  @Override
  public String name() {
    return "partial-slowdown";
  }

  @Override
  public String summary() {
    return "25% of ARM calls fail with 503 and creates take 3x as long";
  }

  @Override
  public List<Fault> faults(ReplayOptions o) {
    List<Fault> faults = new ArrayList<>();
    for (String r : o.outageRegions()) {
      faults.add(Faults.outage(r).from(o.outageFrom()).until(o.outageUntil()).failureRate(FAILURE_RATE)
          .retryAfter(Duration.ofMinutes(1)));
      faults.add(Faults.slowdown(r, SLOWDOWN).from(o.outageFrom()).until(o.outageUntil()));
    }
    return faults;
  }

  @Override
  public String during(ReplayOptions o) {
    return "in " + String.join(", ", o.outageRegions()) + " 25% of ARM calls fail with 503 and creates take 3x as long";
  }

  @Override
  public String headline(ReplayOptions o) {
    return "ARM partly impaired in " + String.join(" and ", o.outageRegions()) + " (25% 503s, creates 3x slower)";
  }
}
