package dev.warmpool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The Spring properties and the plain reader take the same keys: both are held to docs/configuration.md. */
class WarmpoolPropertiesTest {

  @Test
  void everyDocumentedKeyBindsAndComesBackUnderItsOwnName() throws IOException {
    Map<String, String> given = new LinkedHashMap<>();
    boolean inReference = false;
    for (String line : Files.readAllLines(Path.of("..", "docs", "configuration.md"))) {
      if (line.startsWith("## ")) {
        inReference = line.equals("## Reference");
      } else if (inReference && line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        String pattern = cells[1].strip().replace("`", "");
        String key = "warmpool.pools.ci." + pattern.replace("templates.<name>", "templates.linux")
            .replace("placements.<name>", "placements.west").replace("providers.<name>.<setting>", "providers.fake.cloud")
            .replace("<label>", "os").replace("<property>", "image");
        given.put(key, sample(pattern, cells[2].strip()));
      }
    }
    assertThat(given).hasSizeGreaterThan(40);
    MapConfigurationPropertySource source = new MapConfigurationPropertySource(given);
    BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
    WarmpoolProperties bound = new Binder(source).bind("warmpool", Bindable.of(WarmpoolProperties.class), strict)
        .get();
    assertThat(bound.toKeys().keySet()).containsExactlyInAnyOrderElementsOf(given.keySet());
  }

  /** A value of the key's kind, judged from its default. */
  private static String sample(String pattern, String defaultValue) {
    if (pattern.endsWith("max-age") || pattern.endsWith("max-idle-time")) {
      return "1h";
    }
    if (pattern.endsWith("forecast-horizons")) {
      return "1h,10m";
    }
    if (defaultValue.matches("\\d+[smh]")) {
      return "1m";
    }
    if (defaultValue.matches("true|false|-?\\d+(\\.\\d+)?")) {
      return defaultValue;
    }
    return pattern.endsWith("max-total") ? "5" : "eu";
  }
}
