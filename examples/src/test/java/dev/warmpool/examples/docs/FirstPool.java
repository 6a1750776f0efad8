package dev.warmpool.examples.docs;

// tag::first-pool[]
import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.util.Set;

public class FirstPool {
  public static void main(String[] args) throws Exception {
    VirtualClock clock = new VirtualClock();                 // time moves only when the program moves it
    FakeCloud cloud = FakeCloud.builder().seed(1).clock(clock)
        .region("westeurope", "eu")                          // a provision takes 3 to 20 minutes
        .region("northeurope", "eu")
        .build();

    WorkerPool pool = WorkerPools.builder()
        .poolId("ci")
        .clock(clock)                                        // the pool runs on the same clock
        .template(WorkerTemplate.builder("linux").warmTarget(3).maxTotal(10).maxUses(1).build())
        .placement(cloud.placements().get(0))                    // westeurope: preferred
        .placement(cloud.placements().get(1).withPreference(1))  // northeurope: failover
        .provider("fake", cloud.provider())
        .build();

    clock.advance(Duration.ofMinutes(30));                   // warm up
    System.out.println("warm:     " + pool.snapshot().total());

    LeaseRequest job = LeaseRequest.forTemplate("linux").tenant("acme")
        .geographies(Set.of("eu")).maxWait(Duration.ofMinutes(5)).build();
    try (Lease lease = clock.await(pool.lease(job), Duration.ofMinutes(5))) {
      System.out.println("leased:   " + lease.worker().id() + " in " + lease.worker().placement().region());
      System.out.println("          " + pool.snapshot().total());
    }                                                        // released; maxUses(1): the worker is replaced

    clock.await(pool.closeAsync(), Duration.ofHours(1));     // deletes every worker the pool made
    System.out.println("closed:   " + cloud.inventorySize() + " workers left in the cloud");
  }
}
// end::first-pool[]
