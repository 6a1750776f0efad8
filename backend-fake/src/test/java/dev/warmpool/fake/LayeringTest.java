package dev.warmpool.fake;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** A backend depends on pool-api only: never on the engine, nor on another backend. */
class LayeringTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.warmpool.fake");

  @Test
  void theBackendUsesOnlyTheApiAndSpiOfWarmpool() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.warmpool.core..", "dev.warmpool.micrometer..",
        "dev.warmpool.azure..")
        .check(MAIN);
  }
}
