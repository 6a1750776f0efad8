package dev.warmpool.core.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker ids of creates a provider refused with a throttle, kept per shelf (template and placement) for the next
 * create there: a retried create keeps its worker id, so a pool that is throttled for hours does not mint thousands
 * of ids for hundreds of workers, and a create whose earlier attempt did reach the provider (a lost answer) is
 * found by the retry rather than made twice.
 *
 * <p>Design: an id is reused only while the ledger does not know it (a reconciliation may have adopted its resource
 * meanwhile) and only on its own shelf (a provider's resource names carry the region). At most
 * {@value #MAX_PER_SHELF} ids wait per shelf; older ones are dropped. Runner only.
 */
final class UnsentIds {
  static final int MAX_PER_SHELF = 1000;

  private final Ledger ledger;
  private final Map<PlacementShelf, ArrayDeque<String>> ids = new HashMap<>();

  UnsentIds(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Keeps the id of a create that was refused unsent, for the shelf's next create. */
  void keep(PlacementShelf shelf, String id) {
    ArrayDeque<String> q = ids.computeIfAbsent(shelf, s -> new ArrayDeque<>());
    if (!q.contains(id)) {
      q.addLast(id);
    }
    while (q.size() > MAX_PER_SHELF) {
      q.pollFirst();
    }
  }

  /** {@return an id the shelf's next create may use again, or null to mint a new one} */
  String next(PlacementShelf shelf) {
    ArrayDeque<String> q = ids.get(shelf);
    while (q != null && !q.isEmpty()) {
      String id = q.pollFirst();
      if (!ledger.knows(id)) {
        return id;
      }
    }
    return null;
  }
}
