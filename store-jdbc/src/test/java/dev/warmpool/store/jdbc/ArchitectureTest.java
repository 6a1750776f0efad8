package dev.warmpool.store.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.time.Instant;

@AnalyzeClasses(packages = "dev.warmpool.store.jdbc", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule usesOnlyTheSpiAndJdbc = classes()
      .should().onlyDependOnClassesThat()
      .resideInAnyPackage("java.lang..", "java.util..", "java.time..", "java.sql..", "javax.sql..", "java.io..",
          "dev.warmpool.api..", "dev.warmpool.spi..", "dev.warmpool.store.jdbc..")
      .because("the store speaks plain JDBC through the SPI: never pool-core, a backend or a driver class");

  @ArchTest
  static final ArchRule exportsOnlyTheStoreAndItsBuilder = classes().that().arePublic()
      .should().haveNameMatching("dev\\.warmpool\\.store\\.jdbc\\.JdbcPoolStore(\\$Builder)?");

  @ArchTest
  static final ArchRule takesTimeOnlyFromItsCallers = noClasses()
      .should().callMethod(System.class, "nanoTime")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Instant.class, "now")
      .orShould().callMethod(Thread.class, "sleep", long.class);

  @ArchTest
  static final ArchRule writesNothingToStandardStreams = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
