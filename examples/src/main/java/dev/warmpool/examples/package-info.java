/**
 * Runnable programs that show Warmpool at work on the fake cloud: {@link dev.warmpool.examples.Quickstart},
 * {@link dev.warmpool.examples.CustomBackend} and {@link dev.warmpool.examples.IncidentReplay}.
 */
package dev.warmpool.examples;
