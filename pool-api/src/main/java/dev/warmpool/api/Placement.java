package dev.warmpool.api;

/**
 * Where workers can be provisioned: one region of one provider.
 *
 * <p>A region belongs to a geography (for example {@code "eu"} or {@code "us"}); tenants and templates restrict the
 * geographies or regions they accept (data residency). Among eligible placements, a lower {@code preference} is
 * tried first; the pool fails over to the next one when a placement turns unhealthy and fails back when it recovers.
 *
 * <p>Immutable and thread-safe.
 *
 * @param provider the name of the provider that serves this placement, as registered with the pool (e.g.
 *     {@code "azure"})
 * @param region the provider's region id (e.g. {@code "westeurope"})
 * @param geography the geography the region belongs to (e.g. {@code "eu"})
 * @param preference the order in which placements are tried, lowest first; ties are broken by key
 *
 * @since 0.1
 */
public record Placement(String provider, String region, String geography, int preference) {

  /**
   * Checks the components and copies collections.
   *
   * @param provider the name of the provider that serves this placement, as registered with the pool (e.g. {@code "azure"})
   * @param region the provider's region id (e.g. {@code "westeurope"})
   * @param geography the geography the region belongs to (e.g. {@code "eu"})
   * @param preference the order in which placements are tried, lowest first; ties are broken by key
   * @throws NullPointerException if a component is null
   */
  public Placement {
    Check.name(provider, "placement.provider");
    Check.name(region, "placement.region");
    Check.name(geography, "placement.geography");
    Check.between(preference, 0, Integer.MAX_VALUE, "placement.preference", "0 and " + Integer.MAX_VALUE);
  }

  /**
   * A placement with preference 0.
   *
   * @param provider the provider name
   * @param region the region id
   * @param geography the region's geography
   * @return the placement
   */
  public static Placement of(String provider, String region, String geography) {
    return new Placement(provider, region, geography, 0);
  }

  /**
   * A copy of this placement with another preference.
   *
   * @param preference lower is tried first
   * @return the copy
   */
  public Placement withPreference(int preference) {
    return new Placement(provider, region, geography, preference);
  }

  /**
   * The placement's identity, {@code provider + "/" + region}; two placements with the same key are the same place.
   *
   * @return the key
   */
  public String key() {
    return provider + "/" + region;
  }

  @Override
  public String toString() {
    return key() + " (" + geography + ")";
  }
}
