package dev.warmpool.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.spi.StaleLeaderException;
import dev.warmpool.spi.StoredWorker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A leader's write that races a take-over: the take-over holds the leadership row (as {@code lead} does inside its
 * upsert) while the old leader writes. The write must wait and then see the new epoch, never slip in with the old one.
 */
class JdbcFencingTest {

  private static final Instant T0 = Instant.parse("2026-03-23T02:41:00.123456Z");

  private final TestDatabase db = TestDatabase.shared();

  @Test
  void aLeaderWriteThatRacesATakeOverSeesTheNewEpochAndWritesNothing() throws Exception {
    String prefix = db.freshPrefix();
    JdbcPoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(prefix).build();
    long old = store.lead("p1", "n1", T0, Duration.ofSeconds(30)).epoch();

    CompletableFuture<Boolean> write;
    try (Connection takeOver = db.dataSource().getConnection()) {
      takeOver.setAutoCommit(false);
      try (PreparedStatement lock = takeOver.prepareStatement(
          "UPDATE \"" + prefix + "leadership\" SET node = 'n2', epoch = epoch + 1 WHERE pool_id = 'p1'")) {
        lock.executeUpdate();
      }
      write = CompletableFuture.supplyAsync(() -> store.insert("p1", old,
          StoredWorker.provisioning("w1", "linux", "fake/a", "n1", old, T0)));
      assertWaits(write);
      takeOver.commit();
    }

    assertThat(write).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(StaleLeaderException.class);
    assertThat(store.workers("p1")).isEmpty();
    assertThat(store.leadership("p1")).hasValueSatisfying(l -> assertThat(l.epoch()).isEqualTo(old + 1));
  }

  @Test
  void aTakeOverWaitsForALeaderWriteInFlightAndTheWriteCommitsUnderTheOldEpoch() throws Exception {
    String prefix = db.freshPrefix();
    JdbcPoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(prefix).build();
    long old = store.lead("p1", "n1", T0, Duration.ofSeconds(30)).epoch();

    CompletableFuture<Long> takeOver;
    try (Connection writer = db.dataSource().getConnection()) {
      writer.setAutoCommit(false);
      // what a fenced write holds between its epoch check and its commit
      try (PreparedStatement share = writer.prepareStatement(
          "SELECT epoch FROM \"" + prefix + "leadership\" WHERE pool_id = 'p1' FOR SHARE");
          ResultSet rs = share.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(old);
      }
      takeOver = CompletableFuture.supplyAsync(
          () -> store.lead("p1", "n2", T0.plusSeconds(31), Duration.ofSeconds(30)).epoch());
      assertWaits(takeOver);
      writer.commit();
    }

    assertThat(takeOver.get(10, TimeUnit.SECONDS)).isEqualTo(old + 1);
  }

  private static void assertWaits(CompletableFuture<?> call) throws InterruptedException, ExecutionException {
    try {
      call.get(300, TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the call to wait for the row lock, but it returned");
    } catch (TimeoutException expected) {
      // it waits for the lock, as it must
    }
  }
}
