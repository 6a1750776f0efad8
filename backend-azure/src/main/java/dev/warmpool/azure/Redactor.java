package dev.warmpool.azure;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces known secret values (SSH keys, custom data, secure environment values) in text that may reach a log or an
 * exception message. Immutable and thread-safe.
 */
final class Redactor {
  /** Lines of a multi-line secret shorter than this are left alone ("#cloud-config" is not a secret). */
  private static final int MIN_LINE = 16;

  static final Redactor NONE = new Redactor(List.of());

  /** The user info of a URL: after {@code scheme://}, up to an {@code @} before the next '/', '?', '#' or space. */
  private static final java.util.regex.Pattern USER_INFO =
      java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s]*@");

  private final List<String> secrets;

  Redactor(List<String> secrets) {
    // Each secret, trimmed, and each of its lines: ARM may echo a part of a multi-line value (cloud-init) in its
    // message. Longest first, so that a secret that contains another is replaced whole.
    Set<String> all = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s == null) {
        continue;
      }
      all.add(s);
      all.add(s.trim());
      for (String line : s.split("\\R")) {
        if (line.trim().length() >= MIN_LINE) {
          all.add(line.trim());
        }
      }
    }
    this.secrets = all.stream().filter(s -> s.length() >= 4)
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  String apply(String text) {
    if (text == null) {
      return "";
    }
    String out = withoutUserInfo(text);
    for (String s : secrets) {
      out = out.replace(s, "***");
    }
    return out;
  }

  /**
   * Text with the user info of every URL in it replaced by {@code ***} ({@code https://user:pw@host/} becomes
   * {@code https://***@host/}), wherever a URL may be printed.
   *
   * @param text any text
   * @return the text without user info
   */
  static String withoutUserInfo(String text) {
    return USER_INFO.matcher(text).replaceAll("$1***@");
  }
}
