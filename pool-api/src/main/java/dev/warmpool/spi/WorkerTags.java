package dev.warmpool.spi;

/**
 * The tags that identify a pool's resources in the cloud. A provider puts them on every resource it creates and finds
 * them again by them.
 *
 * @since 0.1
 */
public final class WorkerTags {
  /** The pool's id. */
  public static final String POOL = "warmpool-pool";
  /** The worker's id, unique within the pool. */
  public static final String WORKER = "warmpool-worker";
  /** The pool generation that created the worker; it grows with every start of a pool with the same id. */
  public static final String GENERATION = "warmpool-generation";
  /** The worker's template. */
  public static final String TEMPLATE = "warmpool-template";
  /**
   * The version of the template the worker was made from, derived from what makes a worker (provider properties,
   * size, labels): a worker of another version than its template's is replaced by a roll.
   *
   * @since 0.1
   */
  public static final String TEMPLATE_VERSION = "warmpool-template-version";

  private WorkerTags() {}
}
