package dev.warmpool.api;

/**
 * How many workers are in each state.
 *
 * <p>Immutable and thread-safe.
 *
 * @param provisioning being created
 * @param idle ready for a lease
 * @param leased held by a lease
 * @param draining held by a lease and to be destroyed when it ends
 * @param deleting being destroyed
 *
 * @since 0.1
 */
public record WorkerCounts(int provisioning, int idle, int leased, int draining, int deleting) {
  /** No workers at all. */
  public static final WorkerCounts ZERO = new WorkerCounts(0, 0, 0, 0, 0);

  /** {@return the sum over every state} */
  public int total() {
    return provisioning + idle + leased + draining + deleting;
  }

  /**
   * The count in one state.
   *
   * @param state a state
   * @return how many workers are in it
   */
  public int get(WorkerState state) {
    return switch (state) {
      case PROVISIONING -> provisioning;
      case IDLE -> idle;
      case LEASED -> leased;
      case DRAINING -> draining;
      case DELETING -> deleting;
    };
  }

  /**
   * The sum of two counts, state by state.
   *
   * @param other other counts
   * @return the sum
   */
  public WorkerCounts plus(WorkerCounts other) {
    return new WorkerCounts(provisioning + other.provisioning, idle + other.idle, leased + other.leased,
        draining + other.draining, deleting + other.deleting);
  }

  @Override
  public String toString() {
    return "idle=" + idle + " leased=" + leased + " draining=" + draining + " provisioning=" + provisioning
        + " deleting=" + deleting;
  }
}
