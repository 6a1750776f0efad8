package dev.warmpool.examples.spring;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application whose pool comes from {@code application.yaml}: it replays a West Europe outage (from
 * 01:00 to 04:00) on a virtual clock, takes a lease every ten minutes, and prints what the actuator's health endpoint
 * says about the pool every half hour: UP, DEGRADED while the pool fails over to North Europe, UP again after.
 */
@SpringBootApplication
public class OutageApplication {
  /** The id the fake cloud registers under; application.yaml names it in {@code providers.fake.cloud}. */
  static final String CLOUD_ID = "demo-cloud";

  /** Spring creates it. */
  public OutageApplication() {
    // configuration class
  }

  /**
   * Runs the replay and prints the timeline.
   *
   * @param args Spring Boot arguments, e.g. {@code --warmpool.pools.ci.templates.linux.warm-target=10}
   */
  public static void main(String[] args) {
    run(System.out, args);
  }

  /**
   * Runs the replay.
   *
   * @param out where the timeline goes
   * @param args Spring Boot arguments
   * @return the pool's health status every half hour, in order
   */
  static List<String> run(PrintStream out, String... args) {
    VirtualClock clock = new VirtualClock();
    Instant start = clock.now();
    FakeCloud cloud = FakeCloud.builder().id(CLOUD_ID).clock(clock).seed(42)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(8)))
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(8)))
        .fault(Faults.outage("westeurope").during(start.plus(Duration.ofHours(1)), start.plus(Duration.ofHours(4))))
        .build();
    SpringApplication app = new SpringApplication(OutageApplication.class);
    // the clock is a bean: every pool runs on it (the cloud is found by its id, and must exist before the pools)
    app.addInitializers(context -> context.getBeanFactory().registerSingleton("poolClock", (PoolClock) clock));
    List<String> statuses = new ArrayList<>();
    try (ConfigurableApplicationContext context = app.run(args)) {
      WorkerPool pool = context.getBean(WorkerPool.class);
      HealthEndpoint health = context.getBean(HealthEndpoint.class);
      out.printf("%-6s %-9s %-9s %s%n", "time", "overall", "pool ci", "details");
      for (int minute = 0; minute <= 6 * 60; minute += 10) {
        if (minute % 30 == 0) {
          HealthDescriptor overall = health.health();
          IndicatedHealthDescriptor ci = (IndicatedHealthDescriptor) health.healthForPath("warmpool", "ci");
          Map<String, Object> d = ci.getDetails();
          out.printf("%02d:%02d  %-9s %-9s counts=%s open=%s alerts=%d%n", minute / 60, minute % 60,
              overall.getStatus(), ci.getStatus(), d.get("counts"), d.get("openPlacements"),
              ((List<?>) d.get("alerts")).size());
          statuses.add(ci.getStatus().getCode());
        }
        pool.tryLease(LeaseRequest.of("linux")).ifPresent(lease -> lease.close());
        clock.advance(Duration.ofMinutes(10));
      }
    }
    // the pools closed on the application's clock: move it so that the deletes finish
    clock.advance(Duration.ofMinutes(10));
    out.println("leaked resources after shutdown: " + cloud.leakedResources().size());
    return statuses;
  }
}
