package dev.warmpool.spring;

import static dev.warmpool.spring.WarmpoolProperties.put;

import java.util.Map;

/**
 * A placement: {@code warmpool.pools.<id>.placements.<name>.*}.
 *
 * <p>Mutable while Spring binds it; not thread-safe until then.
 *
 * @since 0.1
 */
public class PlacementProperties {
  /** The provider that serves the placement (required). */
  private String provider;
  /** The provider's region id (required). */
  private String region;
  /** The geography the region belongs to (required). */
  private String geography;
  /** Lower is tried first (default 0). */
  private Integer preference;

  /** Creates an empty placement; Spring fills it. */
  public PlacementProperties() {
    // bound by Spring
  }

  void putKeys(String p, Map<String, String> out) {
    put(out, p + "provider", provider);
    put(out, p + "region", region);
    put(out, p + "geography", geography);
    put(out, p + "preference", preference);
  }

  /** {@return the provider} */
  public String getProvider() {
    return provider;
  }

  /** @param provider the provider */
  public void setProvider(String provider) {
    this.provider = provider;
  }

  /** {@return the region} */
  public String getRegion() {
    return region;
  }

  /** @param region the region */
  public void setRegion(String region) {
    this.region = region;
  }

  /** {@return the geography} */
  public String getGeography() {
    return geography;
  }

  /** @param geography the geography */
  public void setGeography(String geography) {
    this.geography = geography;
  }

  /** {@return the preference} */
  public Integer getPreference() {
    return preference;
  }

  /** @param preference the preference */
  public void setPreference(Integer preference) {
    this.preference = preference;
  }
}
