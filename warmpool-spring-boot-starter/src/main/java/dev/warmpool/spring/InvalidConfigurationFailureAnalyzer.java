package dev.warmpool.spring;

import dev.warmpool.api.InvalidConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start that failed on a Warmpool key: which key, what rule, and where the reference is. */
final class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
    return new FailureAnalysis("Warmpool configuration is invalid at " + cause.option() + ":\n\n    "
        + cause.getMessage(), "Fix " + cause.option() + " (docs/configuration.md lists every key with its default"
        + " and range).", cause);
  }
}
