package dev.warmpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.warmpool.api.Lease;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.internal.SystemClock;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The duration arguments of calls ({@code Lease.renew}, {@code WorkerPool.acquire}) have ranges: huge values fail
 * with an {@link IllegalArgumentException} naming the value and the range, on every ledger and clock, and leave the
 * lease and the pool as they were; values at the bounds work, and a pool whose template and request durations are at
 * their bounds serves for more than a year on the virtual clock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurationArgumentRangesTest {
  private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
  private static final Duration MILLENNIUM = ChronoUnit.YEARS.getDuration().multipliedBy(1000);
  private static final Duration YEAR = Duration.ofDays(365);

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close(); // the pool before the provider's clock, which its deletes run on
    }
  }

  static Stream<Arguments> modes() {
    return Stream.of(Arguments.of(false, true), Arguments.of(true, true), Arguments.of(false, false),
        Arguments.of(true, false));
  }

  private WorkerPool pool(boolean shared, boolean virtual, PoolClock clock, WorkerTemplate template) {
    // passes at most hourly, so that a year on the virtual clock is a few thousand passes
    WorkerPools.Builder b = WorkerPools.builder().poolId("arguments").template(template)
        .controlInterval(Duration.ofHours(1)).reconcileInterval(Duration.ofDays(1))
        .leadershipTimeout(Duration.ofHours(1))
        .placement(Placement.of("cloud", "westeurope", "eu"))
        .provider("cloud", new TestProvider(clock, Duration.ZERO));
    if (virtual) {
      b.clock(clock);
    }
    if (shared) {
      b.store(new InMemoryPoolStore());
    }
    WorkerPool pool = b.build();
    opened.add(pool);
    return pool;
  }

  private PoolClock clock(boolean virtual) {
    if (virtual) {
      return new VirtualClock();
    }
    SystemClock c = new SystemClock("provider");
    opened.add(c);
    return c;
  }

  private static Lease lease(WorkerPool pool, PoolClock clock, LeaseRequest request) throws Exception {
    if (clock instanceof VirtualClock v) {
      return v.await(pool.lease(request), Duration.ofMinutes(1));
    }
    return pool.acquire(request, Duration.ofSeconds(10));
  }

  @ParameterizedTest(name = "shared = {0}, virtual clock = {1}")
  @MethodSource("modes")
  void hugeRenewalsAndAcquireTimeoutsAreRefusedNamingTheRange(boolean shared, boolean virtual) throws Exception {
    PoolClock clock = clock(virtual);
    WorkerPool pool = pool(shared, virtual, clock, WorkerTemplate.builder("linux").warmTarget(1).build());
    Lease lease = lease(pool, clock, LeaseRequest.forTemplate("linux").leaseDuration(Duration.ofHours(1)).build());
    var expiry = lease.expiresAt();
    for (Duration huge : List.of(FOREVER, MILLENNIUM, YEAR.plusNanos(1))) {
      assertThatIllegalArgumentException().isThrownBy(() -> lease.renew(huge))
          .withMessage("duration must be positive and at most 365 days, was " + huge);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> pool.acquire(LeaseRequest.forTemplate("linux").build(), huge))
          .withMessage("timeout must be zero or positive and at most 1 day, was " + huge);
    }
    assertThat(lease.isActive()).isTrue();
    assertThat(lease.expiresAt()).isEqualTo(expiry);
    assertThat(lease.renew(YEAR)).isEqualTo(lease.expiresAt().orElseThrow());
    lease.close();
  }

  @ParameterizedTest(name = "shared = {0}")
  @ValueSource(booleans = {false, true})
  void durationsAtTheirBoundsServeForMoreThanAYearOnTheVirtualClock(boolean shared) throws Exception {
    VirtualClock clock = new VirtualClock();
    WorkerPool pool = pool(shared, true, clock, WorkerTemplate.builder("linux").warmTarget(1).maxUses(3)
        .maxAge(YEAR).maxIdleTime(YEAR).provisioningTimeout(Duration.ofDays(1)).build());
    LeaseRequest request = LeaseRequest.forTemplate("linux").leaseDuration(YEAR).maxWait(Duration.ofDays(1)).build();
    Lease lease = lease(pool, clock, request);
    assertThat(lease.expiresAt()).contains(lease.grantedAt().plus(YEAR));
    clock.advance(Duration.ofDays(200));
    lease.renew(YEAR);
    clock.advance(Duration.ofDays(364));
    assertThat(lease.isActive()).isTrue();
    clock.advance(Duration.ofDays(2));
    assertThat(lease.isActive()).isFalse();
    Lease next = lease(pool, clock, request);
    assertThat(next.isActive()).isTrue();
    next.close();
  }
}
