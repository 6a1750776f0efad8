package dev.warmpool.core.internal;

import dev.warmpool.api.Placement;
import dev.warmpool.api.PoolConfiguration;
import dev.warmpool.api.SizingPolicy;
import dev.warmpool.api.WorkerTemplate;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A {@link PoolConfiguration} as text, for a shared store: one {@code key value} pair a line, values percent-encoded,
 * each template's fields after its {@code template} line. The store never reads it; every node writes and reads it
 * with this class, so the form only has to round-trip.
 */
final class ConfigurationDocument {
  private ConfigurationDocument() {}

  static String write(PoolConfiguration c) {
    StringBuilder b = new StringBuilder();
    line(b, "maxSurge", Integer.toString(c.maxSurge()));
    line(b, "maxUnavailable", Integer.toString(c.maxUnavailable()));
    for (Placement p : c.placements()) {
      line(b, "placement", enc(p.provider()) + "," + enc(p.region()) + "," + enc(p.geography()) + ","
          + p.preference());
    }
    c.draining().forEach(d -> line(b, "drain", enc(d)));
    for (WorkerTemplate t : c.templates()) {
      line(b, "template", enc(t.name()));
      t.providerProperties().forEach((k, v) -> line(b, "property", enc(k) + "," + enc(v)));
      t.labels().forEach((k, v) -> line(b, "label", enc(k) + "," + enc(v)));
      line(b, "size", enc(t.size()));
      line(b, "warmTarget", Integer.toString(t.warmTarget()));
      line(b, "maxTotal", Integer.toString(t.maxTotal()));
      line(b, "maxUses", Integer.toString(t.maxUses()));
      t.maxAge().ifPresent(d -> line(b, "maxAge", d.toString()));
      t.maxIdleTime().ifPresent(d -> line(b, "maxIdleTime", d.toString()));
      line(b, "provisioningTimeout", t.provisioningTimeout().toString());
      line(b, "reuseWhenDegraded", Boolean.toString(t.reuseWhenDegraded()));
      line(b, "shareAcrossTenants", Boolean.toString(t.shareAcrossTenants()));
      t.geographies().forEach(g -> line(b, "geography", enc(g)));
      t.regions().forEach(r -> line(b, "region", enc(r)));
      t.sizing().ifPresent(z -> {
        line(b, "sizing", z.quantile() + "," + z.maxWait() + "," + z.floor() + "," + z.ceiling() + ","
            + enc(z.zone().getId()) + "," + z.learnSeasonality());
        z.windows().forEach(w -> line(b, "sizingWindow", enc(w.toString())));
      });
      line(b, "end", "");
    }
    return b.toString();
  }

  static PoolConfiguration read(String document) {
    PoolConfiguration.Builder c = PoolConfiguration.builder();
    WorkerTemplate.Builder t = null;
    Set<String> geographies = new LinkedHashSet<>();
    Set<String> regions = new LinkedHashSet<>();
    SizingPolicy.Builder sizing = null;
    for (String l : document.split("\n")) {
      if (l.isEmpty()) {
        continue;
      }
      int sp = l.indexOf(' ');
      String key = l.substring(0, sp);
      String value = l.substring(sp + 1);
      String[] parts = value.split(",", -1);
      switch (key) {
        case "maxSurge" -> c.maxSurge(Integer.parseInt(value));
        case "maxUnavailable" -> c.maxUnavailable(Integer.parseInt(value));
        case "placement" -> c.placement(Placement.of(dec(parts[0]), dec(parts[1]), dec(parts[2]))
            .withPreference(Integer.parseInt(parts[3])));
        case "drain" -> c.drain(dec(value));
        case "template" -> {
          t = WorkerTemplate.builder(dec(value));
          geographies = new LinkedHashSet<>();
          regions = new LinkedHashSet<>();
        }
        case "property" -> t.providerProperty(dec(parts[0]), dec(parts[1]));
        case "label" -> t.label(dec(parts[0]), dec(parts[1]));
        case "size" -> t.size(dec(value));
        case "warmTarget" -> t.warmTarget(Integer.parseInt(value));
        case "maxTotal" -> t.maxTotal(Integer.parseInt(value));
        case "maxUses" -> t.maxUses(Integer.parseInt(value));
        case "maxAge" -> t.maxAge(Duration.parse(value));
        case "maxIdleTime" -> t.maxIdleTime(Duration.parse(value));
        case "provisioningTimeout" -> t.provisioningTimeout(Duration.parse(value));
        case "reuseWhenDegraded" -> t.reuseWhenDegraded(Boolean.parseBoolean(value));
        case "shareAcrossTenants" -> t.shareAcrossTenants(Boolean.parseBoolean(value));
        case "geography" -> geographies.add(dec(value));
        case "region" -> regions.add(dec(value));
        case "sizing" -> {
          sizing = SizingPolicy.objective(Double.parseDouble(parts[0]), Duration.parse(parts[1]))
              .floor(Integer.parseInt(parts[2])).zone(dec(parts[4])).learnSeasonality(Boolean.parseBoolean(parts[5]));
          int ceiling = Integer.parseInt(parts[3]);
          if (ceiling != SizingPolicy.UNBOUNDED) {
            sizing.ceiling(ceiling);
          }
        }
        case "sizingWindow" -> sizing.window(SizingPolicy.Window.parse("sizing.windows", dec(value)));
        case "end" -> {
          if (sizing != null) {
            t.sizing(sizing.build());
          }
          c.template(t.geographies(geographies).regions(regions).build());
          t = null;
          sizing = null;
        }
        default -> { } // a field a later version wrote: ignored
      }
    }
    return c.build();
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(key).append(' ').append(value).append('\n');
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
