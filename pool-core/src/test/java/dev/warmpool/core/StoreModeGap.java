package dev.warmpool.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a black-box test whose behaviour the store modes lack today: the test runs in the local mode and is skipped,
 * with {@link #value() the reason}, in every mode with a store (a {@link PoolMode.Suite} whose mode
 * {@link PoolMode#hasStore() has a store}). It keeps the build green while the one engine is built; whoever makes the
 * behaviour work in the store modes deletes the annotation. It is never a way to quiet a flaky test.
 *
 * <p>Works on JUnit Jupiter tests and on jqwik properties and examples. One gap is left (see the constant); the
 * others closed with the one engine.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(StoreModeGap.Condition.class)
@AddLifecycleHook(StoreModeGap.Hook.class)
public @interface StoreModeGap {

  /** @return what the store modes lack, as a sentence (one of the constants below where one fits) */
  String value();

  /** Fair shares between tenants whose requests wait on different nodes. */
  String FAIR_SHARES_ACROSS_NODES = "fair shares across nodes: each node orders its own waiting requests by the"
      + " tenants' leases in the store, but a worker freed in the store goes to whichever node polls first, so a"
      + " tenant waiting on a busy node is not served before a whale waiting on another (the store's heartbeat"
      + " carries waiting requests per template, not per tenant)";

  /** The reason a test instance skips a marked method, if it does. */
  final class Gaps {
    private Gaps() {}

    static Optional<String> reason(Object instance, java.lang.reflect.AnnotatedElement element) {
      if (!(instance instanceof PoolMode.Suite suite)) {
        return Optional.empty();
      }
      StoreModeGap store = element.getAnnotation(StoreModeGap.class);
      if (suite.mode().hasStore() && store != null) {
        return Optional.of("store-mode gap (" + suite.mode() + "): " + store.value());
      }
      return Optional.empty();
    }
  }

  /** The JUnit Jupiter side: disables a marked test in a store mode. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<String> reason = context.getTestInstance().flatMap(i -> context.getElement()
          .flatMap(e -> Gaps.reason(i, e)));
      return reason.map(ConditionEvaluationResult::disabled)
          .orElseGet(() -> ConditionEvaluationResult.enabled("no store-mode gap"));
    }
  }

  /** The jqwik side: skips a marked property in a store mode. */
  final class Hook implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      if (context instanceof PropertyLifecycleContext p) {
        Optional<String> reason = Gaps.reason(p.testInstance(), p.targetMethod());
        if (reason.isPresent()) {
          return SkipResult.skip(reason.get());
        }
      }
      return SkipResult.doNotSkip();
    }
  }
}
