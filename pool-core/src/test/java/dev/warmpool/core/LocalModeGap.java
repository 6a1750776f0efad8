package dev.warmpool.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a black-box test whose behaviour the local mode (no store) lacks today while the store modes have it: the
 * test runs in the store modes and is skipped, with {@link #value() the reason}, in the local mode. The mirror of
 * {@link StoreModeGap}, with the same rules: whoever makes the behaviour work deletes it; never a way to quiet a flaky
 * test.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(StoreModeGap.Condition.class)
@AddLifecycleHook(StoreModeGap.Hook.class)
public @interface LocalModeGap {

  /** @return what the local mode lacks, as a sentence (one of the constants below where one fits) */
  String value();

  /** Fencing tokens across a warm restart. */
  String FENCING_ACROSS_RESTART = "fencing tokens across a crash and a warm restart: a restarted local pool starts an"
      + " adopted worker's tokens at 1 again, below the tokens its earlier holders saw";
}
