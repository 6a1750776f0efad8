package dev.warmpool.fake;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that gives each test a fresh {@link FakeCloud} and the {@link VirtualClock} it runs on,
 * as parameters of the test method (and of {@code @BeforeEach} and {@code @AfterEach} methods, which share the
 * test's cloud), and after the test fails it if the cloud still holds a resource of a closed pool.
 *
 * <pre>{@code
 * @ExtendWith(FakeCloudExtension.class)
 * class MyOrchestratorTest {
 *   @Test
 *   void releasesEveryWorker(FakeCloud cloud, VirtualClock clock) { ... }
 * }
 * }</pre>
 *
 * <p>The default cloud has seed 0 and three regions with the default provisioning latency (3 to 20 minutes):
 * {@code westeurope} and {@code northeurope} in geography {@code eu}, {@code eastus} in {@code us}. For another
 * cloud, register the extension with a recipe:
 *
 * <pre>{@code
 * @RegisterExtension
 * final FakeCloudExtension fake = FakeCloudExtension.withCloud(b -> b
 *     .region("westeurope", "eu", Latency.fixed(Duration.ofMinutes(5)))
 *     .fault(Faults.outage("westeurope").failureRate(0.5)));
 * }</pre>
 *
 * <p>The leak check: a pool is closed when the {@link dev.warmpool.spi.WorkerProvider} it got from the cloud is
 * closed. After the test, every resource tagged with a closed pool's id that is still in the inventory (in any
 * state, deleting included) is a leak, and the test fails with an {@link AssertionError} that names the resources.
 * The check does not move the clock: advance it until the pool's deletes finish before the test ends.
 *
 * <p>A pool built with {@code keepWarmPool(true)} leaves its idle workers on purpose. Declare it to the cloud
 * ({@link FakeCloud#declareKeepWarm(String)}, or the factory setting {@code keepWarmPool=true}) and the check counts
 * what was running when it closed as kept ({@link FakeCloud#keptResources()}), not leaked; what else of the pool is
 * left (creating, deleting, made after the close) still fails the test.
 * <p>Runs on JUnit Jupiter 5.10 and newer, 6 included; the build does not bring JUnit along (it is a
 * {@code provided} dependency): the test project's own JUnit is used.
 *
 * <p>Thread-safe: it keeps per-test state in JUnit's extension store.
 *
 * @since 0.1
 */
public final class FakeCloudExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      FakeCloudExtension.class);

  private final UnaryOperator<FakeCloud.Builder> recipe;

  /** The extension with the default cloud; used by {@code @ExtendWith(FakeCloudExtension.class)}. */
  public FakeCloudExtension() {
    this(FakeCloudExtension::defaultCloud);
  }

  private FakeCloudExtension(UnaryOperator<FakeCloud.Builder> recipe) {
    this.recipe = recipe;
  }

  /**
   * The extension with a cloud of your own. The recipe gets a builder with a fresh {@link VirtualClock} and seed 0
   * set, adds regions, capacities and faults (and may change the seed), and returns it.
   *
   * @param recipe configures each test's cloud; must add at least one region
   * @return the extension, for {@code @RegisterExtension}
   * @throws NullPointerException if recipe is null
   */
  public static FakeCloudExtension withCloud(UnaryOperator<FakeCloud.Builder> recipe) {
    return new FakeCloudExtension(Objects.requireNonNull(recipe, "recipe cannot be null"));
  }

  /**
   * Adds the default regions to a builder.
   *
   * @param builder a builder
   * @return the builder, with {@code westeurope} and {@code northeurope} ({@code eu}) and {@code eastus}
   *     ({@code us})
   */
  public static FakeCloud.Builder defaultCloud(FakeCloud.Builder builder) {
    return builder.region("westeurope", "eu").region("northeurope", "eu").region("eastus", "us");
  }

  /**
   * Resolves parameters of type {@link FakeCloud} and {@link VirtualClock}.
   *
   * @param parameterContext the parameter
   * @param extensionContext the test
   * @return true for those two types
   */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == FakeCloud.class || type == VirtualClock.class;
  }

  /**
   * Gives the test's cloud or clock, making them on first use.
   *
   * @param parameterContext the parameter
   * @param extensionContext the test
   * @return the cloud or its clock
   * @throws ParameterResolutionException if the recipe fails to build a cloud
   */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    Fixture fixture = fixture(extensionContext);
    return parameterContext.getParameter().getType() == FakeCloud.class ? fixture.cloud() : fixture.clock();
  }

  /**
   * Fails the test if the cloud holds a resource of a closed pool that the pool did not keep on purpose.
   *
   * @param context the test
   * @throws AssertionError naming the leaked resources
   */
  @Override
  public void afterEach(ExtensionContext context) {
    Fixture fixture = context.getStore(NAMESPACE).get(Fixture.class, Fixture.class);
    if (fixture == null) {
      return;
    }
    FakeCloud cloud = fixture.cloud();
    List<FakeResource> leaked = cloud.leakedResources();
    if (!leaked.isEmpty()) {
      int kept = cloud.keptResources().size();
      throw new AssertionError("FakeCloud leak: " + leaked.size() + " resource(s) of closed pool(s) "
          + cloud.closedPools() + " are still in the inventory at " + fixture.clock().now() + ": "
          + leaked.stream().map(r -> r.resourceId() + " (" + r.state().attribute() + ")")
              .collect(Collectors.joining(", "))
          + (kept == 0 ? "" : "; " + kept + " more kept warm on purpose by keep-warm pool(s) "
              + cloud.keepWarmPools() + " are not counted"));
    }
  }

  private Fixture fixture(ExtensionContext context) {
    // get, then put: the store's compute methods differ between JUnit 5 and 6, and one test's parameters are
    // resolved on one thread
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Fixture fixture = store.get(Fixture.class, Fixture.class);
    if (fixture == null) {
      VirtualClock clock = new VirtualClock();
      FakeCloud.Builder b = recipe.apply(FakeCloud.builder().clock(clock).seed(0));
      if (b == null) {
        throw new ParameterResolutionException("the FakeCloudExtension recipe returned null instead of the builder");
      }
      FakeCloud cloud = b.build();
      // a recipe may have set a clock of its own; inject the one the cloud runs on
      fixture = new Fixture(cloud, cloud.clock() instanceof VirtualClock own ? own : clock);
      store.put(Fixture.class, fixture);
    }
    return fixture;
  }

  private record Fixture(FakeCloud cloud, VirtualClock clock) {}
}
