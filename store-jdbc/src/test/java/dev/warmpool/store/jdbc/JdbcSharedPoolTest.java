package dev.warmpool.store.jdbc;

import dev.warmpool.core.SharedPoolScenarios;
import dev.warmpool.spi.PoolStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared-pool scenarios on a real PostgreSQL server: three and four nodes, one database, one fake cloud. Taking
 * the store down stops the server and bringing it up starts it again on the same data directory (a database restart
 * mid-scenario); against a server of your own ({@link TestDatabase#URL_VARIABLE}) the nodes' connections are cut
 * instead.
 */
class JdbcSharedPoolTest extends SharedPoolScenarios {
  private final TestDatabase db = TestDatabase.shared();
  private final PoolStore store = JdbcPoolStore.builder().dataSource(db.dataSource()).tablePrefix(db.freshPrefix())
      .build();

  @Override
  protected PoolStore sharedStore() {
    return store;
  }

  @Override
  protected void storeDown() {
    if (db.restartable()) {
      db.stop();
    } else {
      super.storeDown();
    }
  }

  @Override
  protected void storeUp() {
    if (db.restartable()) {
      db.start();
    } else {
      super.storeUp();
    }
  }

  /**
   * Eight hours on three nodes: each node passes every second while requests wait, a few statements a pass (37 s
   * for the failover scenario, 174 s for this one, on a build machine with eight builds on two cores).
   */
  @Override
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  public void threeNodesDegradeShareTheStockFairlyAndForecastAsOneNodeDoes() {
    super.threeNodesDegradeShareTheStockFairlyAndForecastAsOneNodeDoes();
  }

  @Override
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  public void threeNodesFailOverAndBackWithTheirEventsAsOneNodeDoes() {
    super.threeNodesFailOverAndBackWithTheirEventsAsOneNodeDoes();
  }

  @Override
  protected int concurrentOperations() {
    return 300;
  }

  @Override
  protected Duration stormLength() {
    return Duration.ofHours(1);
  }
}
