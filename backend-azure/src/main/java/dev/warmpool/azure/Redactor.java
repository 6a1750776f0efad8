package dev.warmpool.azure;

import java.util.Comparator;
import java.util.List;

/**
 * Replaces known secret values (SSH keys, custom data, secure environment values) in text that may reach a log or an
 * exception message. Immutable and thread-safe.
 */
final class Redactor {
  static final Redactor NONE = new Redactor(List.of());

  private final List<String> secrets;

  Redactor(List<String> secrets) {
    // longest first, so that a secret that contains another is replaced whole
    this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4)
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  String apply(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, "***");
    }
    return out;
  }
}
