package dev.warmpool.spi;

/**
 * Creates a {@link WorkerProvider} from settings. Backends ship one, registered for {@link java.util.ServiceLoader}
 * in {@code META-INF/services/dev.warmpool.spi.ProviderFactory}, and the pool finds it by {@link #name()}.
 *
 * <p>Implementations MUST have a public no-argument constructor and MUST be thread-safe.
 *
 * @since 0.1
 */
public interface ProviderFactory {

  /** {@return the provider's name, unique among the factories on the class path (e.g. {@code "azure"})} */
  String name();

  /**
   * Creates a provider for one pool. Checks every setting before it returns.
   *
   * @param context the pool's id, clock and this provider's settings
   * @return the provider
   * @throws dev.warmpool.api.InvalidConfigurationException naming the setting that is missing or malformed
   */
  WorkerProvider create(ProviderContext context);
}
