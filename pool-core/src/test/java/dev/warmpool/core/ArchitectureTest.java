package dev.warmpool.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.warmpool.core");

  @Test
  void coreReadsTimeOnlyThroughThePoolClock() {
    ArchRule rule = noClasses().that().doNotHaveSimpleName("SystemClock")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(java.time.LocalDateTime.class, "now")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .because("all time in core flows through the injected PoolClock");
    rule.check(CORE);
  }

  @Test
  void coreNeverNamesABackend() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.warmpool.fake..", "dev.warmpool.azure..",
        "com.azure..").check(CORE);
  }

  @Test
  void publicCoreTypesExposeNoInternalType() {
    ArchRuleDefinition.methods().that().areDeclaredInClassesThat().resideInAPackage("dev.warmpool.core")
        .and().arePublic()
        .should().haveRawReturnType(com.tngtech.archunit.base.DescribedPredicate.not(
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.warmpool.core.internal..")))
        .check(CORE);
    ArchRuleDefinition.classes().that().resideInAPackage("dev.warmpool.core").and().haveModifier(JavaModifier.PUBLIC)
        .should().notBeAssignableTo(com.tngtech.archunit.core.domain.JavaClass.Predicates
            .resideInAPackage("dev.warmpool.core.internal.."))
        .check(CORE);
  }

  @Test
  void coreDoesNotPrint() {
    noClasses().should().accessField(System.class, "out").orShould().accessField(System.class, "err").check(CORE);
  }

  @Test
  void corePackagesHaveNoCycles() {
    SlicesRuleDefinition.slices().matching("dev.warmpool.core.(**)").should().beFreeOfCycles().check(CORE);
  }
}
