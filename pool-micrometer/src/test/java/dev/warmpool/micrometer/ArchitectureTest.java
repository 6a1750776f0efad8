package dev.warmpool.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.time.Instant;

@AnalyzeClasses(packages = "dev.warmpool.micrometer", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule usesOnlyThePublicApiAndMicrometer = classes()
      .should().onlyDependOnClassesThat()
      .resideInAnyPackage("java..", "io.micrometer..", "dev.warmpool.api..", "dev.warmpool.micrometer..")
      .because("the binder works with any WorkerPool, through its public API");

  @ArchTest
  static final ArchRule exportsOnlyTheBinderAndItsBuilder = classes().that().arePublic()
      .should().haveNameMatching("dev\\.warmpool\\.micrometer\\.WarmpoolMetrics(\\$Builder)?");

  @ArchTest
  static final ArchRule readsTimeOnlyFromTheRegistryClock = noClasses()
      .should().callMethod(System.class, "nanoTime")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Instant.class, "now")
      .orShould().callMethod(Thread.class, "sleep", long.class);

  @ArchTest
  static final ArchRule writesNothingToStandardStreams = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
