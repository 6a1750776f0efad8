package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.FakeCloud;
import dev.warmpool.fake.Faults;
import dev.warmpool.fake.Latency;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import dev.warmpool.spi.WorkerProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.simple.SimpleLoggerLevels;

/**
 * The log scan of issue 17: a full run of a shared pool (a store that goes away, a cloud with an outage, throttling
 * and failing deletes, a listener that throws, close) with secrets in every place a user puts them (template
 * properties, provider settings: a password, an endpoint with credentials, a connection string, a token). Every log
 * line at every level, every event's {@code toString}, every exception message and the provider context's
 * {@code toString} are scanned: no secret may appear.
 */
class SecretLogScanTest {
  static final String PASSWORD = "Pa55w0rd-9d1e7c";
  static final String TOKEN = "T0ken-4b7a11";
  static final String CONNECTION_PASSWORD = "C0nn-55e3f0";
  static final String CUSTOM_DATA = "c3VzdG9tLWRhdGEtc2VjcmV0";
  static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-scan-key";
  static final List<String> SECRETS = List.of(PASSWORD, TOKEN, CONNECTION_PASSWORD, CUSTOM_DATA, SSH_KEY);

  final VirtualClock clock = new VirtualClock();
  final List<String> seen = new CopyOnWriteArrayList<>();
  final AtomicInteger listenerFailures = new AtomicInteger();

  @Test
  void noSecretAppearsInAnyLogLineEventOrMessageOfAFullRun() throws Exception {
    Instant t0 = clock.now();
    FakeCloud cloud = FakeCloud.builder().id("secret-scan").seed(17).clock(clock)
        .region("westeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(12)))
        .region("northeurope", "eu", Latency.uniform(Duration.ofMinutes(3), Duration.ofMinutes(12)))
        .fault(Faults.outage("westeurope").during(t0.plus(Duration.ofMinutes(40)), t0.plus(Duration.ofMinutes(130))))
        .fault(Faults.throttling("northeurope").during(t0.plus(Duration.ofMinutes(150)),
            t0.plus(Duration.ofMinutes(170))))
        .fault(Faults.capacityError("northeurope").failureRate(0.3))
        .build();
    OutageStore store = new OutageStore(new InMemoryPoolStore());

    String log = PoolLoggingTest.capture(() -> {
      List<AutoCloseable> levels = List.of(SimpleLoggerLevels.traceAll("dev.warmpool.pool"),
          SimpleLoggerLevels.traceAll("dev.warmpool.store"));
      try {
        run(cloud, store);
      } finally {
        for (AutoCloseable level : levels) {
          level.close();
        }
      }
    });

    // kept for reading when the scan fails
    Files.writeString(Path.of("target", "secret-log-scan.log"), log, StandardCharsets.UTF_8);
    List<String> lines = log.lines().toList();
    assertThat(lines).as("the capture holds the engine's lines at every level")
        .anyMatch(l -> l.contains("DEBUG dev.warmpool.pool") && l.contains("provision failed"))
        .anyMatch(l -> l.contains("WARN dev.warmpool.pool") && l.contains("placement opened"))
        .anyMatch(l -> l.contains("WARN dev.warmpool.store") && l.contains("unreachable"))
        .anyMatch(l -> l.contains("listener") && l.contains("threw"));
    assertThat(seen).as("events and messages were collected").hasSizeGreaterThan(100);
    for (String secret : SECRETS) {
      assertThat(lines.stream().filter(l -> l.contains(secret))).as("log lines with " + secret).isEmpty();
      assertThat(seen.stream().filter(s -> s.contains(secret)))
          .as("events, exception messages and toString()s with " + secret).isEmpty();
    }
  }

  private void run(FakeCloud cloud, OutageStore store) throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put("cloud", cloud.id());
    settings.put("password", PASSWORD);
    settings.put("endpoint", "https://scan-user:" + TOKEN + "@cloud.example.com/api");
    settings.put("connectionString", "Server=db.example.com;User Id=sa;Password=" + CONNECTION_PASSWORD + ";");
    settings.put("token", TOKEN);
    ProviderFactory factory = new ProviderFactory() {
      @Override
      public String name() {
        return "scan";
      }

      @Override
      public WorkerProvider create(ProviderContext context) {
        seen.add(context.toString());
        return cloud.provider(context.providerName());
      }
    };
    WorkerPools.Builder b = WorkerPools.builder().poolId("scan").clock(clock).store(store).nodeId("node-a")
        .template(WorkerTemplate.builder("linux").size("Standard_D2s_v5").warmTarget(6).maxUses(1)
            .providerProperty("adminPassword", PASSWORD).providerProperty("customData", CUSTOM_DATA)
            .providerProperty("sshPublicKey", SSH_KEY).build())
        .provider("fake", factory, settings)
        .listener(event -> seen.add(event.toString()))
        .listener(event -> {
          if (listenerFailures.incrementAndGet() <= 3) { // a few are enough: each is logged with its stack trace
            throw new IllegalStateException("a listener's bug");
          }
        });
    cloud.placements().forEach(b::placement);
    WorkerPool pool = b.build();
    seen.add(pool.toString());

    List<Lease> held = new ArrayList<>();
    for (int minute = 0; minute < 240; minute += 2) {
      if (minute == 60) {
        store.down(true);
      } else if (minute == 80) {
        store.down(false);
      }
      try {
        pool.tryLease(LeaseRequest.forTemplate("linux").tenant("acme").build()).ifPresent(held::add);
      } catch (RuntimeException e) {
        seen.add(e.toString());
      }
      CompletableFuture<Lease> waiting = pool.lease(LeaseRequest.of("linux"));
      waiting.whenComplete((l, e) -> {
        if (e != null) {
          seen.add(e.toString());
        } else {
          held.add(l);
        }
      });
      if (held.size() > 3) {
        Lease l = held.remove(0);
        try {
          l.close();
        } catch (RuntimeException e) {
          seen.add(e.toString());
        }
      }
      clock.advance(Duration.ofMinutes(2));
      seen.add(pool.snapshot().toString());
    }
    CompletableFuture<Void> closed = pool.closeAsync();
    clock.await(closed, Duration.ofHours(2));
    closed.get(1, TimeUnit.SECONDS);

    // refusals at build: a setting the fake provider does not know, holding a secret
    assertThatThrownBy(() -> WorkerPools.builder().poolId("scan-2").clock(clock)
        .template(WorkerTemplate.builder("linux").size("Standard_D2s_v5").build())
        .placement(cloud.placements().get(0))
        .provider("fake", Map.of("cloud", cloud.id(), "password", PASSWORD)).build())
        .satisfies(e -> seen.add(e.toString()));
  }
}
