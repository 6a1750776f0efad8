package dev.warmpool.examples.docs;

import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.spi.PoolStore;
import java.time.Duration;
import java.util.Map;

/** The snippet of docs/several-nodes.md; compiled by the build, shown by DocsTest. */
final class SharedNodes {
  private SharedNodes() {}

  static WorkerPool node(PoolStore store, Map<String, String> azureSettings) {
    // tag::node[]
    WorkerPool pool = WorkerPools.builder()
        .poolId("ci-linux")                     // the same on every node
        .store(store)                           // JdbcPoolStore in production, InMemoryPoolStore in tests
        .nodeId(System.getenv("HOSTNAME"))      // unique per live node (a pod name, a host name)
        .leadershipTimeout(Duration.ofSeconds(15))
        .template(WorkerTemplate.builder("ubuntu-22").warmTarget(20).maxTotal(100).build())
        .placement(Placement.of("azure", "westeurope", "eu"))
        .provider("azure", azureSettings)
        .build();
    // end::node[]
    return pool;
  }
}
