package dev.warmpool.api;

/**
 * Values as messages and log lines print them: at most {@value #MAX_LENGTH} characters, then {@code "…(N more)"},
 * with control characters escaped, so that a value from outside (a name, a setting, a cloud's error text) can neither
 * write a fake log line nor flood one.
 *
 * <p>Escapes: newline, carriage return and tab as {@code \n}, {@code \r} and {@code \t}; every other control or
 * format character (C0, DEL, C1, the Unicode line and paragraph separators, bidirectional overrides) as
 * {@code \}{@code uXXXX}. {@link #quote} also escapes {@code "}. Every refusal message of the pool, its stores and its
 * backends quotes values with it.
 *
 * <p>Stateless and thread-safe.
 */
public final class SafeText {
  /** The most characters printed of one value, escapes included, before the rest is cut. */
  public static final int MAX_LENGTH = 200;

  private SafeText() {}

  /**
   * A value as a message prints it.
   *
   * @param value any value; {@code null} prints as {@code null}
   * @return its {@code toString()}, cut and escaped
   */
  public static String of(Object value) {
    return escape(String.valueOf(value), false);
  }

  /**
   * A value in double quotes, as refusal messages print it: {@code was "a\nb"}.
   *
   * @param value any value; {@code null} prints as {@code null}, without quotes
   * @return the value cut, escaped and quoted
   */
  public static String quote(Object value) {
    return value == null ? "null" : "\"" + escape(value.toString(), true) + "\"";
  }

  private static String escape(String s, boolean quotes) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_LENGTH) + 16);
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      String piece = piece(cp, quotes);
      if (b.length() + piece.length() > MAX_LENGTH) {
        break;
      }
      b.append(piece);
      i += Character.charCount(cp);
    }
    if (i < s.length()) {
      b.append("…(").append(s.length() - i).append(" more)");
    }
    return b.toString();
  }

  private static String piece(int cp, boolean quotes) {
    switch (cp) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '"':
        return quotes ? "\\\"" : "\"";
      default:
        break;
    }
    int type = Character.getType(cp);
    if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
      return String.format("\\u%04x", cp);
    }
    return Character.toString(cp);
  }
}
