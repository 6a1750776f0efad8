package dev.warmpool.examples.docs;

import dev.warmpool.api.PoolListener;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.core.WorkerPoolConfig;
import dev.warmpool.spi.PoolStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The snippet of docs/configuration.md; compiled by the build, shown by DocsTest. */
final class ConfigurationSnippets {
  private ConfigurationSnippets() {}

  static WorkerPool fromFile(PoolStore store, PoolListener alerts) throws IOException {
    // tag::read-properties[]
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("warmpool.properties"))) {
      p.load(in);
    }
    WorkerPool pool = WorkerPoolConfig.read(p).get("ci").build(b -> b.store(store).listener(alerts));
    // end::read-properties[]
    return pool;
  }
}
