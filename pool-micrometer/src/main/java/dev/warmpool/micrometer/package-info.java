/**
 * Micrometer metrics for a Warmpool {@link dev.warmpool.api.WorkerPool}: see {@link dev.warmpool.micrometer.WarmpoolMetrics}.
 */
package dev.warmpool.micrometer;
