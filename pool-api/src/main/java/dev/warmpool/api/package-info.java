/**
 * Warmpool's user API: the {@link dev.warmpool.api.WorkerPool}, its {@link dev.warmpool.api.Lease}s, the requests and
 * templates that configure them, snapshots and events.
 *
 * <p>This package depends on the JDK only. Backends implement {@code dev.warmpool.spi}; the engine is built with
 * {@code dev.warmpool.core.WorkerPools}.
 */
package dev.warmpool.api;
