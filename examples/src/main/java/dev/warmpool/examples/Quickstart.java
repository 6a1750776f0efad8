package dev.warmpool.examples;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolSnapshot;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The smallest complete use of Warmpool: a pool of three warm workers on the fake cloud, one lease taken and
 * released, and the pool's snapshot before and after.
 *
 * <p>Everything runs on a {@link VirtualClock}, so the five minutes that the fake cloud takes to provision a worker
 * pass at once. Run it with {@code ./mvnw -B -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=dev.warmpool.examples.Quickstart}.
 *
 * <p>Not thread-safe: it runs on the thread that calls {@link #run(PrintStream)}.
 */
public final class Quickstart {
  private Quickstart() {}

  /**
   * Runs the quickstart and prints what it does to standard output.
   *
   * @param args ignored
   * @throws Exception if the pool fails to lease within ten minutes of virtual time
   */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Builds a pool, leases a worker, releases it and closes the pool, printing each step.
   *
   * @param out where to print
   * @return the snapshot taken while the lease was held
   * @throws ExecutionException if the lease failed
   * @throws TimeoutException if the pool did not lease or close within its virtual-time budget
   */
  public static PoolSnapshot run(PrintStream out) throws ExecutionException, TimeoutException {
    VirtualClock clock = new VirtualClock();                       // starts at 2023-03-23T00:00:00Z
    FakeCloud cloud = FakeCloud.builder()
        .seed(1)
        .clock(clock)
        .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .region("northeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
        .build();

    WorkerPool pool = WorkerPools.builder()
        .poolId("quickstart")
        .clock(clock)
        .template(WorkerTemplate.builder("ubuntu-22")
            .providerProperty("image", "ghcr.io/acme/runner:22.04")
            .warmTarget(3).maxTotal(10)
            .maxUses(1)                                            // a fresh worker for every job
            .build())
        .placement(cloud.placements().get(0))                      // westeurope, preferred
        .placement(cloud.placements().get(1).withPreference(1))    // northeurope, for failover
        .provider("fake", cloud.provider())
        .listener(event -> out.println("  event  " + event))
        .build();
    try {
      out.println("pool built at " + clock.now() + "; warming up (provisioning takes 5 minutes)");
      clock.advance(Duration.ofMinutes(6));
      out.println("snapshot: " + describe(pool.snapshot()));

      LeaseRequest request = LeaseRequest.forTemplate("ubuntu-22")
          .tenant("acme")
          .geographies(Set.of("eu"))                               // never a worker outside the EU
          .maxWait(Duration.ofMinutes(5))
          .build();
      PoolSnapshot whileLeased;
      try (Lease lease = clock.await(pool.lease(request), Duration.ofMinutes(10))) {
        out.println("leased " + lease.worker().id() + " in " + lease.worker().placement().region()
            + " (fencing token " + lease.fencingToken() + ")");
        clock.advance(Duration.ofMinutes(2));                      // the job runs
        whileLeased = pool.snapshot();
        out.println("snapshot: " + describe(whileLeased));
      }                                                            // close() releases the lease
      out.println("released; with maxUses(1) the worker is destroyed and a fresh one provisioned");
      clock.advance(Duration.ofMinutes(7));
      out.println("snapshot: " + describe(pool.snapshot()));
      return whileLeased;
    } finally {
      clock.await(pool.closeAsync(), Duration.ofHours(1));        // destroys every worker it created
      out.println("closed at " + clock.now() + "; workers left in the cloud: " + cloud.inventorySize());
    }
  }

  private static String describe(PoolSnapshot snapshot) {
    return "at " + snapshot.takenAt() + " " + snapshot.total() + ", waiting=" + snapshot.waiting();
  }
}
