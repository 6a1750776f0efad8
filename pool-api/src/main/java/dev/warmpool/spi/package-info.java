/**
 * The contract between the pool and a cloud backend: {@link dev.warmpool.spi.WorkerProvider} and its
 * {@link dev.warmpool.spi.ProviderFactory}, found by name with {@link java.util.ServiceLoader}.
 *
 * {@link dev.warmpool.spi.PoolStore} is where the nodes of a shared pool keep its state.
 *
 * <p>This package may use {@code dev.warmpool.api}; the API never uses this package.
 */
package dev.warmpool.spi;
