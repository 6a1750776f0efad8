package dev.warmpool.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference table of docs/configuration.md, as tests read it: one row per key, with the key's pattern (after
 * {@code warmpool.pools.<id>.}), its default and its range. In pool-core's test-jar for the starter's tests.
 *
 * @param key the key's pattern, e.g. {@code templates.<name>.warm-target}
 * @param defaultValue the default column
 * @param range the range column
 */
public record ConfigurationReference(String key, String defaultValue, String range) {

  /**
   * Reads the rows of the page's "Reference" section.
   *
   * @param moduleDir the directory of the module whose test runs (the page is in {@code ../docs})
   * @return the rows, in page order
   */
  public static List<ConfigurationReference> read(Path moduleDir) {
    List<ConfigurationReference> rows = new ArrayList<>();
    boolean inReference = false;
    try {
      for (String line : Files.readAllLines(moduleDir.resolve("..").resolve("docs").resolve("configuration.md"))) {
        if (line.startsWith("## ")) {
          inReference = line.equals("## Reference");
        } else if (inReference && line.startsWith("| `")) {
          String[] cells = line.split("\\|");
          rows.add(new ConfigurationReference(cells[1].strip().replace("`", ""), cells[2].strip(), cells[3].strip()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
