package dev.warmpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolSnapshotTest {
  private static final Instant AT = Instant.parse("2026-01-05T10:00:00Z");
  private static final Placement WESTEUROPE = Placement.of("azure", "westeurope", "eu");
  private static final Placement EASTUS = Placement.of("azure", "eastus", "us").withPreference(1);

  private static TemplateStatus status(String template, WorkerCounts total, int waiting) {
    return new TemplateStatus(template, Map.of(WESTEUROPE.key(), total), total, waiting, false, Optional.empty());
  }

  private static PlacementStatus health(Placement p, PlacementState state) {
    return new PlacementStatus(p, state, 10, 0, Set.of(), Optional.empty());
  }

  private final TemplateStatus linux = status("linux", new WorkerCounts(1, 2, 3, 0, 0), 4);
  private final TemplateStatus windows = status("windows", new WorkerCounts(0, 5, 1, 1, 2), 1);
  private final PoolSnapshot snapshot = new PoolSnapshot("p1", AT, List.of(linux, windows),
      List.of(health(WESTEUROPE, PlacementState.CLOSED), health(EASTUS, PlacementState.OPEN)), List.of(), 0);

  @Test
  void totalSumsEveryTemplate() {
    assertThat(snapshot.total()).isEqualTo(new WorkerCounts(1, 7, 4, 1, 2));
    assertThat(snapshot.total().total()).isEqualTo(15);
  }

  @Test
  void waitingSumsEveryTemplate() {
    assertThat(snapshot.waiting()).isEqualTo(5);
  }

  @Test
  void anEmptySnapshotCountsNothing() {
    PoolSnapshot empty = new PoolSnapshot("p1", AT, List.of(), List.of(), List.of(), 0);
    assertThat(empty.total()).isEqualTo(WorkerCounts.ZERO);
    assertThat(empty.waiting()).isZero();
    assertThat(empty.template("linux")).isEmpty();
    assertThat(empty.placement("azure/westeurope")).isEmpty();
  }

  @Test
  void templateFindsATemplateByName() {
    assertThat(snapshot.template("windows")).contains(windows);
    assertThat(snapshot.template("linux")).contains(linux);
    assertThat(snapshot.template("macos")).isEmpty();
  }

  @Test
  void placementFindsAPlacementByKey() {
    assertThat(snapshot.placement("azure/eastus")).map(PlacementStatus::state).contains(PlacementState.OPEN);
    assertThat(snapshot.placement("azure/westeurope")).map(PlacementStatus::placement).contains(WESTEUROPE);
    assertThat(snapshot.placement("westeurope")).as("a region is not a key").isEmpty();
    assertThat(snapshot.placement("aws/westeurope")).isEmpty();
  }

  @Test
  void itsListsAreCopies() {
    List<TemplateStatus> templates = new ArrayList<>(List.of(linux));
    PoolSnapshot s = new PoolSnapshot("p1", AT, templates, List.of(), List.of(), 0);
    templates.add(windows);
    assertThat(s.templates()).containsExactly(linux);
    assertThat(s.waiting()).isEqualTo(4);
  }

  @Test
  void aNullComponentFailsNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> new PoolSnapshot(null, AT, List.of(), List.of(), List.of(), 0))
        .withMessage("poolId cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new PoolSnapshot("p1", AT, null, List.of(), List.of(), 0))
        .withMessage("templates cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new PoolSnapshot("p1", AT, List.of(), null, List.of(), 0))
        .withMessage("placements cannot be null");
    assertThatNullPointerException().isThrownBy(() -> new PoolSnapshot("p1", AT, List.of(), List.of(), null, 0))
        .withMessage("alerts cannot be null");
  }

  @Test
  void aForecastWithATimeToEmptyIsEmptyAtThatTimeAfterItWasComputed() {
    Forecast f = new Forecast("linux", "eu", AT, 38, 2, 0.29, 0.1, Optional.of(Duration.ofMinutes(129)),
        "eu stock of 38 lasts ~2h09m");
    assertThat(f.emptyAt()).contains(Instant.parse("2026-01-05T12:09:00Z"));
  }

  @Test
  void aForecastWithoutATimeToEmptyIsNeverEmpty() {
    Forecast f = new Forecast("linux", "*", AT, 38, 2, 0.1, 0.29, Optional.empty(), "supply exceeds demand");
    assertThat(f.emptyAt()).isEmpty();
  }

  @Test
  void aTemplateStatusCarriesItsForecast() {
    Forecast f = new Forecast("linux", "*", AT, 0, 0, 1, 0, Optional.of(Duration.ZERO), "empty now");
    TemplateStatus t = new TemplateStatus("linux", Map.of(), WorkerCounts.ZERO, 0, true, Optional.of(f));
    PoolSnapshot s = new PoolSnapshot("p1", AT, List.of(t), List.of(), List.of(), 3);
    assertThat(s.template("linux")).flatMap(TemplateStatus::forecast).flatMap(Forecast::emptyAt).contains(AT);
    assertThat(s.droppedEvents()).isEqualTo(3);
  }
}
