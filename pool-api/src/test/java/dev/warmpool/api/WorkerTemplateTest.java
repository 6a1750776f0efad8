package dev.warmpool.api;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerTemplateTest {

  private static WorkerTemplate.Builder linux() {
    return WorkerTemplate.builder("linux");
  }

  @Test
  void defaultsAreDocumented() {
    WorkerTemplate t = linux().build();
    assertThat(t.name()).isEqualTo("linux");
    assertThat(t.providerProperties()).isEmpty();
    assertThat(t.labels()).isEmpty();
    assertThat(t.size()).isEqualTo(WorkerTemplate.DEFAULT_SIZE).isEqualTo("default");
    assertThat(t.warmTarget()).isZero();
    assertThat(t.maxTotal()).isEqualTo(Integer.MAX_VALUE);
    assertThat(t.maxUses()).isEqualTo(1);
    assertThat(t.maxAge()).isEmpty();
    assertThat(t.maxIdleTime()).isEmpty();
    assertThat(t.provisioningTimeout()).isEqualTo(Duration.ofMinutes(30))
        .isEqualTo(WorkerTemplate.DEFAULT_PROVISIONING_TIMEOUT);
    assertThat(t.reuseWhenDegraded()).isFalse();
    assertThat(t.shareAcrossTenants()).isFalse();
    assertThat(t.geographies()).isEmpty();
    assertThat(t.regions()).isEmpty();
    assertThat(t).hasToString("WorkerTemplate[linux, warmTarget=0, maxTotal=unbounded, maxUses=1, size=default,"
        + " labels={}]");
  }

  // ---- null fails at the setter, naming the option ----

  static Stream<Arguments> nullSetters() {
    return Stream.of(
        nullAt("providerProperty key", b -> b.providerProperty(null, "v")),
        nullAt("providerProperty value", b -> b.providerProperty("image", null)),
        nullAt("providerProperties", b -> b.providerProperties(null)),
        nullAt("providerProperties key", b -> b.providerProperties(mapWith(null, "v"))),
        nullAt("providerProperties[image]", b -> b.providerProperties(mapWith("image", null))),
        nullAt("label key", b -> b.label(null, "v")),
        nullAt("label value", b -> b.label("os", null)),
        nullAt("size", b -> b.size(null)),
        nullAt("maxAge", b -> b.maxAge(null)),
        nullAt("maxIdleTime", b -> b.maxIdleTime(null)),
        nullAt("provisioningTimeout", b -> b.provisioningTimeout(null)),
        nullAt("geographies", b -> b.geographies(null)),
        nullAt("geographies element", b -> b.geographies(setWith("eu", null))),
        nullAt("regions", b -> b.regions(null)),
        nullAt("regions element", b -> b.regions(setWith("westeurope", null))));
  }

  private static Arguments nullAt(String option, Consumer<WorkerTemplate.Builder> setter) {
    return Arguments.of(option, setter);
  }

  static Map<String, String> mapWith(String key, String value) {
    Map<String, String> m = new HashMap<>();
    m.put(key, value);
    return m;
  }

  static Set<String> setWith(String... elements) {
    return new HashSet<>(Arrays.asList(elements));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullSetters")
  void aNullFailsAtTheSetterNamingTheOption(String option, Consumer<WorkerTemplate.Builder> setter) {
    WorkerTemplate.Builder b = linux();
    assertThatNullPointerException().isThrownBy(() -> setter.accept(b)).withMessage(option + " cannot be null");
  }

  @Test
  void aNullNameFailsAtTheFactory() {
    assertThatNullPointerException().isThrownBy(() -> WorkerTemplate.builder(null))
        .withMessage("name cannot be null");
  }

  // ---- value and cross-field rules fail at build(), naming option, value and range ----

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "-linux", ".linux", "li nux", "linux/2", "linüx",
      "a234567890123456789012345678901234567890123456789012345678901234"})
  void aMalformedNameFailsAtBuild(String name) {
    WorkerTemplate.Builder b = WorkerTemplate.builder(name);
    assertInvalid(b::build, "template.name",
        "template.name must be 1 to 63 letters, digits, '.', '_' or '-' starting with a letter or digit, was \""
            + name + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "linux-x64_v2.1", "a23456789012345678901234567890123456789012345678901234567890123"})
  void aWellFormedNameIsAccepted(String name) {
    assertThat(WorkerTemplate.builder(name).build().name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void aBlankSizeFailsAtBuild(String size) {
    WorkerTemplate.Builder b = linux().size(size);
    assertInvalid(b::build, "template[linux].size", "template[linux].size cannot be blank");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxTotalBelowOneFailsAtBuild(int maxTotal) {
    WorkerTemplate.Builder b = linux().maxTotal(maxTotal);
    assertInvalid(b::build, "template[linux].maxTotal",
        "template[linux].maxTotal must be between 1 and 2147483647, was " + maxTotal);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE})
  void aNegativeWarmTargetFailsAtBuild(int warmTarget) {
    WorkerTemplate.Builder b = linux().warmTarget(warmTarget);
    assertInvalid(b::build, "template[linux].warmTarget",
        "template[linux].warmTarget must be between 0 and maxTotal (unbounded), was " + warmTarget);
  }

  @Test
  void warmTargetAboveMaxTotalFailsAtBuildWhenMaxTotalIsSetLast() {
    WorkerTemplate.Builder b = linux().warmTarget(12).maxTotal(10);
    assertInvalid(b::build, "template[linux].warmTarget",
        "template[linux].warmTarget must be between 0 and maxTotal (10), was 12");
  }

  @Test
  void warmTargetAboveMaxTotalFailsAtBuildWhenMaxTotalIsSetFirst() {
    WorkerTemplate.Builder b = linux().maxTotal(10).warmTarget(12);
    assertInvalid(b::build, "template[linux].warmTarget",
        "template[linux].warmTarget must be between 0 and maxTotal (10), was 12");
  }

  @Test
  void aBadValueMayBeCorrectedBeforeBuild() {
    WorkerTemplate t = linux().warmTarget(12).maxTotal(10).warmTarget(10).build();
    assertThat(t.warmTarget()).isEqualTo(10);
    assertThat(t.maxTotal()).isEqualTo(10);
  }

  @Test
  void warmTargetMayEqualMaxTotal() {
    WorkerTemplate t = linux().maxTotal(3).warmTarget(3).build();
    assertThat(t.warmTarget()).isEqualTo(3);
    assertThat(t).hasToString("WorkerTemplate[linux, warmTarget=3, maxTotal=3, maxUses=1, size=default, labels={}]");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -5})
  void maxUsesBelowOneFailsAtBuild(int maxUses) {
    WorkerTemplate.Builder b = linux().maxUses(maxUses);
    assertInvalid(b::build, "template[linux].maxUses",
        "template[linux].maxUses must be between 1 and 2147483647, was " + maxUses);
  }

  static Stream<Arguments> notPositiveDurations() {
    return Stream.of(Arguments.of(Duration.ZERO, "PT0S"), Arguments.of(Duration.ofSeconds(-1), "PT-1S"),
        Arguments.of(Duration.ofNanos(-1), "PT-0.000000001S"));
  }

  @ParameterizedTest
  @MethodSource("notPositiveDurations")
  void aMaxAgeThatIsNotPositiveFailsAtBuild(Duration d, String text) {
    WorkerTemplate.Builder b = linux().maxAge(d);
    assertInvalid(b::build, "template[linux].maxAge",
        "template[linux].maxAge must be positive and at most 365 days, was " + text);
  }

  @ParameterizedTest
  @MethodSource("notPositiveDurations")
  void aMaxIdleTimeThatIsNotPositiveFailsAtBuild(Duration d, String text) {
    WorkerTemplate.Builder b = linux().maxIdleTime(d);
    assertInvalid(b::build, "template[linux].maxIdleTime",
        "template[linux].maxIdleTime must be positive and at most 365 days, was " + text);
  }

  @ParameterizedTest
  @MethodSource("notPositiveDurations")
  void aProvisioningTimeoutThatIsNotPositiveFailsAtBuild(Duration d, String text) {
    WorkerTemplate.Builder b = linux().provisioningTimeout(d);
    assertInvalid(b::build, "template[linux].provisioningTimeout",
        "template[linux].provisioningTimeout must be positive and at most 1 day, was " + text);
  }

  @Test
  void aMalformedGeographyFailsAtBuild() {
    WorkerTemplate.Builder b = linux().geographies(Set.of("north america"));
    assertInvalid(b::build, "template[linux].geographies", "template[linux].geographies must be 1 to 63 letters,"
        + " digits, '.', '_' or '-' starting with a letter or digit, was \"north america\"");
  }

  @Test
  void aMalformedRegionFailsAtBuild() {
    WorkerTemplate.Builder b = linux().regions(Set.of("west/europe"));
    assertInvalid(b::build, "template[linux].regions", "template[linux].regions must be 1 to 63 letters,"
        + " digits, '.', '_' or '-' starting with a letter or digit, was \"west/europe\"");
  }

  @Test
  void theSmallestPositiveDurationsAreAccepted() {
    WorkerTemplate t = linux().maxAge(Duration.ofNanos(1)).maxIdleTime(Duration.ofNanos(1))
        .provisioningTimeout(Duration.ofNanos(1)).build();
    assertThat(t.maxAge()).contains(Duration.ofNanos(1));
    assertThat(t.maxIdleTime()).contains(Duration.ofNanos(1));
    assertThat(t.provisioningTimeout()).isEqualTo(Duration.ofNanos(1));
  }

  // ---- value semantics ----

  private static WorkerTemplate full() {
    return linux().providerProperty("image", "ubuntu-22.04").providerProperties(Map.of("vmSize", "D2s_v5"))
        .label("os", "linux").label("arch", "x64").size("Standard_D2s_v5").maxTotal(20).warmTarget(5).maxUses(3)
        .maxAge(Duration.ofHours(8)).maxIdleTime(Duration.ofMinutes(30)).provisioningTimeout(Duration.ofMinutes(12))
        .reuseWhenDegraded(true).shareAcrossTenants(true).geographies(Set.of("eu")).regions(Set.of("westeurope"))
        .build();
  }

  @Test
  void everyOptionIsKept() {
    WorkerTemplate t = full();
    assertThat(t.providerProperties()).containsOnly(Map.entry("image", "ubuntu-22.04"), Map.entry("vmSize", "D2s_v5"));
    assertThat(t.labels()).containsOnly(Map.entry("os", "linux"), Map.entry("arch", "x64"));
    assertThat(t.size()).isEqualTo("Standard_D2s_v5");
    assertThat(t.maxTotal()).isEqualTo(20);
    assertThat(t.warmTarget()).isEqualTo(5);
    assertThat(t.maxUses()).isEqualTo(3);
    assertThat(t.maxAge()).contains(Duration.ofHours(8));
    assertThat(t.maxIdleTime()).contains(Duration.ofMinutes(30));
    assertThat(t.provisioningTimeout()).isEqualTo(Duration.ofMinutes(12));
    assertThat(t.reuseWhenDegraded()).isTrue();
    assertThat(t.shareAcrossTenants()).isTrue();
    assertThat(t.geographies()).containsExactly("eu");
    assertThat(t.regions()).containsExactly("westeurope");
  }

  @Test
  void toBuilderRoundTripsToAnEqualTemplate() {
    WorkerTemplate t = full();
    WorkerTemplate copy = t.toBuilder().build();
    assertThat(copy).isEqualTo(t).hasSameHashCodeAs(t).isNotSameAs(t);
    assertThat(copy).usingRecursiveComparison().isEqualTo(t);
    assertThat(linux().build().toBuilder().build()).isEqualTo(linux().build());
  }

  @Test
  void toBuilderChangesOnlyWhatIsSetAndLeavesTheOriginalAlone() {
    WorkerTemplate t = full();
    WorkerTemplate changed = t.toBuilder().warmTarget(7).label("gpu", "none").build();
    assertThat(changed).isNotEqualTo(t);
    assertThat(changed.warmTarget()).isEqualTo(7);
    assertThat(changed.labels()).containsEntry("gpu", "none").hasSize(3);
    assertThat(changed.toBuilder().warmTarget(5).build().labels()).hasSize(3);
    assertThat(t.warmTarget()).isEqualTo(5);
    assertThat(t.labels()).hasSize(2);
    assertThat(changed).usingRecursiveComparison().ignoringFields("warmTarget", "labels").isEqualTo(t);
  }

  @Test
  void toBuilderChecksTheRulesAgain() {
    WorkerTemplate.Builder b = full().toBuilder().maxTotal(4);
    assertInvalid(b::build, "template[linux].warmTarget",
        "template[linux].warmTarget must be between 0 and maxTotal (4), was 5");
  }

  @Test
  void aBuiltTemplateDoesNotChangeWhenItsBuilderOrInputsDo() {
    Map<String, String> props = new HashMap<>(Map.of("image", "a"));
    Set<String> geos = new HashSet<>(Set.of("eu"));
    WorkerTemplate.Builder b = linux().providerProperties(props).geographies(geos).label("os", "linux");
    WorkerTemplate t = b.build();
    props.put("image", "b");
    geos.add("us");
    b.label("os", "windows").providerProperty("image", "c").warmTarget(2);
    assertThat(t.providerProperties()).containsOnly(Map.entry("image", "a"));
    assertThat(t.geographies()).containsOnly("eu");
    assertThat(t.labels()).containsOnly(Map.entry("os", "linux"));
    assertThat(t.warmTarget()).isZero();
  }

  @Test
  void itsCollectionsAreUnmodifiable() {
    WorkerTemplate t = full();
    assertThatThrownBy(() -> t.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.providerProperties().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.geographies().add("us")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.regions().add("eastus")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void templatesDifferingInOneOptionAreNotEqual() {
    WorkerTemplate t = full();
    assertThat(t.toBuilder().maxUses(4).build()).isNotEqualTo(t);
    assertThat(t.toBuilder().maxAge(Duration.ofHours(9)).build()).isNotEqualTo(t);
    assertThat(t.toBuilder().regions(Set.of()).build()).isNotEqualTo(t);
    assertThat(t.toBuilder().shareAcrossTenants(false).build()).isNotEqualTo(t);
    assertThat(t).isNotEqualTo("linux");
  }

  // ---- residency ----

  private static final Placement WESTEUROPE = Placement.of("azure", "westeurope", "eu");
  private static final Placement NORTHEUROPE = Placement.of("azure", "northeurope", "eu");
  private static final Placement EASTUS = Placement.of("azure", "eastus", "us");

  @Test
  void aTemplateWithoutResidencyRulesAllowsEveryPlacement() {
    WorkerTemplate t = linux().build();
    assertThat(t.allows(WESTEUROPE)).isTrue();
    assertThat(t.allows(EASTUS)).isTrue();
  }

  @Test
  void aGeographyRuleAllowsOnlyItsGeography() {
    WorkerTemplate t = linux().geographies(Set.of("eu")).build();
    assertThat(t.allows(WESTEUROPE)).isTrue();
    assertThat(t.allows(NORTHEUROPE)).isTrue();
    assertThat(t.allows(EASTUS)).isFalse();
  }

  @Test
  void aRegionRuleAllowsOnlyItsRegions() {
    WorkerTemplate t = linux().regions(Set.of("westeurope", "eastus")).build();
    assertThat(t.allows(WESTEUROPE)).isTrue();
    assertThat(t.allows(EASTUS)).isTrue();
    assertThat(t.allows(NORTHEUROPE)).isFalse();
  }

  @Test
  void geographyAndRegionRulesMustBothHold() {
    WorkerTemplate t = linux().geographies(Set.of("eu")).regions(Set.of("westeurope", "eastus")).build();
    assertThat(t.allows(WESTEUROPE)).isTrue();
    assertThat(t.allows(NORTHEUROPE)).as("geography matches, region does not").isFalse();
    assertThat(t.allows(EASTUS)).as("region matches, geography does not").isFalse();
  }
}
