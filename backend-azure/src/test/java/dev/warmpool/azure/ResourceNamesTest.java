package dev.warmpool.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceNamesTest {
  private static final String VALID = "[a-z][a-z0-9-]{0,61}[a-z0-9]";

  @Test
  void theSameWorkerGetsTheSameNameEveryTime() {
    assertThat(ResourceNames.of("pool", "w-1", "westeurope")).isEqualTo(ResourceNames.of("pool", "w-1", "westeurope"));
  }

  @Test
  void theNameCarriesTheRegionAndDiffersPerRegionPoolAndWorker() {
    String a = ResourceNames.of("pool", "w-1", "westeurope");
    assertThat(a).startsWith("wp-westeurope-w-1-");
    assertThat(ResourceNames.of("pool", "w-1", "northeurope")).isNotEqualTo(a).contains("northeurope");
    assertThat(ResourceNames.of("other", "w-1", "westeurope")).isNotEqualTo(a);
    assertThat(ResourceNames.of("pool", "w-2", "westeurope")).isNotEqualTo(a);
  }

  @Test
  void longOrOddWorkerIdsStillGiveAValidNameOfAtMost63Characters() {
    String[] ids = {"W_1", "a".repeat(200), "--x--", "Ünïcode/with spaces", "-", "0123456789abcdef0123456789abcdef"};
    for (String id : ids) {
      String n = ResourceNames.of("pool-with-a-long-name", id, "southeastasia");
      assertThat(n).hasSizeLessThanOrEqualTo(63).matches(VALID);
    }
  }

  @Test
  void workerIdsThatSlugAlikeStillGetDifferentNames() {
    assertThat(ResourceNames.of("p", "W_1", "westeurope")).isNotEqualTo(ResourceNames.of("p", "w-1", "westeurope"));
    assertThat(ResourceNames.of("p", "a".repeat(30) + "x", "westeurope"))
        .isNotEqualTo(ResourceNames.of("p", "a".repeat(30) + "y", "westeurope"));
  }
}
