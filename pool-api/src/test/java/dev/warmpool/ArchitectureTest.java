package dev.warmpool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of pool-api that Maven cannot enforce, checked on its main classes. */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
        .importPackages("dev.warmpool");
  }

  @Test
  void theImportHoldsBothPackagesAndNoTests() {
    assertThat(main.stream().map(JavaClass::getPackageName).distinct())
        .containsExactlyInAnyOrder("dev.warmpool.api", "dev.warmpool.spi");
    assertThat(main.contain(ArchitectureTest.class)).isFalse();
    assertThat(main.contain(dev.warmpool.api.WorkerTemplate.class)).isTrue();
    assertThat(main.contain(dev.warmpool.spi.ProviderFactories.class)).isTrue();
  }

  @Test
  void poolApiDependsOnTheJdkOnly() {
    classes().that().resideInAPackage("dev.warmpool..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.warmpool..")
        .check(main);
  }

  @Test
  void theApiNeverUsesTheSpi() {
    noClasses().that().resideInAPackage("dev.warmpool.api..")
        .should().dependOnClassesThat().resideInAPackage("dev.warmpool.spi..")
        .check(main);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.warmpool.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void onlyTheSystemClockReadsTheWallClock() {
    noClasses().that().doNotHaveSimpleName("SystemPoolClock")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(java.time.LocalDateTime.class, "now")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .because("time flows through PoolClock; PoolClock.system() is the one adapter to the wall clock")
        .check(main);
  }

  @Test
  void noClassWritesToStandardStreams() {
    noClasses().should(GeneralCodingRules.ACCESS_STANDARD_STREAMS).check(main);
  }
}
