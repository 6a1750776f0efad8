/**
 * The contract between the pool and a cloud backend: {@link dev.warmpool.spi.WorkerProvider} and its
 * {@link dev.warmpool.spi.ProviderFactory}, found by name with {@link java.util.ServiceLoader}.
 *
 * <p>This package may use {@code dev.warmpool.api}; the API never uses this package.
 */
package dev.warmpool.spi;
