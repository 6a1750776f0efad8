package dev.warmpool.core.internal;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.LeaseRequest;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerTemplate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Finds the template a lease request asks for, by name or by label selector; one rule for every engine. */
final class TemplateResolver {
  private TemplateResolver() {}

  static <T> T resolve(String poolId, Map<String, T> byName, Function<T, WorkerTemplate> template,
      LeaseRequest request) {
    Objects.requireNonNull(request, "request cannot be null");
    Optional<String> name = request.template();
    if (name.isPresent()) {
      T t = byName.get(name.get());
      if (t == null) {
        throw new InvalidConfigurationException("template", "pool " + poolId + " has no template \"" + name.get()
            + "\"; templates: " + byName.keySet());
      }
      return t;
    }
    T found = null;
    for (T t : byName.values()) {
      if (template.apply(t).labels().entrySet().containsAll(request.labelSelector().entrySet())) {
        if (found != null) {
          throw new InvalidConfigurationException("labelSelector", "labels " + SafeText.of(request.labelSelector())
              + " select several templates of pool " + poolId + ": " + template.apply(found).name() + ", "
              + template.apply(t).name() + "; add a label that tells them apart");
        }
        found = t;
      }
    }
    if (found == null) {
      throw new InvalidConfigurationException("labelSelector", "labels " + SafeText.of(request.labelSelector())
          + " select no template of pool " + poolId + "; templates: " + byName.keySet());
    }
    return found;
  }
}
