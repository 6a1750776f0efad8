package dev.warmpool.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pod names are deterministic, valid and distinct; label values are valid whatever the id. */
class PodNamesTest {
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  @Test
  void theSameWorkerGetsTheSameValidNameAndOthersDiffer() {
    String name = PodNames.pod("Build_Pool.1", "wlfkck5c0-17", "east");
    assertThat(name).isEqualTo(PodNames.pod("Build_Pool.1", "wlfkck5c0-17", "east")).matches(DNS_LABEL)
        .startsWith("wp-build-pool-1-wlfkck5c0-17-");
    assertThat(PodNames.pod("Build_Pool.1", "wlfkck5c0-17", "west")).isNotEqualTo(name);
    assertThat(PodNames.pod("build-pool-1", "wlfkck5c0-17", "east")).as("ids that read alike").isNotEqualTo(name);
    String longest = PodNames.pod("p".repeat(63), "w".repeat(63), "r".repeat(40));
    assertThat(longest).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(57);
  }

  @Test
  void aLabelValueIsTheIdWhenValidAndAHashOtherwise() {
    assertThat(PodNames.labelValue("ci-pool")).isEqualTo("ci-pool");
    assertThat(PodNames.labelValue("pool-")).startsWith("h-").hasSize(18).isNotEqualTo(PodNames.labelValue("pool_"));
  }
}
