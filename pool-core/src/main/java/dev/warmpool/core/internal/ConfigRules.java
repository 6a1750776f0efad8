package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.Placement;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.WorkerProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules a pool's templates and placements keep, in one place: {@code build()} checks them before a pool starts and
 * {@code reconfigure} before a running pool changes, with the same messages.
 */
public final class ConfigRules {
  private ConfigRules() {}

  /**
   * Checks the templates and placements against each other and the registered provider names.
   *
   * @param templates the templates
   * @param placements the placements
   * @param providerNames the names of the registered providers
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public static void check(List<WorkerTemplate> templates, List<Placement> placements,
      Collection<String> providerNames) {
    if (templates.isEmpty()) {
      throw new InvalidConfigurationException("templates", "at least one template is required");
    }
    if (placements.isEmpty()) {
      throw new InvalidConfigurationException("placements", "at least one placement is required");
    }
    checkUnique(templates.stream().map(WorkerTemplate::name).toList(), "templates", "template name");
    checkUnique(placements.stream().map(Placement::key).toList(), "placements", "placement");
    for (Placement p : placements) {
      if (!providerNames.contains(p.provider())) {
        throw new InvalidConfigurationException("placements", "placement " + p.key() + " names provider "
            + SafeText.quote(p.provider()) + ", which is not registered; registered: "
            + SafeText.of(List.copyOf(providerNames))
            + " (register it with provider(name, settings) or provider(name, instance))");
      }
    }
    for (WorkerTemplate t : templates) {
      if (placements.stream().noneMatch(t::allows)) {
        throw new InvalidConfigurationException("template[" + t.name() + "]", "template " + t.name()
            + " allows geographies " + t.geographies() + " and regions " + t.regions()
            + " but no placement is there; placements: " + placements.stream().map(Placement::toString).toList());
      }
    }
  }

  /**
   * Checks the drained placements: each is a placement of the configuration, and every template keeps a placement it
   * allows that is not drained.
   *
   * @param templates the templates
   * @param placements the placements
   * @param draining the keys of the drained placements
   * @throws InvalidConfigurationException naming the first option that breaks a rule
   */
  public static void checkDraining(List<WorkerTemplate> templates, List<Placement> placements, Set<String> draining) {
    List<String> keys = placements.stream().map(Placement::key).toList();
    for (String d : draining) {
      if (!keys.contains(d)) {
        throw new InvalidConfigurationException("draining", "drained placement " + SafeText.quote(d)
            + " is not a placement of the pool; placements: " + keys);
      }
    }
    for (WorkerTemplate t : templates) {
      if (placements.stream().noneMatch(p -> t.allows(p) && !draining.contains(p.key()))) {
        throw new InvalidConfigurationException("draining", "template " + t.name() + " would have no placement"
            + " left that is not drained; drained: " + draining + ", placements it allows: "
            + placements.stream().filter(t::allows).map(Placement::key).toList());
      }
    }
  }

  /**
   * Asks each provider whether it can serve the placements and templates it would be given.
   *
   * @param providers the providers by name
   * @param templates the templates
   * @param placements the placements
   * @throws InvalidConfigurationException if a provider refuses one
   */
  public static void checkWithProviders(Map<String, WorkerProvider> providers, List<WorkerTemplate> templates,
      List<Placement> placements) {
    for (Placement p : placements) {
      providers.get(p.provider()).validate(p);
    }
    for (WorkerTemplate t : templates) {
      for (Placement p : placements) {
        if (t.allows(p)) {
          providers.get(p.provider()).validate(t);
        }
      }
    }
  }

  private static void checkUnique(List<String> names, String option, String what) {
    List<String> seen = new ArrayList<>();
    for (String n : names) {
      if (seen.contains(n)) {
        throw new InvalidConfigurationException(option, what + " \"" + n + "\" appears twice; each must be unique");
      }
      seen.add(n);
    }
  }
}
