package dev.warmpool.kubernetes;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import java.time.Duration;
import java.util.Map;

/** The snippet of docs/kubernetes.md; compiled here, shown there by the examples module's DocsTest. */
final class DocsSnippets {
  private DocsSnippets() {}

  static WorkerPool twoClusters() throws Exception {
    // tag::two-clusters[]
    Map<String, String> kubernetes = Map.of(
        "cluster.east.url", "https://east.k8s.example.com:6443",
        "cluster.east.namespace", "ci",
        "cluster.east.tokenFile", "/var/run/secrets/warmpool/east-token",
        "cluster.west.context", "west-admin",
        "cluster.west.namespace", "ci",
        "unschedulableTimeout", "PT3M");

    WorkerTemplate runner = WorkerTemplate.builder("runner")
        .providerProperty("image", "ghcr.io/actions/actions-runner:2.321.0")
        .providerProperty("command", "/home/runner/run.sh --once")
        .providerProperty("cpu", "2")
        .providerProperty("memory", "4Gi")
        .providerProperty("secretEnv.RUNNER_TOKEN", "runner-token/token")
        .providerProperty("nodeSelector.kubernetes.io/os", "linux")
        .providerProperty("toleration.0", "dedicated=ci:NoSchedule")
        .size("2cpu-4gi")
        .warmTarget(2).maxTotal(20)
        .build();

    WorkerPool pool = WorkerPools.builder()
        .poolId("ci-runners")
        .template(runner)
        .placement(new Placement("kubernetes", "east", "eu", 0))
        .placement(new Placement("kubernetes", "west", "eu", 1))
        .provider("kubernetes", kubernetes)
        .build();

    try (Lease lease = pool.acquire(LeaseRequest.of("runner"), Duration.ofMinutes(5))) {
      String pod = lease.worker().attributes().get("podName");
      String ip = lease.worker().attributes().get("podIP");
      // hand the job to the runner in pod `pod` at `ip`
    }
    // end::two-clusters[]
    return pool;
  }
}
