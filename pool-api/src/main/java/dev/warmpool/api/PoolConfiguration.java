package dev.warmpool.api;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a running pool may change without a restart: its templates, its placements, the placements it drains, and
 * how a new template version rolls out. {@link WorkerPool#configuration()} gives the current one;
 * {@link #toBuilder()} edits it and {@link WorkerPool#reconfigure(PoolConfiguration)} applies the result.
 *
 * <p>A template whose worker-making fields change (provider properties, size, labels) gets a new version: the pool
 * replaces its idle workers of the old version at a pace that keeps the idle stock at the warm target plus the
 * waiting requests, less {@link #maxUnavailable()}, with at most {@link #maxSurge()} extra workers at a time; leased
 * workers of the old version finish their lease and are not granted again. Other fields (warm target, max total,
 * max age, ...) apply at once. A draining placement gets no new workers; its idle workers are replaced elsewhere at
 * the same pace and its leased ones are removed as their leases end. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class PoolConfiguration {
  /** The default {@link #maxSurge()}: one replacement worker at a time above the warm target. */
  public static final int DEFAULT_MAX_SURGE = 1;
  /** The default {@link #maxUnavailable()}: the idle stock never falls below what is needed. */
  public static final int DEFAULT_MAX_UNAVAILABLE = 0;

  private final List<WorkerTemplate> templates;
  private final List<Placement> placements;
  private final Set<String> draining;
  private final int maxSurge;
  private final int maxUnavailable;

  private PoolConfiguration(Builder b) {
    this.templates = List.copyOf(b.templates.values());
    this.placements = List.copyOf(b.placements.values());
    this.draining = Set.copyOf(b.draining);
    this.maxSurge = b.maxSurge;
    this.maxUnavailable = b.maxUnavailable;
  }

  /**
   * Starts an empty configuration.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration, to change it} */
  public Builder toBuilder() {
    Builder b = new Builder();
    templates.forEach(b::template);
    placements.forEach(b::placement);
    b.draining.addAll(draining);
    b.maxSurge = maxSurge;
    b.maxUnavailable = maxUnavailable;
    return b;
  }

  /** {@return the templates, in configuration order} */
  public List<WorkerTemplate> templates() {
    return templates;
  }

  /** {@return the placements, in the order they were added} */
  public List<Placement> placements() {
    return placements;
  }

  /** {@return the keys of the placements being drained} */
  public Set<String> draining() {
    return draining;
  }

  /** {@return how many replacement workers a roll may make at a time above what the warm target needs} */
  public int maxSurge() {
    return maxSurge;
  }

  /** {@return by how many workers a roll may let the idle stock fall below the warm target plus waiting requests} */
  public int maxUnavailable() {
    return maxUnavailable;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PoolConfiguration c && templates.equals(c.templates) && placements.equals(c.placements)
        && draining.equals(c.draining) && maxSurge == c.maxSurge && maxUnavailable == c.maxUnavailable;
  }

  @Override
  public int hashCode() {
    return Objects.hash(templates, placements, draining, maxSurge, maxUnavailable);
  }

  @Override
  public String toString() {
    return "PoolConfiguration[templates=" + templates.stream().map(WorkerTemplate::name).toList() + ", placements="
        + placements.stream().map(Placement::key).toList() + ", draining=" + draining + ", maxSurge=" + maxSurge
        + ", maxUnavailable=" + maxUnavailable + "]";
  }

  /**
   * Builds a {@link PoolConfiguration}. Null arguments fail at the setter; the pool checks every other rule when the
   * configuration is applied, as {@code build()} does. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Map<String, WorkerTemplate> templates = new LinkedHashMap<>();
    private final Map<String, Placement> placements = new LinkedHashMap<>();
    private final Set<String> draining = new LinkedHashSet<>();
    private int maxSurge = DEFAULT_MAX_SURGE;
    private int maxUnavailable = DEFAULT_MAX_UNAVAILABLE;

    private Builder() {}

    /**
     * Adds a template, or replaces the template of the same name where it stands.
     *
     * @param template the template
     * @return this builder
     */
    public Builder template(WorkerTemplate template) {
      Check.notNull(template, "template");
      templates.put(template.name(), template);
      return this;
    }

    /**
     * Removes a template: its idle workers are removed, and its leased ones when their leases end.
     *
     * @param name the template's name; a name the configuration does not hold changes nothing
     * @return this builder
     */
    public Builder removeTemplate(String name) {
      templates.remove(Check.notNull(name, "name"));
      return this;
    }

    /**
     * Adds a placement, or replaces the placement of the same key (to change its preference, say).
     *
     * @param placement the placement; its provider must be registered with the pool
     * @return this builder
     */
    public Builder placement(Placement placement) {
      Check.notNull(placement, "placement");
      placements.put(placement.key(), placement);
      return this;
    }

    /**
     * Drains a placement: no new workers go there, its idle workers are replaced elsewhere and its leased workers are
     * removed as their leases end.
     *
     * @param placementKey the placement's key ({@code provider/region})
     * @return this builder
     */
    public Builder drain(String placementKey) {
      draining.add(Check.notNull(placementKey, "placementKey"));
      return this;
    }

    /**
     * Stops draining a placement: it takes new workers again.
     *
     * @param placementKey the placement's key
     * @return this builder
     */
    public Builder undrain(String placementKey) {
      draining.remove(Check.notNull(placementKey, "placementKey"));
      return this;
    }

    /**
     * How many replacement workers a roll makes at a time above what the warm target and the waiting requests need.
     *
     * @param maxSurge at least 0, at most 1000; {@value PoolConfiguration#DEFAULT_MAX_SURGE} by default
     * @return this builder
     */
    public Builder maxSurge(int maxSurge) {
      this.maxSurge = maxSurge;
      return this;
    }

    /**
     * By how many workers a roll may let the idle stock fall below the warm target plus the waiting requests (it
     * never goes below zero).
     *
     * @param maxUnavailable at least 0, at most 1000; {@value PoolConfiguration#DEFAULT_MAX_UNAVAILABLE} by default
     * @return this builder
     */
    public Builder maxUnavailable(int maxUnavailable) {
      this.maxUnavailable = maxUnavailable;
      return this;
    }

    /**
     * Checks the roll bounds and builds the configuration; the pool checks the templates and placements when it
     * applies it.
     *
     * @return the configuration
     * @throws InvalidConfigurationException if maxSurge or maxUnavailable is out of range, or both are 0 (a roll
     *     could never start)
     */
    public PoolConfiguration build() {
      if (maxSurge < 0 || maxSurge > 1000) {
        throw new InvalidConfigurationException("maxSurge", "maxSurge must be between 0 and 1000, was " + maxSurge);
      }
      if (maxUnavailable < 0 || maxUnavailable > 1000) {
        throw new InvalidConfigurationException("maxUnavailable", "maxUnavailable must be between 0 and 1000, was "
            + maxUnavailable);
      }
      if (maxSurge == 0 && maxUnavailable == 0) {
        throw new InvalidConfigurationException("maxSurge", "maxSurge and maxUnavailable cannot both be 0: a roll"
            + " could never replace a worker; set maxSurge to at least 1 (the default)");
      }
      return new PoolConfiguration(this);
    }
  }
}
