package dev.warmpool.spi;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SafeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link ProviderFactory} implementations on the class path by name, with {@link ServiceLoader}.
 *
 * <p>A factory that fails to load does not hide the others: its error is reported only when it is the one asked
 * for, or when no factory has the name asked for. Two factories with one name are an error. Thread-safe.
 *
 * @since 0.1
 */
public final class ProviderFactories {

  private ProviderFactories() {}

  /**
   * Finds the factory with a name, with the thread's context class loader.
   *
   * @param name the provider's name
   * @return the factory
   * @throws InvalidConfigurationException if none or several have the name: {@code provider "x" not found;
   *     available: [...]}
   */
  public static ProviderFactory find(String name) {
    return find(name, Thread.currentThread().getContextClassLoader());
  }

  /**
   * Finds the factory with a name.
   *
   * @param name the provider's name
   * @param loader where to look
   * @return the factory
   * @throws InvalidConfigurationException if none or several have the name
   */
  public static ProviderFactory find(String name, ClassLoader loader) {
    Objects.requireNonNull(name, "name cannot be null");
    Map<String, List<ProviderFactory>> byName = new TreeMap<>();
    List<String> broken = new ArrayList<>();
    for (ServiceLoader.Provider<ProviderFactory> p : loadAll(loader, broken)) {
      try {
        ProviderFactory f = p.get();
        byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
      } catch (ServiceConfigurationError | RuntimeException e) {
        // a ServiceConfigurationError only says "could not be instantiated": the cause says why
        broken.add(p.type().getName() + ": " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
      }
    }
    List<ProviderFactory> found = byName.getOrDefault(name, List.of());
    if (found.size() > 1) {
      throw new InvalidConfigurationException("provider", "provider " + SafeText.quote(name) + " is registered by several "
          + "factories: " + found.stream().map(f -> f.getClass().getName()).toList() + "; keep one on the class path");
    }
    if (found.isEmpty()) {
      throw new InvalidConfigurationException("provider", "provider " + SafeText.quote(name) + " not found; available: "
          + byName.keySet() + (broken.isEmpty() ? "" : "; failed to load: " + broken));
    }
    return found.get(0);
  }

  /**
   * The names of the factories that load, sorted.
   *
   * @param loader where to look
   * @return the names
   */
  public static List<String> available(ClassLoader loader) {
    List<String> names = new ArrayList<>();
    for (ServiceLoader.Provider<ProviderFactory> p : loadAll(loader, new ArrayList<>())) {
      try {
        names.add(p.get().name());
      } catch (ServiceConfigurationError | RuntimeException e) {
        // a broken factory is not available; find() reports it
      }
    }
    names.sort(null);
    return names;
  }

  private static List<ServiceLoader.Provider<ProviderFactory>> loadAll(ClassLoader loader, List<String> broken) {
    List<ServiceLoader.Provider<ProviderFactory>> all = new ArrayList<>();
    var it = ServiceLoader.load(ProviderFactory.class, loader).stream().iterator();
    // bounded: a services file that cannot be read at all would otherwise fail the same way forever
    for (int errors = 0; errors < 1000; ) {
      try {
        if (!it.hasNext()) {
          return all;
        }
        all.add(it.next());
      } catch (ServiceConfigurationError e) {
        // a missing or malformed class named in a services file; the iterator moves past it
        broken.add(e.getMessage());
        errors++;
      }
    }
    return all;
  }
}
