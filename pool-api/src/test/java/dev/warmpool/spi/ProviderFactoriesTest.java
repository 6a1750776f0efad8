package dev.warmpool.spi;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each scenario gets its own class loader over a temporary directory that holds only its services file, with the test
 * class loader (which registers no factory) as parent, so scenarios cannot see each other's factories.
 */
class ProviderFactoriesTest {
  private static final String ALPHA = TestFactories.Alpha.class.getName();
  private static final String ALPHA_AGAIN = TestFactories.AlphaAgain.class.getName();
  private static final String BETA = TestFactories.Beta.class.getName();
  private static final String EXPLODING = TestFactories.Exploding.class.getName();
  private static final String NAMELESS = TestFactories.Nameless.class.getName();
  private static final String NOT_A_FACTORY = TestFactories.NotAFactory.class.getName();
  private static final String MISSING = "dev.warmpool.spi.NoSuchFactory";

  @TempDir
  Path dir;

  private final List<URLClassLoader> loaders = new ArrayList<>();

  @AfterEach
  void closeLoaders() throws IOException {
    for (URLClassLoader l : loaders) {
      l.close();
    }
  }

  /** A class loader that registers exactly these lines in its services file. */
  private ClassLoader registering(String... lines) {
    try {
      Path root = Files.createTempDirectory(dir, "scenario");
      Path services = root.resolve("META-INF/services/" + ProviderFactory.class.getName());
      Files.createDirectories(services.getParent());
      Files.write(services, Arrays.asList(lines));
      URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
      loaders.add(loader);
      return loader;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theTestClassPathRegistersNoFactory() {
    assertThat(ProviderFactories.available(getClass().getClassLoader())).isEmpty();
  }

  @Test
  void aFactoryIsFoundByName() {
    ClassLoader loader = registering(ALPHA, BETA);
    assertThat(ProviderFactories.find("beta", loader)).isInstanceOf(TestFactories.Beta.class);
    assertThat(ProviderFactories.find("alpha", loader)).isInstanceOf(TestFactories.Alpha.class);
    assertThat(ProviderFactories.available(loader)).containsExactly("alpha", "beta");
  }

  @Test
  void commentsAndBlankLinesInTheServicesFileAreIgnored() {
    ClassLoader loader = registering("# the test factories", "", BETA + "  # beta", ALPHA);
    assertThat(ProviderFactories.available(loader)).containsExactly("alpha", "beta");
  }

  @Test
  void findWithoutALoaderUsesTheContextClassLoader() {
    ClassLoader loader = registering(BETA);
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      assertThat(ProviderFactories.find("beta")).isInstanceOf(TestFactories.Beta.class);
    } finally {
      t.setContextClassLoader(before);
    }
    assertThatThrownBy(() -> ProviderFactories.find("beta")).isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void anUnknownNameFailsListingTheAvailableNames() {
    ClassLoader loader = registering(BETA, ALPHA);
    assertInvalid(() -> ProviderFactories.find("gamma", loader), "provider",
        "provider \"gamma\" not found; available: [alpha, beta]");
  }

  @Test
  void withNoFactoryAtAllTheListIsEmpty() {
    ClassLoader loader = registering();
    assertInvalid(() -> ProviderFactories.find("azure", loader), "provider",
        "provider \"azure\" not found; available: []");
  }

  @Test
  void twoFactoriesWithOneNameFailNamingBothClasses() {
    ClassLoader loader = registering(ALPHA, BETA, ALPHA_AGAIN);
    assertInvalid(() -> ProviderFactories.find("alpha", loader), "provider",
        "provider \"alpha\" is registered by several factories: [" + ALPHA + ", " + ALPHA_AGAIN
            + "]; keep one on the class path");
  }

  @Test
  void aDuplicatedNameDoesNotHideOtherNames() {
    ClassLoader loader = registering(ALPHA, BETA, ALPHA_AGAIN);
    assertThat(ProviderFactories.find("beta", loader)).isInstanceOf(TestFactories.Beta.class);
  }

  @Test
  void aFactoryWhoseConstructorThrowsDoesNotHideTheOthers() {
    ClassLoader loader = registering(EXPLODING, ALPHA, BETA);
    assertThat(ProviderFactories.find("alpha", loader)).isInstanceOf(TestFactories.Alpha.class);
    assertThat(ProviderFactories.find("beta", loader)).isInstanceOf(TestFactories.Beta.class);
    assertThat(ProviderFactories.available(loader)).containsExactly("alpha", "beta");
  }

  @Test
  void aFactoryWhoseConstructorThrowsIsReportedWhenTheNameIsNotFound() {
    ClassLoader loader = registering(ALPHA, EXPLODING);
    assertThatThrownBy(() -> ProviderFactories.find("exploding", loader))
        .isInstanceOfSatisfying(InvalidConfigurationException.class,
            e -> assertThat(e.option()).isEqualTo("provider"))
        .hasMessageStartingWith("provider \"exploding\" not found; available: [alpha]; failed to load: [" + EXPLODING)
        .hasMessageContaining("boom: no credentials");
  }

  @Test
  void aServicesFileNamingAMissingClassDoesNotHideTheOthers() {
    ClassLoader loader = registering(ALPHA, MISSING, BETA);
    assertThat(ProviderFactories.find("alpha", loader)).isInstanceOf(TestFactories.Alpha.class);
    assertThat(ProviderFactories.find("beta", loader)).isInstanceOf(TestFactories.Beta.class);
    assertThat(ProviderFactories.available(loader)).containsExactly("alpha", "beta");
  }

  @Test
  void aMissingClassIsReportedWhenTheNameIsNotFound() {
    ClassLoader loader = registering(MISSING, BETA);
    assertThatThrownBy(() -> ProviderFactories.find("gamma", loader))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("provider \"gamma\" not found; available: [beta]; failed to load: [")
        .hasMessageContaining(MISSING);
  }

  @Test
  void aClassThatIsNoFactoryDoesNotHideTheOthers() {
    ClassLoader loader = registering(NOT_A_FACTORY, BETA);
    assertThat(ProviderFactories.find("beta", loader)).isInstanceOf(TestFactories.Beta.class);
    assertThatThrownBy(() -> ProviderFactories.find("gamma", loader))
        .hasMessageStartingWith("provider \"gamma\" not found; available: [beta]; failed to load: [")
        .hasMessageContaining(NOT_A_FACTORY);
  }

  @Test
  void aFactoryThatCannotSayItsNameDoesNotHideTheOthers() {
    ClassLoader loader = registering(NAMELESS, ALPHA);
    assertThat(ProviderFactories.find("alpha", loader)).isInstanceOf(TestFactories.Alpha.class);
    assertThat(ProviderFactories.available(loader)).containsExactly("alpha");
    assertThatThrownBy(() -> ProviderFactories.find("gamma", loader))
        .hasMessageContaining("failed to load: [" + NAMELESS + ": name unavailable]");
  }

  @Test
  void scenariosDoNotSeeEachOthersFactories() {
    ClassLoader first = registering(ALPHA);
    ClassLoader second = registering(BETA);
    assertThat(ProviderFactories.available(first)).containsExactly("alpha");
    assertThat(ProviderFactories.available(second)).containsExactly("beta");
  }

  @Test
  void aNullNameFails() {
    ClassLoader loader = registering(ALPHA);
    assertThatNullPointerException().isThrownBy(() -> ProviderFactories.find(null, loader))
        .withMessage("name cannot be null");
  }
}
