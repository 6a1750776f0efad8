package dev.warmpool.core.internal;

import dev.warmpool.api.WorkerTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A template's version: a short digest of what makes a worker (provider properties, size, labels), so that a worker
 * made from an earlier definition is told apart from a current one, in this JVM, in a shared store and in the cloud
 * (the {@link dev.warmpool.spi.WorkerTags#TEMPLATE_VERSION} tag), whatever restarts happen between.
 *
 * <p>Design: a digest of a canonical form (sorted keys, length-prefixed strings) rather than a counter, so every node
 * and every restart derives the same version from the same definition without asking anyone; limits (warm target,
 * max total, ages) are left out, as a change of them needs no new worker.
 */
final class TemplateVersion {
  /** Where a shared store's row keeps the version: among the worker's attributes, stripped before users see them. */
  static final String ATTRIBUTE = dev.warmpool.spi.WorkerTags.TEMPLATE_VERSION;

  private TemplateVersion() {}

  /** The template's version: 12 hex digits. */
  static String of(WorkerTemplate t) {
    StringBuilder b = new StringBuilder();
    append(b, "size", t.size());
    new TreeMap<>(t.providerProperties()).forEach((k, v) -> append(b, "p:" + k, v));
    new TreeMap<>(t.labels()).forEach((k, v) -> append(b, "l:" + k, v));
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        hex.append(Character.forDigit(d[i] >> 4 & 15, 16)).append(Character.forDigit(d[i] & 15, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
    }
  }

  private static void append(StringBuilder b, String key, String value) {
    b.append(key.length()).append(':').append(key).append(value.length()).append(':').append(value).append(';');
  }

  /** Attributes with the version added, for a store row. */
  static Map<String, String> withVersion(Map<String, String> attributes, String version) {
    if (version == null) {
      return attributes;
    }
    Map<String, String> m = new HashMap<>(attributes);
    m.put(ATTRIBUTE, version);
    return m;
  }

  /** Attributes without the version, as users see them. */
  static Map<String, String> without(Map<String, String> attributes) {
    if (!attributes.containsKey(ATTRIBUTE)) {
      return attributes;
    }
    Map<String, String> m = new HashMap<>(attributes);
    m.remove(ATTRIBUTE);
    return m;
  }
}
