package dev.warmpool.api;

/**
 * Configuration that breaks a rule: a value out of range, a contradiction between two options, an unknown provider.
 *
 * <p>Thrown by {@code build()} methods, never later: a pool that was built has a valid configuration. The message
 * names the option, the value and the allowed values, e.g. {@code "warmTarget must be between 0 and maxTotal (10),
 * was 12"}.
 *
 * @since 0.1
 */
public class InvalidConfigurationException extends WarmpoolException {
  private static final long serialVersionUID = 1L;

  /** The option that is wrong. */
  private final String option;

  /**
   * Creates the exception.
   *
   * @param option the option that is wrong, as the builder names it (e.g. {@code "warmTarget"} or
   *     {@code "template[linux].maxAge"})
   * @param message the rule, the value and the allowed values
   */
  public InvalidConfigurationException(String option, String message) {
    super(message);
    this.option = option;
  }

  /**
   * The option that is wrong.
   *
   * @return the option's name as the builder spells it
   */
  public String option() {
    return option;
  }
}
