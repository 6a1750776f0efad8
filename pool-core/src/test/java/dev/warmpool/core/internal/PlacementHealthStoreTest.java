package dev.warmpool.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PlacementState;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.StoredPlacementHealth;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A placement's health survives a change of leader: what one leader exports, the next restores and continues. */
class PlacementHealthStoreTest {
  private final VirtualClock clock = new VirtualClock();
  private final Placement westeurope = Placement.of("fake", "westeurope", "eu");

  private PlacementHealth health() {
    return new PlacementHealth(westeurope, null, PlacementHealthPolicy.DEFAULTS, clock);
  }

  @Test
  void aNewLeaderContinuesAnOpenPlacementsCooldownItsWindowAndItsCapacityCooldowns() {
    PlacementHealth old = health();
    Instant t0 = clock.now();
    for (int i = 0; i < 3; i++) {
      old.onFailure(ProviderException.transientFailure("ServiceUnavailable", "503"), clock.now(), "small");
    }
    old.onFailure(ProviderException.capacity("SkuNotAvailable", "no capacity"), clock.now(), "large");
    assertThat(old.state()).isEqualTo(PlacementState.OPEN);
    assertThat(old.takeChanged()).as("a change the store must keep").isTrue();
    StoredPlacementHealth kept = old.export();

    clock.advance(Duration.ofSeconds(30)); // the leader dies; another takes over
    PlacementHealth next = health();
    next.restore(kept);

    assertThat(next.state()).isEqualTo(PlacementState.OPEN);
    assertThat(next.openUntil()).isEqualTo(old.openUntil());
    assertThat(next.windowFailures()).isEqualTo(3);
    assertThat(next.failureSummary()).contains("ServiceUnavailable");
    assertThat(next.cooling("large")).as("the capacity cooldown goes on").isTrue();
    assertThat(next.cooling("small")).isFalse();
    assertThat(next.takeChanged()).as("restored, not changed").isFalse();

    next.tick(t0.plus(Duration.ofMinutes(2)));
    assertThat(next.state()).as("half-open when the first leader's cooldown ends").isEqualTo(PlacementState.HALF_OPEN);
    clock.advance(Duration.ofMinutes(15));
    assertThat(next.cooling("large")).as("the capacity cooldown ends when it would have").isFalse();
  }

  @Test
  void createsThatHangOpenTheLeadersPlacementAndANewLeaderDoesNotInheritThem() {
    PlacementHealth old = health();
    for (int i = 0; i < 5; i++) { // five creates of 30 seconds: the bar is a minute
      Instant start = clock.now();
      old.startedCreate(start);
      clock.advance(Duration.ofSeconds(30));
      old.onSuccess(clock.now(), false, start);
    }
    Instant hangFrom = clock.now();
    for (int i = 0; i < 4; i++) { // two hang, two complete in the usual time
      Instant start = clock.now();
      old.startedCreate(start);
      if (i % 2 == 1) {
        old.onSuccess(start.plusSeconds(20), false, start);
      }
      clock.advance(Duration.ofSeconds(10));
    }
    StoredPlacementHealth kept = old.export();
    clock.advance(Duration.between(clock.now(), hangFrom.plus(Duration.ofSeconds(90))));
    assertThat(old.windowFailures()).as("nothing failed yet").isZero();
    assertThat(old.checkHangs(clock.now())).isEqualTo(PlacementHealth.Transition.OPENED);
    assertThat(old.failureSummary()).isEqualTo("2 of 4 creates started in 1m still running after 1m (twice the"
        + " slowest recent create) while later ones completed");
    assertThat(old.windowFailures()).as("the hangs count while they stay out").isEqualTo(2);

    PlacementHealth next = health();
    next.restore(kept);
    assertThat(next.checkHangs(clock.now())).as("the old leader's creates are not the new one's")
        .isEqualTo(PlacementHealth.Transition.NONE);
    assertThat(next.windowFailures()).isZero();
  }
}
