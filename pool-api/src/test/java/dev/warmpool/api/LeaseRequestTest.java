package dev.warmpool.api;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static dev.warmpool.api.WorkerTemplateTest.mapWith;
import static dev.warmpool.api.WorkerTemplateTest.setWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseRequestTest {

  private static final String NAME_RULE =
      " must be 1 to 63 letters, digits, '.', '_' or '-' starting with a letter or digit, was \"";

  @Test
  void defaultsAreDocumented() {
    LeaseRequest r = LeaseRequest.of("linux");
    assertThat(r.template()).contains("linux");
    assertThat(r.labelSelector()).isEmpty();
    assertThat(r.tenant()).isEqualTo(LeaseRequest.DEFAULT_TENANT).isEqualTo("default");
    assertThat(r.geographies()).isEmpty();
    assertThat(r.regions()).isEmpty();
    assertThat(r.priority()).isZero();
    assertThat(r.leaseDuration()).isEmpty();
    assertThat(r.maxWait()).isEqualTo(LeaseRequest.DEFAULT_MAX_WAIT).isEqualTo(Duration.ofMinutes(5));
    assertThat(r).hasToString("LeaseRequest[template=linux, tenant=default, priority=0, maxWait=PT5M]");
  }

  @Test
  void aRequestByLabelsNamesNoTemplate() {
    LeaseRequest r = LeaseRequest.withLabels(Map.of("os", "linux")).build();
    assertThat(r.template()).isEmpty();
    assertThat(r.labelSelector()).containsOnly(Map.entry("os", "linux"));
    assertThat(r).hasToString("LeaseRequest[labels={os=linux}, tenant=default, priority=0, maxWait=PT5M]");
  }

  // ---- null fails at the setter ----

  static Stream<Arguments> nullSetters() {
    return Stream.of(
        Arguments.of("tenant", (Consumer<LeaseRequest.Builder>) b -> b.tenant(null)),
        Arguments.of("geographies", (Consumer<LeaseRequest.Builder>) b -> b.geographies(null)),
        Arguments.of("geographies element", (Consumer<LeaseRequest.Builder>) b -> b.geographies(setWith("eu", null))),
        Arguments.of("regions", (Consumer<LeaseRequest.Builder>) b -> b.regions(null)),
        Arguments.of("regions element", (Consumer<LeaseRequest.Builder>) b -> b.regions(setWith(null, "eastus"))),
        Arguments.of("leaseDuration", (Consumer<LeaseRequest.Builder>) b -> b.leaseDuration(null)),
        Arguments.of("maxWait", (Consumer<LeaseRequest.Builder>) b -> b.maxWait(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullSetters")
  void aNullFailsAtTheSetterNamingTheOption(String option, Consumer<LeaseRequest.Builder> setter) {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux");
    assertThatNullPointerException().isThrownBy(() -> setter.accept(b)).withMessage(option + " cannot be null");
  }

  @Test
  void aNullTemplateOrSelectorFailsAtTheFactory() {
    assertThatNullPointerException().isThrownBy(() -> LeaseRequest.forTemplate(null))
        .withMessage("template cannot be null");
    assertThatNullPointerException().isThrownBy(() -> LeaseRequest.of(null)).withMessage("template cannot be null");
    assertThatNullPointerException().isThrownBy(() -> LeaseRequest.withLabels(null))
        .withMessage("labelSelector cannot be null");
    assertThatNullPointerException().isThrownBy(() -> LeaseRequest.withLabels(mapWith(null, "linux")))
        .withMessage("labelSelector key cannot be null");
    assertThatNullPointerException().isThrownBy(() -> LeaseRequest.withLabels(mapWith("os", null)))
        .withMessage("labelSelector[os] cannot be null");
  }

  // ---- value rules fail at build() ----

  @ParameterizedTest
  @ValueSource(strings = {"", "-linux", "li nux", "a234567890123456789012345678901234567890123456789012345678901234"})
  void aMalformedTemplateNameFailsAtBuild(String template) {
    LeaseRequest.Builder b = LeaseRequest.forTemplate(template);
    assertInvalid(b::build, "template", "template" + NAME_RULE + template + "\"");
  }

  @Test
  void anEmptyLabelSelectorFailsAtBuild() {
    LeaseRequest.Builder b = LeaseRequest.withLabels(Map.of());
    assertInvalid(b::build, "labelSelector",
        "labelSelector must name at least one label when no template is named");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "acme corp", "_acme"})
  void aMalformedTenantFailsAtBuild(String tenant) {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").tenant(tenant);
    assertInvalid(b::build, "tenant", "tenant" + NAME_RULE + tenant + "\"");
  }

  @Test
  void aMalformedGeographyFailsAtBuild() {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").geographies(Set.of("e u"));
    assertInvalid(b::build, "geographies", "geographies" + NAME_RULE + "e u\"");
  }

  @Test
  void aMalformedRegionFailsAtBuild() {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").regions(Set.of(""));
    assertInvalid(b::build, "regions", "regions" + NAME_RULE + "\"");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE / 1_000_000_000L})
  void aLeaseDurationThatIsNotPositiveFailsAtBuild(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").leaseDuration(d);
    assertInvalid(b::build, "leaseDuration", "leaseDuration must be positive and at most 365 days, was " + d);
  }

  @Test
  void aNegativeMaxWaitFailsAtBuild() {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").maxWait(Duration.ofMillis(-1));
    assertInvalid(b::build, "maxWait", "maxWait must be zero or positive and at most 1 day, was PT-0.001S");
  }

  @Test
  void aZeroMaxWaitMeansOnlyAnIdleWorkerWillDoAndIsAccepted() {
    assertThat(LeaseRequest.forTemplate("linux").maxWait(Duration.ZERO).build().maxWait()).isZero();
  }

  @Test
  void rulesRunAtBuildWhateverTheCallOrder() {
    LeaseRequest.Builder b = LeaseRequest.forTemplate("linux").maxWait(Duration.ofSeconds(-1)).tenant("acme");
    assertInvalid(b::build, "maxWait", "maxWait must be zero or positive and at most 1 day, was PT-1S");
    LeaseRequest fixed = b.maxWait(Duration.ofSeconds(1)).build();
    assertThat(fixed.maxWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(fixed.tenant()).isEqualTo("acme");
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE})
  void anyPriorityIsAccepted(int priority) {
    assertThat(LeaseRequest.forTemplate("linux").priority(priority).build().priority()).isEqualTo(priority);
  }

  // ---- value semantics ----

  private static LeaseRequest full() {
    return LeaseRequest.forTemplate("linux").tenant("acme").geographies(Set.of("eu", "uk"))
        .regions(Set.of("westeurope")).priority(7).leaseDuration(Duration.ofHours(1)).maxWait(Duration.ofSeconds(90))
        .build();
  }

  @Test
  void everyOptionIsKept() {
    LeaseRequest r = full();
    assertThat(r.template()).contains("linux");
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.geographies()).containsExactlyInAnyOrder("eu", "uk");
    assertThat(r.regions()).containsExactly("westeurope");
    assertThat(r.priority()).isEqualTo(7);
    assertThat(r.leaseDuration()).contains(Duration.ofHours(1));
    assertThat(r.maxWait()).isEqualTo(Duration.ofSeconds(90));
    assertThat(r.toString()).startsWith("LeaseRequest[template=linux, tenant=acme, geographies=")
        .endsWith(", regions=[westeurope], priority=7, maxWait=PT1M30S, leaseDuration=PT1H]");
  }

  @Test
  void toBuilderRoundTripsEveryOption() {
    LeaseRequest r = full();
    LeaseRequest copy = r.toBuilder().build();
    assertThat(copy).isNotSameAs(r).usingRecursiveComparison().isEqualTo(r);
    assertThat(copy).hasToString(r.toString());

    LeaseRequest byLabels = LeaseRequest.withLabels(Map.of("os", "linux", "arch", "x64")).tenant("acme").build();
    assertThat(byLabels.toBuilder().build()).usingRecursiveComparison().isEqualTo(byLabels);
  }

  @Test
  void toBuilderChangesOnlyWhatIsSetAndLeavesTheOriginalAlone() {
    LeaseRequest r = full();
    LeaseRequest changed = r.toBuilder().tenant("globex").priority(1).build();
    assertThat(changed.tenant()).isEqualTo("globex");
    assertThat(changed.priority()).isEqualTo(1);
    assertThat(r.tenant()).isEqualTo("acme");
    assertThat(r.priority()).isEqualTo(7);
    assertThat(changed).usingRecursiveComparison().ignoringFields("tenant", "priority").isEqualTo(r);
  }

  @Test
  void aBuiltRequestDoesNotChangeWhenItsInputsDo() {
    Map<String, String> selector = new HashMap<>(Map.of("os", "linux"));
    LeaseRequest.Builder b = LeaseRequest.withLabels(selector);
    LeaseRequest r = b.build();
    selector.put("arch", "arm64");
    b.tenant("acme");
    assertThat(r.labelSelector()).containsOnly(Map.entry("os", "linux"));
    assertThat(r.tenant()).isEqualTo("default");
    assertThatThrownBy(() -> r.labelSelector().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.geographies().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- residency ----

  private static final Placement WESTEUROPE = Placement.of("azure", "westeurope", "eu");
  private static final Placement NORTHEUROPE = Placement.of("azure", "northeurope", "eu");
  private static final Placement EASTUS = Placement.of("azure", "eastus", "us");

  @Test
  void aRequestWithoutResidencyRulesAllowsEveryPlacement() {
    LeaseRequest r = LeaseRequest.of("linux");
    assertThat(r.allows(WESTEUROPE)).isTrue();
    assertThat(r.allows(EASTUS)).isTrue();
  }

  @Test
  void aGeographyRuleAllowsOnlyItsGeographies() {
    LeaseRequest r = LeaseRequest.forTemplate("linux").geographies(Set.of("us")).build();
    assertThat(r.allows(EASTUS)).isTrue();
    assertThat(r.allows(WESTEUROPE)).isFalse();
  }

  @Test
  void aRegionRuleAllowsOnlyItsRegions() {
    LeaseRequest r = LeaseRequest.forTemplate("linux").regions(Set.of("northeurope")).build();
    assertThat(r.allows(NORTHEUROPE)).isTrue();
    assertThat(r.allows(WESTEUROPE)).isFalse();
  }

  @Test
  void geographyAndRegionRulesMustBothHold() {
    LeaseRequest r = LeaseRequest.forTemplate("linux").geographies(Set.of("eu"))
        .regions(Set.of("westeurope", "eastus")).build();
    assertThat(r.allows(WESTEUROPE)).isTrue();
    assertThat(r.allows(NORTHEUROPE)).as("geography matches, region does not").isFalse();
    assertThat(r.allows(EASTUS)).as("region matches, geography does not").isFalse();
  }
}
