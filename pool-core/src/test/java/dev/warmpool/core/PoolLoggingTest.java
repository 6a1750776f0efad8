package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the pool logs through slf4j-simple (which writes to the current {@code System.err}). */
class PoolLoggingTest {
  static final String SECRET = "s3cr3t-Pa55w0rd-7f2c";

  final VirtualClock clock = new VirtualClock();

  @Test
  void noLineIsLoggedPerLeaseAtInfo() throws Exception {
    FakeCloud cloud = FakeCloud.builder().seed(1).clock(clock)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20))).build();
    WorkerPool pool = pool(cloud, WorkerTemplate.builder("linux").size("Standard_D2s_v5").warmTarget(10).maxUses(1)
        .build());
    clock.advance(Duration.ofMinutes(30));

    Set<String> ids = new HashSet<>();
    String log = capture(() -> {
      for (int i = 0; i < 60; i++) {
        Lease lease = pool.tryLease(LeaseRequest.of("linux")).orElseThrow();
        ids.add(lease.id());
        ids.add(lease.worker().id());
        clock.advance(Duration.ofMinutes(1));
        lease.close();
        clock.advance(Duration.ofMinutes(1));
      }
      await(pool); // its "closing" and "closed" lines show that the capture works
    });

    assertThat(ids).hasSize(120);
    List<String> info = log.lines().filter(l -> l.contains(" INFO ")).toList();
    assertThat(info).anyMatch(l -> l.contains("closing"));
    assertThat(info).as("INFO lines during 60 leases, 60 provisions and 60 deletes")
        .filteredOn(l -> !l.contains("clos")).isEmpty();
    assertThat(log.lines()).noneMatch(l -> ids.stream().anyMatch(l::contains));
  }

  @Test
  void noSecretIsLoggedThroughAnOutage() throws Exception {
    FakeCloud cloud = FakeCloud.builder().seed(1).clock(clock)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(20)))
        .fault(Faults.outage("westeurope").during(clock.now().plus(Duration.ofMinutes(30)),
            clock.now().plus(Duration.ofMinutes(90))))
        .build();
    String log = capture(() -> {
      WorkerPool pool = pool(cloud, WorkerTemplate.builder("linux").size("Standard_D2s_v5").warmTarget(5).maxUses(1)
          .providerProperty("customData", SECRET).providerProperty("adminPassword", SECRET).build());
      for (int i = 0; i < 60; i++) {
        pool.tryLease(LeaseRequest.of("linux")).ifPresent(Lease::close);
        clock.advance(Duration.ofMinutes(2));
      }
      await(pool);
    });
    assertThat(log).as("the run logged something").contains("westeurope").doesNotContain(SECRET);
  }

  private WorkerPool pool(FakeCloud cloud, WorkerTemplate template) {
    WorkerPools.Builder b = WorkerPools.builder().poolId("logs").clock(clock).template(template)
        .provider("fake", cloud.provider());
    cloud.placements().forEach(b::placement);
    return b.build();
  }

  private void await(WorkerPool pool) {
    try {
      clock.await(pool.closeAsync(), Duration.ofHours(1));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What {@code run} logs: slf4j-simple writes to {@code System.err} as it is at each line. */
  static String capture(ThrowingRunnable run) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A piece of a test that may throw. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
