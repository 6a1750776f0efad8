package dev.warmpool.examples;

import dev.warmpool.fake.Fault;
import dev.warmpool.fake.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throttle storm: in the failing regions, ARM answers 429 to 95% of the calls with a Retry-After of 20 seconds (as
 * when another workload of the subscription spends its write budget), and a write token bucket of 10 calls at once,
 * refilled at 1 a second, refuses the rest of a burst. The control plane works; it just takes too few writes to keep
 * the stock up. (At 60%, the pool's pacing got enough writes through that neither pool failed a lease.)
 */
final class ThrottleStormScenario implements ReplayScenario {
  static final double THROTTLED_SHARE = 0.95;
  static final Duration RETRY_AFTER = Duration.ofSeconds(20);

  @Override
  public String name() {
    return "throttle-storm";
  }

  @Override
  public String summary() {
    return "95% of ARM calls answered 429 (Retry-After 20 s), writes in a 10-call token bucket";
  }

  @Override
  public List<Fault> faults(ReplayOptions o) {
    List<Fault> faults = new ArrayList<>();
    for (String r : o.outageRegions()) {
      faults.add(Faults.throttling(r).from(o.outageFrom()).until(o.outageUntil()).failureRate(THROTTLED_SHARE)
          .retryAfter(RETRY_AFTER));
      faults.add(Faults.writeTokenBucket(r).from(o.outageFrom()).until(o.outageUntil()).burst(10).refillPerSecond(1));
    }
    return faults;
  }

  @Override
  public String during(ReplayOptions o) {
    return "ARM throttles " + String.join(", ", o.outageRegions()) + ": 95% of calls get 429, writes in a token bucket";
  }

  @Override
  public String headline(ReplayOptions o) {
    return "an ARM throttle storm in " + String.join(" and ", o.outageRegions());
  }
}
