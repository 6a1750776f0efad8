package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.core.InMemoryPoolStore;
import dev.warmpool.examples.docs.FirstPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps README.md and docs/ from going stale: every code block that a page marks with
 * {@code <!-- include: <path>#<tag> -->} must equal the tagged region of that source file (which the build compiles),
 * every block marked {@code <!-- output: <name> -->} must equal what that program prints now, every Java block must be
 * included from a compiled source, and every relative link must point at a file that exists.
 *
 * <p>Run with {@code -Dwarmpool.docs.update=true} to rewrite the marked blocks from their sources instead of failing.
 */
class DocsTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  static final boolean UPDATE = Boolean.getBoolean("warmpool.docs.update");
  static final Pattern MARKER = Pattern.compile("^<!-- (include|output): (\\S+) -->$");
  static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)\\s]*)?\\)");

  /** Pages other work adds; a link to one of them is checked once it exists. */
  static final Set<String> PAGES_FROM_OTHER_WORK = Set.of("docs/installation.md", "docs/logging.md",
      "docs/kubernetes.md", "docs/bad-input.md", "LICENSE");

  /** The programs whose output the docs show, run on their default seed. */
  static final Map<String, Supplier<String>> OUTPUTS = Map.of(
      "incident-replay", DocsTest::incidentReplay,
      "first-pool", () -> capture(out -> {
        PrintStream system = System.out;
        System.setOut(out);                                   // FirstPool prints to System.out, as a reader's would
        try {
          FirstPool.main(new String[0]);
        } finally {
          System.setOut(system);
        }
      }),
      "incident-replay-table", DocsTest::incidentReplayTable,
      "partial-slowdown-table", () -> table(scenarioReplay("partial-slowdown")),
      "throttle-storm-table", () -> table(scenarioReplay("throttle-storm")),
      "shared-pool", () -> capture(out -> SharedPool.run(out, new InMemoryPoolStore())));

  @Test
  void everyMarkedBlockEqualsItsSourceAndEveryJavaBlockIsCompiled() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path page : pages()) {
      String rel = ROOT.relativize(page).toString();
      List<String> lines = new ArrayList<>(Files.readAllLines(page, StandardCharsets.UTF_8));
      boolean changed = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        Matcher m = MARKER.matcher(line.strip());
        if (m.matches()) {
          if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
            problems.add(rel + ":" + (i + 1) + ": a marker must be followed by a fenced block");
            continue;
          }
          int end = i + 2;
          while (end < lines.size() && !lines.get(end).equals("```")) {
            end++;
          }
          List<String> expected = m.group(1).equals("include") ? region(m.group(2)) : output(m.group(2));
          List<String> actual = lines.subList(i + 2, end);
          if (!actual.equals(expected)) {
            if (UPDATE) {
              actual.clear();
              actual.addAll(expected);
              changed = true;
              end = i + 2 + expected.size();
            } else {
              problems.add(rel + ":" + (i + 2) + ": the block differs from " + m.group(2) + firstDifference(actual,
                  expected) + " (rerun with -Dwarmpool.docs.update=true to copy it in)");
            }
          }
          i = end;
        } else if (line.strip().equals("```java")) {
          problems.add(rel + ":" + (i + 1) + ": a Java block that the build does not compile; put the code in a test "
              + "source between // tag::name[] and // end::name[] and mark the block <!-- include: path#name -->");
        }
      }
      if (changed) {
        Files.write(page, lines, StandardCharsets.UTF_8);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyRelativeLinkPointsAtAFileThatExists() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = LINK.matcher(Files.readString(page, StandardCharsets.UTF_8));
      while (m.find()) {
        String target = m.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        Path file = page.getParent().resolve(target).normalize();
        if (!Files.exists(file) && !PAGES_FROM_OTHER_WORK.contains(ROOT.relativize(file).toString())) {
          broken.add(ROOT.relativize(page) + ": " + target);
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theReadmeStaysAFrontDoor() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("README.md"))).hasSizeLessThanOrEqualTo(230);
  }

  @Test
  void aRegionIsFoundByItsTagAndDedented() {
    assertThat(region("examples/src/test/java/dev/warmpool/examples/docs/FirstPool.java#first-pool"))
        .first().asString().startsWith("import ");
    assertThat(region("examples/src/test/java/dev/warmpool/examples/docs/FirstPool.java#first-pool"))
        .noneMatch(l -> l.contains("tag::") || l.contains("end::"));
  }

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Path results = ROOT.resolve("benchmarks/RESULTS.md");
    if (Files.exists(results)) {
      pages.add(results);
    }
    return pages;
  }

  /**
   * The lines between {@code // tag::name[]} and {@code // end::name[]} (or {@code <!-- tag::name[] -->} in XML) of
   * a file under the root, without nested tag lines, dedented by their common indent.
   */
  static List<String> region(String reference) {
    String[] parts = reference.split("#", 2);
    List<String> source;
    try {
      source = Files.readAllLines(ROOT.resolve(parts[0]), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + parts[0], e);
    }
    String tag = parts.length > 1 ? parts[1] : null;
    List<String> region = new ArrayList<>();
    boolean in = tag == null;
    boolean found = tag == null;
    for (String line : source) {
      if (tag != null && line.contains("tag::" + tag + "[]") && !line.contains("end::")) {
        in = true;
        found = true;
      } else if (tag != null && line.contains("end::" + tag + "[]")) {
        in = false;
      } else if (in && !line.matches("\\s*(//|<!--) (tag|end)::.*")) {
        region.add(line);
      }
    }
    assertThat(found).as("tag %s in %s", tag, parts[0]).isTrue();
    int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
  }

  static List<String> output(String name) {
    Supplier<String> program = OUTPUTS.get(name);
    assertThat(program).as("a program named %s", name).isNotNull();
    return program.get().lines().map(String::stripTrailing).toList();
  }

  private static String replayOutput;

  /** The replay's console output on the default seed, run once per test run (it replays two pools). */
  static synchronized String incidentReplay() {
    if (replayOutput != null) {
      return replayOutput;
    }
    Path report = ROOT.resolve("examples/target/docs-incident-report.html");
    String out = capture(o -> IncidentReplay.run(ReplayOptions.parse("--report", report.toString()), o));
    replayOutput = out.replace(report.toString(), "<checkout>/target/warmpool-incident-report.html");
    return replayOutput;
  }

  private static final Map<String, String> scenarioOutputs = new java.util.HashMap<>();

  /** The replay's console output of another {@code --scenario} on the default seed, run once per test run. */
  static synchronized String scenarioReplay(String scenario) {
    return scenarioOutputs.computeIfAbsent(scenario, name -> {
      Path report = ROOT.resolve("examples/target/docs-" + name + "-report.html");
      return capture(o -> IncidentReplay.run(ReplayOptions.parse("--scenario", name, "--report", report.toString()),
          o));
    });
  }

  /** The side-by-side table: the lines between the last two blank lines, before the report's path. */
  static String incidentReplayTable() {
    return table(incidentReplay());
  }

  /** A replay's side-by-side table: the lines between its last two blank lines, before the report's path. */
  static String table(String output) {
    List<String> lines = output.lines().toList();
    int end = lines.size() - 1;
    while (!lines.get(end).isBlank()) {
      end--;
    }
    int start = end - 1;
    while (!lines.get(start).isBlank()) {
      start--;
    }
    return String.join("\n", lines.subList(start + 1, end));
  }

  interface Program {
    void run(PrintStream out) throws Exception;
  }

  static String capture(Program program) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      program.run(out);
    } catch (Exception e) {
      throw new AssertionError("the program failed", e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  static String firstDifference(List<String> actual, List<String> expected) {
    for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
      String a = i < actual.size() ? actual.get(i) : "<end of block>";
      String e = i < expected.size() ? expected.get(i) : "<end of source>";
      if (!a.equals(e)) {
        return " at its line " + (i + 1) + ": docs say \"" + a + "\", the source says \"" + e + "\"";
      }
    }
    return "";
  }
}
