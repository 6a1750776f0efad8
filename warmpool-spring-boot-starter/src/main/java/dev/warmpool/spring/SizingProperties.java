package dev.warmpool.spring;

import static dev.warmpool.spring.WarmpoolProperties.put;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code warmpool.pools.<id>.templates.<name>.sizing.*}: a warm target computed from a lease-wait objective instead of
 * a fixed one (see the file keys {@code templates.<name>.sizing.*} in the configuration reference). Unset fields keep
 * the library's defaults.
 *
 * @since 0.1
 */
public class SizingProperties {
  /** The share of leases that must not wait longer than {@link #maxWait}, above 0 and below 1 (e.g. 0.99). */
  private Double quantile;
  /** The wait that {@link #quantile} of the leases must not exceed. */
  private Duration maxWait;
  /** The smallest computed target (default 0). */
  private Integer floor;
  /** The largest computed target (default the template's max total). */
  private Integer ceiling;
  /** The zone windows and learned hours of the week are read in (default UTC). */
  private String zone;
  /** Whether to learn demand by hour of week and pre-warm ahead of peaks seen before (default true). */
  private Boolean learnSeasonality;
  /** Known peaks by name: {@code <days> <HH:mm>-<HH:mm> <min target>}, e.g. {@code mon-fri 07:00-19:00 12}. */
  private Map<String, String> windows = new LinkedHashMap<>();

  /** Creates an empty policy; Spring fills it. */
  public SizingProperties() {
    // bound by Spring
  }

  void putKeys(String p, Map<String, String> out) {
    put(out, p + "quantile", quantile);
    put(out, p + "max-wait", maxWait);
    put(out, p + "floor", floor);
    put(out, p + "ceiling", ceiling);
    put(out, p + "zone", zone);
    put(out, p + "learn-seasonality", learnSeasonality);
    windows.forEach((k, v) -> put(out, p + "windows." + k, v));
  }

  /** {@return the objective's quantile} */
  public Double getQuantile() {
    return quantile;
  }

  /** @param quantile the objective's quantile */
  public void setQuantile(Double quantile) {
    this.quantile = quantile;
  }

  /** {@return the objective's wait} */
  public Duration getMaxWait() {
    return maxWait;
  }

  /** @param maxWait the objective's wait */
  public void setMaxWait(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /** {@return the floor} */
  public Integer getFloor() {
    return floor;
  }

  /** @param floor the floor */
  public void setFloor(Integer floor) {
    this.floor = floor;
  }

  /** {@return the ceiling} */
  public Integer getCeiling() {
    return ceiling;
  }

  /** @param ceiling the ceiling */
  public void setCeiling(Integer ceiling) {
    this.ceiling = ceiling;
  }

  /** {@return the zone} */
  public String getZone() {
    return zone;
  }

  /** @param zone the zone */
  public void setZone(String zone) {
    this.zone = zone;
  }

  /** {@return whether demand is learned by hour of week} */
  public Boolean getLearnSeasonality() {
    return learnSeasonality;
  }

  /** @param learnSeasonality whether demand is learned by hour of week */
  public void setLearnSeasonality(Boolean learnSeasonality) {
    this.learnSeasonality = learnSeasonality;
  }

  /** {@return the known peaks by name} */
  public Map<String, String> getWindows() {
    return windows;
  }

  /** @param windows the known peaks by name */
  public void setWindows(Map<String, String> windows) {
    this.windows = windows;
  }
}
