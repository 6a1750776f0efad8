package dev.warmpool.azure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Derives a worker's Azure resource name from its pool, worker id and region, so that a repeated provision finds the
 * resource the first one made. The name carries the region (creating one name in several regions at once trips ACI's
 * abuse protection) and a hash of all three inputs (two pools or two workers never share a name even when their
 * readable parts are cut short). Valid for container groups and Linux virtual machines: at most 63 lower-case
 * letters, digits and hyphens, starting with a letter and ending with a letter or digit.
 */
final class ResourceNames {
  /** The most characters of the worker id kept readable in the name. */
  private static final int WORKER_PART = 24;
  /** The most characters of the region kept in the name. */
  private static final int REGION_PART = 20;

  private ResourceNames() {}

  static String of(String poolId, String workerId, String region) {
    String hash = hash(poolId + '\n' + workerId + '\n' + region);
    String worker = slug(workerId, WORKER_PART);
    return "wp-" + slug(region, REGION_PART) + (worker.isEmpty() ? "" : "-" + worker) + "-" + hash;
  }

  private static String slug(String s, int max) {
    String slug = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > max) {
      slug = slug.substring(0, max).replaceAll("-+$", "");
    }
    return slug;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
