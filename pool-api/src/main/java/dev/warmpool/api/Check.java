package dev.warmpool.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Argument checks shared by the API's builders. Null checks throw {@link NullPointerException} at the setter; value
 * checks throw {@link InvalidConfigurationException} from {@code build()}. Messages name the option and the value.
 */
final class Check {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private Check() {}

  static <T> T notNull(T value, String option) {
    return Objects.requireNonNull(value, () -> option + " cannot be null");
  }

  static String name(String value, String option) {
    notNull(value, option);
    if (!NAME.matcher(value).matches()) {
      throw invalid(option, option + " must be 1 to 63 letters, digits, '.', '_' or '-' starting with"
          + " a letter or digit, was " + SafeText.quote(value));
    }
    return value;
  }

  static String notBlank(String value, String option) {
    notNull(value, option);
    if (value.isBlank()) {
      throw invalid(option, option + " cannot be blank");
    }
    return value;
  }

  static int between(int value, int min, int max, String option, String range) {
    if (value < min || value > max) {
      throw invalid(option, option + " must be between " + range + ", was " + value);
    }
    return value;
  }

  /**
   * A text that goes into log lines and messages as it is (a size key, say): at most {@value SafeText#MAX_LENGTH}
   * characters and no control or format characters.
   */
  static String printable(String value, String option) {
    notNull(value, option);
    if (value.length() > SafeText.MAX_LENGTH || !SafeText.of(value).equals(value)) {
      throw invalid(option, option + " must be at most " + SafeText.MAX_LENGTH + " characters without control"
          + " characters, was " + SafeText.quote(value));
    }
    return value;
  }

  static Map<String, String> stringMap(Map<String, String> map, String option) {
    notNull(map, option);
    map.forEach((k, v) -> {
      notNull(k, option + " key");
      notNull(v, option + "[" + k + "]");
    });
    return Map.copyOf(map);
  }

  static <T> Set<T> setOf(Set<T> set, String option) {
    notNull(set, option);
    set.forEach(e -> notNull(e, option + " element"));
    return Set.copyOf(set);
  }

  /** The residency rule of templates and requests: empty sets allow everything. */
  static boolean allows(Set<String> geographies, Set<String> regions, Placement placement) {
    return (geographies.isEmpty() || geographies.contains(placement.geography()))
        && (regions.isEmpty() || regions.contains(placement.region()));
  }

  static InvalidConfigurationException invalid(String option, String message) {
    return new InvalidConfigurationException(option, message);
  }
}
