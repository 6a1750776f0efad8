package dev.warmpool.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every published jar has a stable JPMS name, exports exactly the packages pinned here, and has its sources and
 * javadoc jars beside it. A new package is an API decision: add it here on purpose.
 */
class PublishedJarsTest {

  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of(dev.warmpool.api.WorkerPool.class, "dev.warmpool.api",
            Set.of("dev.warmpool.api", "dev.warmpool.spi")),
        Arguments.of(dev.warmpool.core.WorkerPools.class, "dev.warmpool.core",
            Set.of("dev.warmpool.core", "dev.warmpool.core.internal")),
        Arguments.of(dev.warmpool.fake.FakeCloud.class, "dev.warmpool.fake", Set.of("dev.warmpool.fake")),
        Arguments.of(dev.warmpool.azure.AzureProviderFactory.class, "dev.warmpool.azure",
            Set.of("dev.warmpool.azure")),
        Arguments.of(dev.warmpool.store.jdbc.JdbcPoolStore.class, "dev.warmpool.store.jdbc",
            Set.of("dev.warmpool.store.jdbc")),
        Arguments.of(dev.warmpool.micrometer.WarmpoolMetrics.class, "dev.warmpool.micrometer",
            Set.of("dev.warmpool.micrometer")),
        Arguments.of(dev.warmpool.kubernetes.KubernetesProviderFactory.class, "dev.warmpool.kubernetes",
            Set.of("dev.warmpool.kubernetes")),
        Arguments.of(dev.warmpool.spring.WarmpoolAutoConfiguration.class, "dev.warmpool.spring",
            Set.of("dev.warmpool.spring")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("modules")
  void hasItsModuleNameExportsAndSourcesAndJavadocJars(Class<?> type, String name, Set<String> exports)
      throws Exception {
    Path jar = jarOf(type);
    assertThat(jar.getFileName().toString()).as("the reactor hands over the packaged jar").endsWith(".jar");

    ModuleDescriptor module = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
    assertThat(module.name()).isEqualTo(name);
    assertThat(module.isAutomatic()).isTrue();
    assertThat(module.packages()).containsExactlyInAnyOrderElementsOf(exports);

    String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    try (JarFile sources = new JarFile(jar.resolveSibling(base + "-sources.jar").toFile());
         JarFile javadoc = new JarFile(jar.resolveSibling(base + "-javadoc.jar").toFile())) {
      String path = type.getName().replace('.', '/');
      assertThat(sources.getEntry(path + ".java")).as("sources of " + type.getName()).isNotNull();
      // the javadoc tool lays a named module's pages out under the module's name (older runs did not)
      assertThat(Stream.of(name + "/" + path + ".html", path + ".html").map(javadoc::getEntry))
          .as("javadoc of " + type.getName()).anyMatch(java.util.Objects::nonNull);
      assertThat(javadoc.getEntry("index.html")).isNotNull();
    }
  }

  private static Path jarOf(Class<?> type) throws URISyntaxException {
    Path p = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(Files.isRegularFile(p)).as(p + " is a file").isTrue();
    return p;
  }
}
