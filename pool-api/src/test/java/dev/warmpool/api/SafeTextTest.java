package dev.warmpool.api;

import static dev.warmpool.api.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SafeTextTest {
  @Test
  void controlCharactersAreEscaped() {
    assertThat(SafeText.of("a\nb\r\tc\u0000d\u007fe\u0085f\u2028g\u202eh")).isEqualTo(
        "a\\nb\\r\\tc\\u0000d\\u007fe\\u0085f\\u2028g\\u202eh");
    assertThat(SafeText.quote("say \"hi\"\n")).isEqualTo("\"say \\\"hi\\\"\\n\"");
    assertThat(SafeText.of("naïve 東京 😀")).isEqualTo("naïve 東京 😀");
    assertThat(SafeText.quote(null)).isEqualTo("null");
  }

  @Test
  void longValuesAreCutAndSayHowMuchWasLeftOut() {
    String s = SafeText.of("x".repeat(10_000));
    assertThat(s).isEqualTo("x".repeat(200) + "…(9800 more)");
    assertThat(SafeText.of("\n".repeat(150))).isEqualTo("\\n".repeat(100) + "…(50 more)");
    assertThat(SafeText.of("y".repeat(200))).isEqualTo("y".repeat(200));
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String s = SafeText.of("a" + "😀".repeat(150));
    assertThat(s).startsWith("a" + "😀".repeat(99) + "…(");
  }

  @Property
  void noValuePrintsALineBreakOrMoreThanItsBound(@ForAll String value) {
    String s = SafeText.quote(value);
    assertThat(s).doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085");
    assertThat(s.length()).isLessThanOrEqualTo(SafeText.MAX_LENGTH + 2 + "…( more)".length() + 10);
  }

  @Test
  void aTenThousandCharacterNameGivesAShortOneLineMessage() {
    String name = "a\n".repeat(5000);
    assertThatThrownBy(() -> WorkerTemplate.builder(name).build()).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400);
    });
  }

  @Test
  void aTemplateSizeThatWouldForgeALogLineIsRefused() {
    assertInvalid(() -> WorkerTemplate.builder("linux").size("D2\n2026-12-02 INFO forged").build(),
        "template[linux].size", "template[linux].size must be at most 200 characters without control characters,"
            + " was \"D2\\n2026-12-02 INFO forged\"");
    assertInvalid(() -> WorkerTemplate.builder("linux").size("D".repeat(201)).build(), "template[linux].size",
        "template[linux].size must be at most 200 characters without control characters, was \"" + "D".repeat(200)
            + "…(1 more)\"");
  }

  @Test
  void labelsPrintSafely() {
    WorkerTemplate t = WorkerTemplate.builder("linux").label("team", "a\nb").build();
    assertThat(t.toString()).doesNotContain("\n").contains("team=a\\nb");
    LeaseRequest r = LeaseRequest.withLabels(Map.of("team", "x".repeat(500))).build();
    assertThat(r.toString()).hasSizeLessThan(400);
  }
}
