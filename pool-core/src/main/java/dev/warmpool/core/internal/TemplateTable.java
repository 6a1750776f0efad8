package dev.warmpool.core.internal;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pool's templates by name, in configuration order, which a run-time change may add to or remove from.
 *
 * <p>Design: copy on write. The lease path reads the table on every request (to resolve a template) and a change
 * is rare, so reads go to an immutable map behind one volatile field and a change swaps in a new one; views
 * ({@link #values()}) read the newest map each time they are iterated. Writes happen on the serial runner only.
 */
final class TemplateTable extends AbstractMap<String, TemplateRuntime> {
  private volatile Map<String, TemplateRuntime> map = Map.of();

  @Override
  public TemplateRuntime get(Object key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public Set<Entry<String, TemplateRuntime>> entrySet() {
    return map.entrySet();
  }

  @Override
  public Set<String> keySet() {
    return map.keySet();
  }

  @Override
  public synchronized TemplateRuntime put(String key, TemplateRuntime value) {
    Map<String, TemplateRuntime> m = new LinkedHashMap<>(map);
    TemplateRuntime old = m.put(key, value);
    map = Collections.unmodifiableMap(m);
    return old;
  }

  @Override
  public synchronized TemplateRuntime remove(Object key) {
    Map<String, TemplateRuntime> m = new LinkedHashMap<>(map);
    TemplateRuntime old = m.remove(key);
    map = Collections.unmodifiableMap(m);
    return old;
  }
}
