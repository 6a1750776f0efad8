package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.PoolEvent;
import dev.warmpool.api.SizingPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SizingTest} on an in-memory store, and a shared pool of three nodes. */
class InMemoryStoreSizingTest extends SizingTest {
  private final PoolMode mode = PoolMode.inMemoryStore();

  @Override
  public PoolMode mode() {
    return mode;
  }

  @Test
  void theLeaderOfThreeNodesSizesFromTheRequestsOfEveryNode() {
    SizingPolicy policy = SizingPolicy.objective(0.99, Duration.ofSeconds(5)).floor(1).ceiling(60).build();
    Scenario s = new Scenario(mode, 3, 7, List.of(), Scenario.euTenants(4), 2, Duration.ofMinutes(30),
        t -> t.warmTarget(0).sizing(policy), b -> b.maxConcurrentProvisions(100));
    try {
      s.run(Scenario.at("01:00"), Scenario.at("03:00"));
      int at0230 = s.events(PoolEvent.TargetChanged.class).stream()
          .filter(c -> c.at().isBefore(Scenario.at("02:30"))).reduce((a, b) -> b).orElseThrow().to();
      // 2 a minute over a lead time of about 18 minutes (the p90 of 3-20 minutes) asks for about 52 workers at p99;
      // a leader that counted only its own node's third of the requests would ask for about 22
      assertThat(at0230).isBetween(40, 60);
      assertThat(s.failures).isEmpty();
    } finally {
      s.pools.forEach(p -> p.closeAsync());
      s.clock.runUntil(s.clock.now().plus(Duration.ofHours(2)));
    }
  }
}
