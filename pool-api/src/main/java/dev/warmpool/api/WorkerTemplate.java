package dev.warmpool.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a worker is and how many of them to keep warm.
 *
 * <p>Provider properties tell the backend what to create (image, size, ...); labels let requests select templates;
 * the numbers bound the stock. A template restricts where its workers may run with {@link #geographies()} and
 * {@link #regions()} (empty means anywhere the pool has a placement).
 *
 * <p>Immutable and thread-safe; build with {@link #builder(String)}.
 *
 * @since 0.1
 */
public final class WorkerTemplate {
  /** The default provisioning timeout: 30 minutes, as VMs take 3 to 20 minutes to start. */
  public static final Duration DEFAULT_PROVISIONING_TIMEOUT = Duration.ofMinutes(30);
  /** The values {@link Builder#maxAge} and {@link Builder#maxIdleTime} accept: positive, at most 365 days. */
  public static final DurationRange AGE_RANGE = DurationRange.positiveUpTo(Duration.ofDays(365));
  /** The values {@link Builder#provisioningTimeout} accepts: positive, at most 1 day. */
  public static final DurationRange PROVISIONING_TIMEOUT_RANGE = DurationRange.positiveUpTo(Duration.ofDays(1));
  /** The size used for capacity cooldowns when a template names none. */
  public static final String DEFAULT_SIZE = "default";

  private final String name;
  private final Map<String, String> providerProperties;
  private final Map<String, String> labels;
  private final String size;
  private final int warmTarget;
  private final int maxTotal;
  private final int maxUses;
  private final Duration maxAge;
  private final Duration maxIdleTime;
  private final Duration provisioningTimeout;
  private final boolean reuseWhenDegraded;
  private final boolean shareAcrossTenants;
  private final Set<String> geographies;
  private final Set<String> regions;
  private final SizingPolicy sizing;

  private WorkerTemplate(Builder b) {
    this.name = b.name;
    this.providerProperties = Map.copyOf(b.providerProperties);
    this.labels = Map.copyOf(b.labels);
    this.size = b.size;
    this.warmTarget = b.warmTarget;
    this.maxTotal = b.maxTotal;
    this.maxUses = b.maxUses;
    this.maxAge = b.maxAge;
    this.maxIdleTime = b.maxIdleTime;
    this.provisioningTimeout = b.provisioningTimeout;
    this.reuseWhenDegraded = b.reuseWhenDegraded;
    this.shareAcrossTenants = b.shareAcrossTenants;
    this.geographies = Set.copyOf(b.geographies);
    this.regions = Set.copyOf(b.regions);
    this.sizing = b.sizing;
  }

  /**
   * Starts a template.
   *
   * @param name the template's name, unique in a pool: 1 to 63 letters, digits, '.', '_' or '-'
   * @return a builder
   * @throws NullPointerException if name is null
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A builder that starts from this template's values.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.providerProperties.putAll(providerProperties);
    b.labels.putAll(labels);
    b.size = size;
    b.warmTarget = warmTarget;
    b.maxTotal = maxTotal;
    b.maxUses = maxUses;
    b.maxAge = maxAge;
    b.maxIdleTime = maxIdleTime;
    b.provisioningTimeout = provisioningTimeout;
    b.reuseWhenDegraded = reuseWhenDegraded;
    b.shareAcrossTenants = shareAcrossTenants;
    b.geographies = geographies;
    b.regions = regions;
    b.sizing = sizing;
    return b;
  }

  /** {@return the template's name, unique in a pool} */
  public String name() {
    return name;
  }

  /** {@return what the backend needs to create a worker (image, size, ...); never null} */
  public Map<String, String> providerProperties() {
    return providerProperties;
  }

  /** {@return labels that requests can select on (e.g. {@code os=linux}); never null} */
  public Map<String, String> labels() {
    return labels;
  }

  /** {@return the size key that capacity cooldowns are kept for; {@value #DEFAULT_SIZE} when none was set} */
  public String size() {
    return size;
  }

  /** {@return how many idle workers the pool keeps ready; 0 by default} */
  public int warmTarget() {
    return warmTarget;
  }

  /**
   * The policy that computes this template's warm target from a lease-wait objective, in place of the fixed
   * {@link #warmTarget()}; empty (a fixed target) by default.
   *
   * @return the sizing policy, if any
   */
  public Optional<SizingPolicy> sizing() {
    return Optional.ofNullable(sizing);
  }

  /** {@return the most workers of this template in any state; {@link Integer#MAX_VALUE} when unbounded (default)} */
  public int maxTotal() {
    return maxTotal;
  }

  /** {@return how many leases one worker may serve; 1 (a fresh worker per lease) by default} */
  public int maxUses() {
    return maxUses;
  }

  /** {@return the age after which a worker is recycled; empty (none) by default} */
  public Optional<Duration> maxAge() {
    return Optional.ofNullable(maxAge);
  }

  /** {@return how long a worker may stay idle before it is recycled; empty (none) by default} */
  public Optional<Duration> maxIdleTime() {
    return Optional.ofNullable(maxIdleTime);
  }

  /** {@return how long one provision may take before it counts as failed; {@link #DEFAULT_PROVISIONING_TIMEOUT}} */
  public Duration provisioningTimeout() {
    return provisioningTimeout;
  }

  /**
   * Whether a returned worker may serve another lease of the same tenant while the pool is degraded, even when
   * {@link #maxUses()} is used up. False by default.
   *
   * @return true if reuse is allowed while degraded
   */
  public boolean reuseWhenDegraded() {
    return reuseWhenDegraded;
  }

  /**
   * Whether a worker that served one tenant may later serve another. False by default: a reused worker only ever
   * serves the tenant it first served.
   *
   * @return true if workers may be shared between tenants
   */
  public boolean shareAcrossTenants() {
    return shareAcrossTenants;
  }

  /** {@return the geographies this template's workers may run in; empty means any} */
  public Set<String> geographies() {
    return geographies;
  }

  /** {@return the regions this template's workers may run in; empty means any} */
  public Set<String> regions() {
    return regions;
  }

  /**
   * Whether this template's residency rules accept a placement.
   *
   * @param placement a placement
   * @return true if both the geography and the region are allowed
   */
  public boolean allows(Placement placement) {
    return Check.allows(geographies, regions, placement);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WorkerTemplate t)) {
      return false;
    }
    return warmTarget == t.warmTarget && maxTotal == t.maxTotal && maxUses == t.maxUses
        && reuseWhenDegraded == t.reuseWhenDegraded && shareAcrossTenants == t.shareAcrossTenants
        && name.equals(t.name) && providerProperties.equals(t.providerProperties) && labels.equals(t.labels)
        && size.equals(t.size) && java.util.Objects.equals(maxAge, t.maxAge)
        && java.util.Objects.equals(maxIdleTime, t.maxIdleTime) && provisioningTimeout.equals(t.provisioningTimeout)
        && geographies.equals(t.geographies) && regions.equals(t.regions)
        && java.util.Objects.equals(sizing, t.sizing);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, providerProperties, labels, size, warmTarget, maxTotal, maxUses, maxAge,
        maxIdleTime, provisioningTimeout, reuseWhenDegraded, shareAcrossTenants, geographies, regions, sizing);
  }

  @Override
  public String toString() {
    return "WorkerTemplate[" + name + (sizing != null ? ", sizing=" + sizing : ", warmTarget=" + warmTarget)
        + ", maxTotal=" + (maxTotal == Integer.MAX_VALUE ? "unbounded" : maxTotal) + ", maxUses=" + maxUses
        + ", size=" + size + ", labels=" + SafeText.of(labels) + "]";
  }

  /**
   * Builds a {@link WorkerTemplate}. Null arguments fail at the setter; value and cross-field rules fail at
   * {@link #build()}, whatever the call order. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private final Map<String, String> providerProperties = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String size = DEFAULT_SIZE;
    private int warmTarget;
    private int maxTotal = Integer.MAX_VALUE;
    private int maxUses = 1;
    private Duration maxAge;
    private Duration maxIdleTime;
    private Duration provisioningTimeout = DEFAULT_PROVISIONING_TIMEOUT;
    private boolean reuseWhenDegraded;
    private boolean shareAcrossTenants;
    private Set<String> geographies = Set.of();
    private Set<String> regions = Set.of();
    private SizingPolicy sizing;

    private Builder(String name) {
      this.name = Check.notNull(name, "name");
    }

    /**
     * Adds one provider property (e.g. {@code image}).
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder providerProperty(String key, String value) {
      providerProperties.put(Check.notNull(key, "providerProperty key"), Check.notNull(value, "providerProperty value"));
      return this;
    }

    /**
     * Adds provider properties.
     *
     * @param properties name to value
     * @return this builder
     */
    public Builder providerProperties(Map<String, String> properties) {
      Check.stringMap(properties, "providerProperties").forEach(this::providerProperty);
      return this;
    }

    /**
     * Adds one label.
     *
     * @param key the label name
     * @param value its value
     * @return this builder
     */
    public Builder label(String key, String value) {
      labels.put(Check.notNull(key, "label key"), Check.notNull(value, "label value"));
      return this;
    }

    /**
     * The size key for capacity cooldowns (e.g. the VM size {@code Standard_D2s_v5}): not blank, at most
     * {@value SafeText#MAX_LENGTH} characters, no control characters (it appears in log lines).
     *
     * @param size the size
     * @return this builder
     */
    public Builder size(String size) {
      this.size = Check.notNull(size, "size");
      return this;
    }

    /**
     * How many idle workers to keep ready; between 0 and {@link #maxTotal(int)}.
     *
     * @param warmTarget the target
     * @return this builder
     */
    public Builder warmTarget(int warmTarget) {
      this.warmTarget = warmTarget;
      return this;
    }

    /**
     * Computes the warm target from a lease-wait objective instead of keeping {@link #warmTarget(int)} fixed. The
     * fixed target must then stay 0, and the policy's floor at most {@link #maxTotal(int)}.
     *
     * @param sizing the policy
     * @return this builder
     */
    public Builder sizing(SizingPolicy sizing) {
      this.sizing = Check.notNull(sizing, "sizing");
      return this;
    }

    /**
     * Removes a sizing policy, so that {@link #warmTarget(int)} applies again: for a run-time change from an
     * objective back to a fixed target (see {@link WorkerPool#reconfigure}).
     *
     * @return this builder
     * @since 0.1
     */
    public Builder withoutSizing() {
      this.sizing = null;
      return this;
    }

    /**
     * The most workers of this template in any state; at least 1. Unbounded when not set.
     *
     * @param maxTotal the bound
     * @return this builder
     */
    public Builder maxTotal(int maxTotal) {
      this.maxTotal = maxTotal;
      return this;
    }

    /**
     * How many leases one worker may serve; at least 1. 1 (the default) gives every lease a fresh worker.
     *
     * @param maxUses the bound
     * @return this builder
     */
    public Builder maxUses(int maxUses) {
      this.maxUses = maxUses;
      return this;
    }

    /**
     * The age after which a worker is recycled (when idle or released); positive, at most 365 days
     * ({@link #AGE_RANGE}). Without it workers are not recycled for their age.
     *
     * @param maxAge the age
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = Check.notNull(maxAge, "maxAge");
      return this;
    }

    /**
     * How long a worker may stay idle before it is recycled; positive, at most 365 days ({@link #AGE_RANGE}).
     * Without it idle workers are not recycled for their idle time.
     *
     * @param maxIdleTime the time
     * @return this builder
     */
    public Builder maxIdleTime(Duration maxIdleTime) {
      this.maxIdleTime = Check.notNull(maxIdleTime, "maxIdleTime");
      return this;
    }

    /**
     * How long one provision may take before it counts as failed; positive, at most 1 day
     * ({@link #PROVISIONING_TIMEOUT_RANGE}). Defaults to 30 minutes.
     *
     * @param provisioningTimeout the timeout
     * @return this builder
     */
    public Builder provisioningTimeout(Duration provisioningTimeout) {
      this.provisioningTimeout = Check.notNull(provisioningTimeout, "provisioningTimeout");
      return this;
    }

    /**
     * Whether returned workers may serve the same tenant again while the pool is degraded.
     *
     * @param reuseWhenDegraded true to allow
     * @return this builder
     */
    public Builder reuseWhenDegraded(boolean reuseWhenDegraded) {
      this.reuseWhenDegraded = reuseWhenDegraded;
      return this;
    }

    /**
     * Whether a worker that served one tenant may serve another.
     *
     * @param shareAcrossTenants true to allow
     * @return this builder
     */
    public Builder shareAcrossTenants(boolean shareAcrossTenants) {
      this.shareAcrossTenants = shareAcrossTenants;
      return this;
    }

    /**
     * Restricts workers to these geographies (data residency); empty (the default) means any.
     *
     * @param geographies geography names
     * @return this builder
     */
    public Builder geographies(Set<String> geographies) {
      this.geographies = Check.setOf(geographies, "geographies");
      return this;
    }

    /**
     * Restricts workers to these regions; empty (the default) means any.
     *
     * @param regions region ids
     * @return this builder
     */
    public Builder regions(Set<String> regions) {
      this.regions = Check.setOf(regions, "regions");
      return this;
    }

    /**
     * Checks every rule and builds the template.
     *
     * @return the template
     * @throws InvalidConfigurationException naming the first option that breaks a rule
     */
    public WorkerTemplate build() {
      String p = "template[" + name + "].";
      Check.name(name, "template.name");
      Check.notBlank(size, p + "size");
      Check.printable(size, p + "size");
      Check.between(maxTotal, 1, Integer.MAX_VALUE, p + "maxTotal", "1 and " + Integer.MAX_VALUE);
      Check.between(warmTarget, 0, maxTotal, p + "warmTarget",
          "0 and maxTotal (" + (maxTotal == Integer.MAX_VALUE ? "unbounded" : maxTotal) + ")");
      Check.between(maxUses, 1, Integer.MAX_VALUE, p + "maxUses", "1 and " + Integer.MAX_VALUE);
      if (maxAge != null) {
        AGE_RANGE.check(maxAge, p + "maxAge");
      }
      if (maxIdleTime != null) {
        AGE_RANGE.check(maxIdleTime, p + "maxIdleTime");
      }
      PROVISIONING_TIMEOUT_RANGE.check(provisioningTimeout, p + "provisioningTimeout");
      if (sizing != null) {
        if (warmTarget != 0) {
          throw Check.invalid(p + "warmTarget", p + "warmTarget must be 0 when a sizing policy computes the target,"
              + " was " + warmTarget);
        }
        Check.between(sizing.floor(), 0, maxTotal, p + "sizing.floor",
            "0 and maxTotal (" + (maxTotal == Integer.MAX_VALUE ? "unbounded" : maxTotal) + ")");
      }
      geographies.forEach(g -> Check.name(g, p + "geographies"));
      regions.forEach(r -> Check.name(r, p + "regions"));
      return new WorkerTemplate(this);
    }
  }
}
