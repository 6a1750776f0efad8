package dev.warmpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerCountsTest {
  private final WorkerCounts counts = new WorkerCounts(1, 2, 3, 4, 5);

  @Test
  void totalSumsEveryState() {
    assertThat(counts.total()).isEqualTo(15);
    assertThat(WorkerCounts.ZERO.total()).isZero();
  }

  @ParameterizedTest
  @CsvSource({"PROVISIONING, 1", "IDLE, 2", "LEASED, 3", "DRAINING, 4", "DELETING, 5"})
  void getReadsTheCountOfOneState(WorkerState state, int expected) {
    assertThat(counts.get(state)).isEqualTo(expected);
  }

  @Test
  void plusAddsStateByState() {
    WorkerCounts sum = counts.plus(new WorkerCounts(10, 20, 30, 40, 50));
    assertThat(sum).isEqualTo(new WorkerCounts(11, 22, 33, 44, 55));
    assertThat(sum.total()).isEqualTo(counts.total() + 150);
    assertThat(counts).isEqualTo(new WorkerCounts(1, 2, 3, 4, 5));
  }

  @Test
  void zeroIsTheIdentityOfPlus() {
    assertThat(counts.plus(WorkerCounts.ZERO)).isEqualTo(counts);
    assertThat(WorkerCounts.ZERO.plus(counts)).isEqualTo(counts);
    for (WorkerState s : WorkerState.values()) {
      assertThat(WorkerCounts.ZERO.get(s)).isZero();
    }
  }

  @Test
  void plusIsCommutative() {
    WorkerCounts other = new WorkerCounts(7, 0, 1, 0, 2);
    assertThat(counts.plus(other)).isEqualTo(other.plus(counts));
  }

  @Test
  void toStringNamesEveryState() {
    assertThat(counts).hasToString("idle=2 leased=3 draining=4 provisioning=1 deleting=5");
  }
}
