package dev.warmpool.kubernetes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.time.Instant;

/**
 * The backend speaks the SPI only: it depends on pool-api ({@code dev.warmpool.api}, {@code dev.warmpool.spi}), the
 * JDK, fabric8 and SLF4J, never on the engine or another backend; it exports one type, whose public signatures name no
 * fabric8 type; it reads time only from the pool's clock and never sleeps.
 */
@AnalyzeClasses(packages = "dev.warmpool.kubernetes", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule speaksTheSpiOnly = classes()
      .should().onlyDependOnClassesThat()
      .resideInAnyPackage("java..", "io.fabric8..", "org.slf4j..", "dev.warmpool.api..", "dev.warmpool.spi..",
          "dev.warmpool.kubernetes..")
      .because("a backend depends on pool-api only: never on the engine, nor on another backend");

  @ArchTest
  static final ArchRule exportsOnlyTheFactory = classes().that().arePublic()
      .should().haveFullyQualifiedName(KubernetesProviderFactory.class.getName());

  @ArchTest
  static final ArchRule noPublicSignatureNamesAFabric8Type = methods().that().arePublic()
      .and().areDeclaredInClassesThat().arePublic()
      .should(new ArchCondition<JavaMethod>("name no fabric8 type in a parameter or return type") {
        @Override
        public void check(JavaMethod m, ConditionEvents events) {
          DescribedPredicate<JavaClass> fabric8 = DescribedPredicate.describe("fabric8",
              c -> c.getPackageName().startsWith("io.fabric8"));
          boolean leaks = fabric8.test(m.getRawReturnType())
              || m.getRawParameterTypes().stream().anyMatch(fabric8::test);
          events.add(new SimpleConditionEvent(m, !leaks, m.getFullName()));
        }
      });

  @ArchTest
  static final ArchRule readsTimeOnlyFromThePoolClock = noClasses()
      .should().callMethod(System.class, "nanoTime")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(Instant.class, "now")
      .orShould().callMethod(Thread.class, "sleep", long.class);

  @ArchTest
  static final ArchRule writesNothingToStandardStreams = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
}
