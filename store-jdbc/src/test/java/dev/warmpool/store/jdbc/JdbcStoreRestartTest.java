package dev.warmpool.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.spi.GrantQuery;
import dev.warmpool.spi.PoolStore;
import dev.warmpool.spi.StoreUnavailableException;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A database that goes away: calls fail fast with {@link StoreUnavailableException}, and the same store works again
 * when the server is back, with nothing lost.
 */
class JdbcStoreRestartTest {

  private static final Instant T0 = Instant.parse("2026-03-23T02:41:00.123456Z");

  private final TestDatabase db = TestDatabase.shared();

  @AfterEach
  void serverIsUpAgain() {
    if (db.restartable()) {
      db.start();
    }
  }

  @Test
  void callsFailFastWhileTheServerIsDownAndWorkAgainAfterARestartWithNothingLost() {
    db.assumeRestartable();
    PoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(db.freshPrefix()).build();
    String pool = "restarted";
    long epoch = store.lead(pool, "n1", T0, Duration.ofMinutes(5)).epoch();
    for (int i = 0; i < 3; i++) {
      store.insert(pool, epoch, new StoredWorker("w" + i, "linux", "fake/a", State.IDLE, 0, 0, epoch, "r" + i,
          Map.of("ip", "10.0.0." + i), null, null, null, null, null, T0, T0, T0.minusSeconds(i), null));
    }
    StoredWorker lease = store.grant(pool, new GrantQuery("linux", List.of("fake/a"), "acme", "n1", "l1",
        T0.plusSeconds(1), null)).orElseThrow();
    List<StoredWorker> before = store.workers(pool);

    db.stop();

    List<Consumer<PoolStore>> calls = List.of(
        s -> s.workers(pool),
        s -> s.grant(pool, new GrantQuery("linux", List.of("fake/a"), "acme", "n1", "l2", T0, null)),
        s -> s.release(pool, lease.id(), lease.grants(), true, T0, null),
        s -> s.lead(pool, "n1", T0, Duration.ofMinutes(5)),
        s -> s.insert(pool, epoch, StoredWorker.provisioning("w9", "linux", "fake/a", "n1", epoch, T0)),
        s -> s.heartbeat(pool, "n1", T0, List.of(), false));
    List<String> operations = List.of("workers", "grant", "release", "lead", "insert", "heartbeat");
    for (int i = 0; i < calls.size(); i++) {
      Consumer<PoolStore> call = calls.get(i);
      long started = System.nanoTime();
      assertThatThrownBy(() -> call.accept(store))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("pool " + pool)
          .hasMessageContaining(operations.get(i));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as(operations.get(i))
          .isLessThan(Duration.ofSeconds(3));
    }

    db.start();

    assertThat(store.workers(pool)).containsExactlyInAnyOrderElementsOf(before);
    assertThat(store.release(pool, lease.id(), lease.grants(), true, T0.plusSeconds(2), null)).isPresent();
    assertThat(store.grant(pool, new GrantQuery("linux", List.of("fake/a"), "acme", "n1", "l3", T0.plusSeconds(3),
        null))).isPresent();
    assertThat(store.lead(pool, "n1", T0.plusSeconds(4), Duration.ofMinutes(5)).epoch()).isEqualTo(epoch);
  }

  @Test
  void aStoreFirstUsedWhileTheServerIsDownCreatesItsTablesOnceItIsBack() {
    db.assumeRestartable();
    PoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(db.freshPrefix()).build();

    db.stop();
    assertThatThrownBy(() -> store.open("late")).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("pool late").hasMessageContaining("open");
    db.start();

    store.open("late");
    assertThat(store.workers("late")).isEmpty();
  }
}
