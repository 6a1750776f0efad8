package dev.warmpool.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import org.junit.jupiter.api.Test;

/** A pod's status read as the pool's {@code state} convention, readiness and the scheduler's refusal. */
class PodStatesTest {
  private static PodBuilder pod(String phase) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("ci").endMetadata()
        .withNewStatus().withPhase(phase).endStatus();
  }

  @Test
  void phasesAndDeletionMapToThePoolsStateConvention() {
    assertThat(PodStates.lifeState(pod("Pending").build())).contains("creating");
    assertThat(PodStates.lifeState(new PodBuilder().withNewMetadata().withName("p").endMetadata().build()))
        .as("no status yet").contains("creating");
    assertThat(PodStates.lifeState(pod("Running").build())).contains("running");
    assertThat(PodStates.lifeState(pod("Succeeded").build())).contains("failed");
    assertThat(PodStates.lifeState(pod("Failed").build())).contains("failed");
    assertThat(PodStates.lifeState(pod("Unknown").build())).isEmpty();
    assertThat(PodStates.lifeState(pod("Running").editMetadata().withDeletionTimestamp("2026-12-02T01:00:00Z")
        .endMetadata().build())).contains("deleting");
  }

  @Test
  void aPodIsReadyWhenRunningWithItsReadyConditionTrueAndNotBeingDeleted() {
    Pod ready = pod("Running").editStatus().withConditions(new PodConditionBuilder().withType("Ready")
        .withStatus("True").build()).endStatus().build();
    assertThat(PodStates.ready(ready)).isTrue();
    assertThat(PodStates.ready(pod("Running").editStatus().withConditions(new PodConditionBuilder()
        .withType("Ready").withStatus("False").build()).endStatus().build())).as("containers not ready").isFalse();
    assertThat(PodStates.ready(pod("Pending").build())).isFalse();
    assertThat(PodStates.ready(new PodBuilder(ready).editMetadata().withDeletionTimestamp("2026-12-02T01:00:00Z")
        .endMetadata().build())).as("terminating").isFalse();
  }

  @Test
  void theSchedulersRefusalIsReadFromThePodScheduledCondition() {
    Pod refused = pod("Pending").editStatus().withConditions(new PodConditionBuilder().withType("PodScheduled")
        .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient cpu.")
        .build()).endStatus().build();
    assertThat(PodStates.unschedulable(refused)).contains("0/3 nodes are available: 3 Insufficient cpu.");
    assertThat(PodStates.unschedulable(pod("Pending").build())).isEmpty();
    assertThat(PodStates.unschedulable(pod("Pending").editStatus().withConditions(new PodConditionBuilder()
        .withType("PodScheduled").withStatus("True").build()).endStatus().build())).isEmpty();
  }
}
