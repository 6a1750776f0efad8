package dev.warmpool.benchmarks;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.Placement;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.core.WorkerPools;
import dev.warmpool.fake.VirtualClock;
import java.time.Duration;

/**
 * The pool shapes the benchmarks share, all on a {@link VirtualClock} with a {@link MemoryProvider}.
 *
 * <ul>
 *   <li>{@link #warmPool}: one template, one placement, {@code n} idle workers that any tenant may reuse forever (the
 *       hot-path shape of issue 10).</li>
 *   <li>{@link #largePool}: 20 templates, each allowed in all 100 placements (10 geographies of 10 regions), with
 *       {@code perShelf} idle reusable workers in every (template, placement) pair: 5 per pair gives 10,000 workers.
 *   </li>
 * </ul>
 *
 * <p>Not thread-safe; benchmarks build their pools in a {@code @Setup} method.
 */
public final class EngineShapes {
  /** The number of templates of {@link #largePool}. */
  public static final int TEMPLATES = 20;
  /** The number of placements of {@link #largePool}. */
  public static final int PLACEMENTS = 100;
  /** The control interval every shape uses (the engine's default). */
  public static final Duration CONTROL_INTERVAL = Duration.ofSeconds(5);

  private EngineShapes() {}

  /**
   * One template ({@code "hot"}) in one placement, filled with {@code workers} idle workers that every tenant may
   * reuse without limit; the clock has been advanced until they are idle.
   *
   * @param clock the pool's clock
   * @param provider the provider
   * @param workers the warm target and max total
   * @return the warm pool
   */
  public static WorkerPool warmPool(VirtualClock clock, MemoryProvider provider, int workers) {
    WorkerPool pool = WorkerPools.builder()
        .poolId("bench-hot")
        .clock(clock)
        .template(reusable("hot").warmTarget(workers).maxTotal(workers).build())
        .placement(Placement.of("mem", "r000", "g0"))
        .provider("mem", provider)
        .controlInterval(CONTROL_INTERVAL)
        .build();
    fill(clock, pool, workers);
    return pool;
  }

  /**
   * {@value #TEMPLATES} templates ({@code t00}..{@code t19}) over {@value #PLACEMENTS} placements, with
   * {@code perShelf} idle workers of each template in each placement; the clock has been advanced until they are
   * idle. The pool starts at most {@code max(perShelf, 1)} provisions at once per placement and template, so one
   * control pass spreads the warm target evenly.
   *
   * @param clock the pool's clock
   * @param provider the provider
   * @param perShelf idle workers per template and placement (0 for an empty pool with the same configuration)
   * @return the filled pool, with {@code TEMPLATES * PLACEMENTS * perShelf} idle workers
   */
  public static WorkerPool largePool(VirtualClock clock, MemoryProvider provider, int perShelf) {
    WorkerPools.Builder b = WorkerPools.builder()
        .poolId("bench-large")
        .clock(clock)
        .provider("mem", provider)
        .controlInterval(CONTROL_INTERVAL)
        .maxConcurrentProvisions(Math.max(perShelf, 1));
    int perTemplate = perShelf * PLACEMENTS;
    for (int t = 0; t < TEMPLATES; t++) {
      b.template(reusable(templateName(t)).warmTarget(perTemplate).maxTotal(Math.max(perTemplate, 1)).build());
    }
    for (int p = 0; p < PLACEMENTS; p++) {
      b.placement(Placement.of("mem", String.format("r%03d", p), "g" + p / 10));
    }
    WorkerPool pool = b.build();
    fill(clock, pool, TEMPLATES * perTemplate);
    return pool;
  }

  /**
   * The name of template {@code i} of {@link #largePool}.
   *
   * @param i the index, 0 to {@value #TEMPLATES} - 1
   * @return the name
   */
  public static String templateName(int i) {
    return String.format("t%02d", i);
  }

  /**
   * A request that never waits, for {@code tryLease}.
   *
   * @param template the template
   * @return the request
   */
  public static LeaseRequest request(String template) {
    return LeaseRequest.forTemplate(template).tenant("bench").maxWait(Duration.ZERO).build();
  }

  private static WorkerTemplate.Builder reusable(String name) {
    return WorkerTemplate.builder(name).maxUses(Integer.MAX_VALUE).shareAcrossTenants(true);
  }

  /** Advances the clock one control interval at a time until {@code idle} workers are idle; fails after 100. */
  static void fill(VirtualClock clock, WorkerPool pool, int idle) {
    clock.runDue();
    for (int i = 0; i < 100; i++) {
      if (pool.snapshot().total().idle() == idle) {
        return;
      }
      clock.advance(CONTROL_INTERVAL);
    }
    throw new IllegalStateException("the pool did not fill to " + idle + " idle workers: " + pool.snapshot());
  }
}
