package dev.warmpool.api;

/**
 * Receives a pool's {@link PoolEvent}s.
 *
 * <p>Contract: a listener MUST be fast, MUST NOT throw, and MUST NOT call back into the pool (lease, release,
 * snapshot) from {@link #onEvent}. The pool delivers events in order, one at a time, off the lease path; a listener
 * that throws is logged and ignored; a listener that falls too far behind loses events, which are counted in
 * {@link PoolSnapshot#droppedEvents()}.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PoolListener {

  /**
   * Called for each event, in the order they happened.
   *
   * @param event the event
   */
  void onEvent(PoolEvent event);
}
