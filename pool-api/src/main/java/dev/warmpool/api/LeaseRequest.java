package dev.warmpool.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a job asks of the pool: a worker of a template (by name or by labels) for a tenant, in places the tenant
 * accepts, within a time.
 *
 * <p>Immutable and thread-safe; build with {@link #forTemplate(String)} or {@link #withLabels(Map)}.
 *
 * <p>Defaults: tenant {@value #DEFAULT_TENANT}; any geography and region the template allows; priority 0; no lease
 * expiry; a maximum wait of {@link #DEFAULT_MAX_WAIT}.
 *
 * @since 0.1
 */
public final class LeaseRequest {
  /** The tenant of a request that names none. */
  public static final String DEFAULT_TENANT = "default";
  /** How long a request waits for a worker when it sets no maximum wait: 5 minutes. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
  /** The values {@link Builder#leaseDuration} and {@link Lease#renew} accept: positive, at most 365 days. */
  public static final DurationRange LEASE_DURATION_RANGE = DurationRange.positiveUpTo(Duration.ofDays(365));
  /**
   * The values {@link Builder#maxWait} and the timeout of {@link WorkerPool#acquire} accept: zero or positive, at
   * most 1 day.
   */
  public static final DurationRange MAX_WAIT_RANGE = DurationRange.upTo(Duration.ofDays(1));

  private final String template;
  private final Map<String, String> labelSelector;
  private final String tenant;
  private final Set<String> geographies;
  private final Set<String> regions;
  private final int priority;
  private final Duration leaseDuration;
  private final Duration maxWait;

  private LeaseRequest(Builder b) {
    this.template = b.template;
    this.labelSelector = Map.copyOf(b.labelSelector);
    this.tenant = b.tenant;
    this.geographies = b.geographies;
    this.regions = b.regions;
    this.priority = b.priority;
    this.leaseDuration = b.leaseDuration;
    this.maxWait = b.maxWait;
  }

  /**
   * Starts a request for a worker of the named template.
   *
   * @param template the template's name
   * @return a builder
   * @throws NullPointerException if template is null
   */
  public static Builder forTemplate(String template) {
    Builder b = new Builder();
    b.template = Check.notNull(template, "template");
    return b;
  }

  /**
   * Starts a request for a worker of the one template whose labels include all of these.
   *
   * @param labelSelector label names and values that the template must carry; not empty
   * @return a builder
   * @throws NullPointerException if the selector, a key or a value is null
   */
  public static Builder withLabels(Map<String, String> labelSelector) {
    Builder b = new Builder();
    b.labelSelector.putAll(Check.stringMap(labelSelector, "labelSelector"));
    return b;
  }

  /**
   * A request for the named template with every default.
   *
   * @param template the template's name
   * @return the request
   */
  public static LeaseRequest of(String template) {
    return forTemplate(template).build();
  }

  /** {@return the template's name, or empty when the request selects by labels} */
  public Optional<String> template() {
    return Optional.ofNullable(template);
  }

  /** {@return the labels a template must carry; empty when the request names its template} */
  public Map<String, String> labelSelector() {
    return labelSelector;
  }

  /** {@return the tenant the worker is for} */
  public String tenant() {
    return tenant;
  }

  /** {@return the geographies the tenant accepts; empty means any} */
  public Set<String> geographies() {
    return geographies;
  }

  /** {@return the regions the tenant accepts; empty means any} */
  public Set<String> regions() {
    return regions;
  }

  /** {@return the priority; higher is served first, 0 by default} */
  public int priority() {
    return priority;
  }

  /** {@return how long the lease lasts before it expires unless renewed; empty means until released} */
  public Optional<Duration> leaseDuration() {
    return Optional.ofNullable(leaseDuration);
  }

  /** {@return how long the request may wait for a worker} */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Whether the request's residency rules accept a placement.
   *
   * @param placement a placement
   * @return true if both the geography and the region are allowed
   */
  public boolean allows(Placement placement) {
    return Check.allows(geographies, regions, placement);
  }

  /**
   * A builder that starts from this request's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.template = template;
    b.labelSelector.putAll(labelSelector);
    b.tenant = tenant;
    b.geographies = geographies;
    b.regions = regions;
    b.priority = priority;
    b.leaseDuration = leaseDuration;
    b.maxWait = maxWait;
    return b;
  }

  @Override
  public String toString() {
    return "LeaseRequest[" + (template != null ? "template=" + template : "labels=" + SafeText.of(labelSelector))
        + ", tenant=" + tenant + (geographies.isEmpty() ? "" : ", geographies=" + geographies)
        + (regions.isEmpty() ? "" : ", regions=" + regions) + ", priority=" + priority + ", maxWait=" + maxWait
        + (leaseDuration == null ? "" : ", leaseDuration=" + leaseDuration) + "]";
  }

  /**
   * Builds a {@link LeaseRequest}. Null arguments fail at the setter; value rules fail at {@link #build()}.
   * Not thread-safe.
   */
  public static final class Builder {
    private String template;
    private final Map<String, String> labelSelector = new LinkedHashMap<>();
    private String tenant = DEFAULT_TENANT;
    private Set<String> geographies = Set.of();
    private Set<String> regions = Set.of();
    private int priority;
    private Duration leaseDuration;
    private Duration maxWait = DEFAULT_MAX_WAIT;

    private Builder() {}

    /**
     * The tenant the worker is for; workers are never shared between tenants unless the template allows it.
     *
     * @param tenant the tenant id
     * @return this builder
     */
    public Builder tenant(String tenant) {
      this.tenant = Check.notNull(tenant, "tenant");
      return this;
    }

    /**
     * Restricts the worker to these geographies (data residency).
     *
     * @param geographies geography names, e.g. {@code Set.of("eu")}
     * @return this builder
     */
    public Builder geographies(Set<String> geographies) {
      this.geographies = Check.setOf(geographies, "geographies");
      return this;
    }

    /**
     * Restricts the worker to these regions.
     *
     * @param regions region ids
     * @return this builder
     */
    public Builder regions(Set<String> regions) {
      this.regions = Check.setOf(regions, "regions");
      return this;
    }

    /**
     * The priority: waiting requests are served highest first, then in arrival order.
     *
     * @param priority any int; 0 by default
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * How long the lease lasts unless renewed; positive, at most 365 days ({@link #LEASE_DURATION_RANGE}). Without it
     * the lease lasts until released.
     *
     * @param leaseDuration the duration
     * @return this builder
     */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = Check.notNull(leaseDuration, "leaseDuration");
      return this;
    }

    /**
     * How long the request may wait for a worker; zero or positive, at most 1 day ({@link #MAX_WAIT_RANGE}). Zero
     * means only an idle worker will do.
     *
     * @param maxWait the wait
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Check.notNull(maxWait, "maxWait");
      return this;
    }

    /**
     * Checks every rule and builds the request.
     *
     * @return the request
     * @throws InvalidConfigurationException naming the first option that breaks a rule
     */
    public LeaseRequest build() {
      if (template != null) {
        Check.name(template, "template");
      } else if (labelSelector.isEmpty()) {
        throw Check.invalid("labelSelector", "labelSelector must name at least one label when no template is named");
      }
      Check.name(tenant, "tenant");
      geographies.forEach(g -> Check.name(g, "geographies"));
      regions.forEach(r -> Check.name(r, "regions"));
      if (leaseDuration != null) {
        LEASE_DURATION_RANGE.check(leaseDuration, "leaseDuration");
      }
      MAX_WAIT_RANGE.check(maxWait, "maxWait");
      return new LeaseRequest(this);
    }
  }
}
