package dev.warmpool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.core.ConfigurationReference;
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
  void everyDocumentedKeyBindsAndComesBackUnderItsOwnName() {
    Map<String, String> given = new LinkedHashMap<>();
    for (ConfigurationReference row : ConfigurationReference.read(Path.of(""))) {
      String key = "warmpool.pools.ci." + row.key().replace("templates.<name>", "templates.linux")
          .replace("placements.<name>", "placements.west").replace("providers.<name>.<setting>", "providers.fake.cloud")
          .replace("<label>", "os").replace("<property>", "image").replace("<window>", "peak");
      given.put(key, sample(row.key(), row.defaultValue()));
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
    if (pattern.endsWith("sizing.quantile")) {
      return "0.99";
    }
    if (pattern.endsWith("sizing.max-wait")) {
      return "5s";
    }
    if (pattern.endsWith("sizing.ceiling")) {
      return "40";
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
