package dev.warmpool.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic pod names and label values. A pod's name is derived from the pool id, the worker id and the region, so
 * a repeated provision of one worker (after a lost response, a restart) names the same pod and the API server's
 * {@code AlreadyExists} leads back to it.
 *
 * <p>Names are {@code wp-<pool>-<worker>-<hash>}: readable parts cut to fit, lower-cased, with a hash of the exact
 * values so that two workers never share a name (at most 57 characters: a valid pod name and host name).
 */
final class PodNames {
  /** The label carrying the pool id (as {@link #labelValue}); the provider lists pods by it. */
  static final String POOL_LABEL = "warmpool.dev/pool";
  /** The label carrying the worker id (as {@link #labelValue}). */
  static final String WORKER_LABEL = "warmpool.dev/worker";
  /** The label carrying the template's name (as {@link #labelValue}). */
  static final String TEMPLATE_LABEL = "warmpool.dev/template";
  /** The prefix of the annotations that carry the pool's tags exactly ({@code tags.warmpool.dev/warmpool-pool}). */
  static final String TAG_ANNOTATION_PREFIX = "tags.warmpool.dev/";
  /** The reserved prefix: template labels may not use it. */
  static final String RESERVED_PREFIX = "warmpool.dev/";

  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  /** The name part of a qualified key (label or annotation). */
  static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  private PodNames() {}

  /**
   * The pod's name for a worker.
   *
   * @param poolId the pool's id
   * @param workerId the worker's id
   * @param region the placement's region
   * @return a valid pod name, the same for the same arguments
   */
  static String pod(String poolId, String workerId, String region) {
    return "wp-" + part(poolId, 20) + "-" + part(workerId, 24) + "-" + hash(poolId + "/" + workerId + "/" + region, 8);
  }

  /**
   * A value a label can hold: the value itself when it is a valid label value, else {@code h-} and a hash of it.
   * Exact values are kept in annotations.
   *
   * @param value any string
   * @return a valid label value
   */
  static String labelValue(String value) {
    if (!value.isEmpty() && LABEL_VALUE.matcher(value).matches()) {
      return value;
    }
    return "h-" + hash(value, 16);
  }

  private static String part(String value, int max) {
    String s = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (s.length() > max) {
      s = s.substring(0, max).replaceAll("-+$", "");
    }
    return s.isEmpty() ? "x" : s;
  }

  private static String hash(String value, int hexChars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
