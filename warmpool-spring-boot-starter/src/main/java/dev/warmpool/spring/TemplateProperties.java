package dev.warmpool.spring;

import static dev.warmpool.spring.WarmpoolProperties.put;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template: {@code warmpool.pools.<id>.templates.<name>.*}.
 *
 * <p>Mutable while Spring binds it; not thread-safe until then.
 *
 * @since 0.1
 */
public class TemplateProperties {
  /** Idle workers the pool keeps ready (default 0). */
  private Integer warmTarget;
  /** The most workers of the template in any state (default unbounded). */
  private Integer maxTotal;
  /** Leases one worker may serve; 1 gives every lease a fresh worker (default 1). */
  private Integer maxUses;
  /** Age after which a worker is recycled (default none). */
  private Duration maxAge;
  /** How long a worker may stay idle before it is recycled (default none). */
  private Duration maxIdleTime;
  /** How long one provision may take before it counts as failed (default 30m). */
  private Duration provisioningTimeout;
  /** The size capacity cooldowns are kept for, e.g. a VM size (default "default"). */
  private String size;
  /** Whether a returned worker may serve the same tenant again while degraded (default false). */
  private Boolean reuseWhenDegraded;
  /** Whether a worker that served one tenant may serve another (default false). */
  private Boolean shareAcrossTenants;
  /** Geographies the workers may run in (default any). */
  private List<String> geographies;
  /** Regions the workers may run in (default any). */
  private List<String> regions;
  /** Labels requests select templates by. */
  private Map<String, String> labels = new LinkedHashMap<>();
  /** What the backend needs to create a worker (image, ...). */
  private Map<String, String> providerProperties = new LinkedHashMap<>();
  /** A warm target computed from a lease-wait objective instead of {@link #warmTarget}. */
  private final SizingProperties sizing = new SizingProperties();

  /** Creates an empty template; Spring fills it. */
  public TemplateProperties() {
    // bound by Spring
  }

  void putKeys(String p, Map<String, String> out) {
    put(out, p + "warm-target", warmTarget);
    put(out, p + "max-total", maxTotal);
    put(out, p + "max-uses", maxUses);
    put(out, p + "max-age", maxAge);
    put(out, p + "max-idle-time", maxIdleTime);
    put(out, p + "provisioning-timeout", provisioningTimeout);
    put(out, p + "size", size);
    put(out, p + "reuse-when-degraded", reuseWhenDegraded);
    put(out, p + "share-across-tenants", shareAcrossTenants);
    put(out, p + "geographies", geographies);
    put(out, p + "regions", regions);
    labels.forEach((k, v) -> put(out, p + "labels." + k, v));
    providerProperties.forEach((k, v) -> put(out, p + "provider-properties." + k, v));
    sizing.putKeys(p + "sizing.", out);
  }

  /** {@return the sizing policy's properties} */
  public SizingProperties getSizing() {
    return sizing;
  }

  /** {@return the warm target} */
  public Integer getWarmTarget() {
    return warmTarget;
  }

  /** @param warmTarget the warm target */
  public void setWarmTarget(Integer warmTarget) {
    this.warmTarget = warmTarget;
  }

  /** {@return the most workers} */
  public Integer getMaxTotal() {
    return maxTotal;
  }

  /** @param maxTotal the most workers */
  public void setMaxTotal(Integer maxTotal) {
    this.maxTotal = maxTotal;
  }

  /** {@return leases per worker} */
  public Integer getMaxUses() {
    return maxUses;
  }

  /** @param maxUses leases per worker */
  public void setMaxUses(Integer maxUses) {
    this.maxUses = maxUses;
  }

  /** {@return the max age} */
  public Duration getMaxAge() {
    return maxAge;
  }

  /** @param maxAge the max age */
  public void setMaxAge(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /** {@return the max idle time} */
  public Duration getMaxIdleTime() {
    return maxIdleTime;
  }

  /** @param maxIdleTime the max idle time */
  public void setMaxIdleTime(Duration maxIdleTime) {
    this.maxIdleTime = maxIdleTime;
  }

  /** {@return the provisioning timeout} */
  public Duration getProvisioningTimeout() {
    return provisioningTimeout;
  }

  /** @param provisioningTimeout the provisioning timeout */
  public void setProvisioningTimeout(Duration provisioningTimeout) {
    this.provisioningTimeout = provisioningTimeout;
  }

  /** {@return the size} */
  public String getSize() {
    return size;
  }

  /** @param size the size */
  public void setSize(String size) {
    this.size = size;
  }

  /** {@return whether reuse while degraded is allowed} */
  public Boolean getReuseWhenDegraded() {
    return reuseWhenDegraded;
  }

  /** @param reuseWhenDegraded whether reuse while degraded is allowed */
  public void setReuseWhenDegraded(Boolean reuseWhenDegraded) {
    this.reuseWhenDegraded = reuseWhenDegraded;
  }

  /** {@return whether workers may serve several tenants} */
  public Boolean getShareAcrossTenants() {
    return shareAcrossTenants;
  }

  /** @param shareAcrossTenants whether workers may serve several tenants */
  public void setShareAcrossTenants(Boolean shareAcrossTenants) {
    this.shareAcrossTenants = shareAcrossTenants;
  }

  /** {@return the allowed geographies} */
  public List<String> getGeographies() {
    return geographies;
  }

  /** @param geographies the allowed geographies */
  public void setGeographies(List<String> geographies) {
    this.geographies = geographies;
  }

  /** {@return the allowed regions} */
  public List<String> getRegions() {
    return regions;
  }

  /** @param regions the allowed regions */
  public void setRegions(List<String> regions) {
    this.regions = regions;
  }

  /** {@return the labels} */
  public Map<String, String> getLabels() {
    return labels;
  }

  /** @param labels the labels */
  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  /** {@return the provider properties} */
  public Map<String, String> getProviderProperties() {
    return providerProperties;
  }

  /** @param providerProperties the provider properties */
  public void setProviderProperties(Map<String, String> providerProperties) {
    this.providerProperties = providerProperties;
  }
}
