package dev.warmpool.core.internal;

import dev.warmpool.api.LeaseRequest;
import dev.warmpool.spi.StoredNode;
import dev.warmpool.spi.StoredWorker;
import dev.warmpool.spi.StoredWorker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fair shares between tenants whose requests wait on different nodes of a shared pool, for one template: what this
 * node knows, as of its last pass, about the leases every tenant holds in the store and the requests waiting on the
 * other live nodes, and the rule its grants follow while the template is degraded.
 *
 * <p>The rule: a request ranks behind a request waiting on another node in the order in which {@link FairShares}
 * serves one node's requests: that one's tenant holds no worker and this one's does, or (both or neither holding
 * one) it has a higher priority, or the same priority and a tenant holding fewer workers. A request that ranks behind one elsewhere may take only a worker that has been idle for at least the
 * hold-back (two poll intervals): a worker that just became idle is left to the node where the first request waits,
 * which takes it at its next poll; a worker that node did not take (its request cannot use it) then serves anyone.
 *
 * <p>Design: every node reads the store's rows and nodes at each pass anyway, so every node derives the same shares
 * from the same data, and the store only filters a grant by idle time
 * ({@link dev.warmpool.spi.GrantQuery#idleBefore()}). No leader write is involved, so the shares hold while the
 * leader is away, and a grant stays one store call. Each node's heartbeat says which tenants wait there at which
 * priority ({@link #waitingHere}). Immutable: built by the store ledger's pass, read by grants on any thread.
 */
final class FairSharesAcrossNodes {
  /** No request waits elsewhere and no tenant holds a worker. */
  static final FairSharesAcrossNodes NONE = new FairSharesAcrossNodes(Map.of(), List.of(), Duration.ZERO);

  private final Map<String, Integer> held;
  private final List<StoredNode.Waiting> elsewhere;
  private final Duration holdBack;

  private FairSharesAcrossNodes(Map<String, Integer> held, List<StoredNode.Waiting> elsewhere, Duration holdBack) {
    this.held = held;
    this.elsewhere = elsewhere;
    this.holdBack = holdBack;
  }

  /**
   * The shares of every template, from one pass's read of the store.
   *
   * @param rows every worker row
   * @param nodes every node's last heartbeat
   * @param self this node's id (its own requests are not "elsewhere")
   * @param now this pass's time
   * @param silentAfter how long after its last heartbeat a node counts as gone
   * @param holdBack how long a worker that just became idle is left to the node where the first request waits
   * @return the shares per template name; a template absent from the map has {@link #NONE}
   */
  static Map<String, FairSharesAcrossNodes> of(List<StoredWorker> rows, List<StoredNode> nodes, String self,
      Instant now, Duration silentAfter, Duration holdBack) {
    Map<String, Map<String, Integer>> held = new HashMap<>();
    for (StoredWorker w : rows) {
      if (w.state() == State.LEASED && w.tenant() != null) {
        held.computeIfAbsent(w.template(), k -> new HashMap<>()).merge(w.tenant(), 1, Integer::sum);
      }
    }
    Map<String, List<StoredNode.Waiting>> elsewhere = new HashMap<>();
    for (StoredNode n : nodes) {
      if (!n.node().equals(self) && now.isBefore(n.lastSeen().plus(silentAfter))) {
        n.waiting().forEach(w -> elsewhere.computeIfAbsent(w.template(), k -> new ArrayList<>()).add(w));
      }
    }
    Map<String, FairSharesAcrossNodes> out = new HashMap<>();
    held.keySet().forEach(t -> out.put(t, null));
    elsewhere.keySet().forEach(t -> out.put(t, null));
    out.replaceAll((t, none) -> new FairSharesAcrossNodes(Map.copyOf(held.getOrDefault(t, Map.of())),
        List.copyOf(elsewhere.getOrDefault(t, List.of())), holdBack));
    return Map.copyOf(out);
  }

  /** This node's waiting requests, per template, tenant and priority: what its heartbeat tells the other nodes. */
  static List<StoredNode.Waiting> waitingHere(Collection<TemplateRuntime> templates) {
    List<StoredNode.Waiting> out = new ArrayList<>();
    for (TemplateRuntime t : templates) {
      if (t.waiting() == 0) {
        continue;
      }
      Map<String, Map<Integer, Integer>> counts = new HashMap<>();
      for (Waiter w : t.waitersInOrder()) {
        counts.computeIfAbsent(w.request.tenant(), k -> new HashMap<>()).merge(w.request.priority(), 1,
            Integer::sum);
      }
      counts.forEach((tenant, byPriority) -> byPriority.forEach((priority, n) ->
          out.add(new StoredNode.Waiting(t.name(), tenant, priority, n))));
    }
    return out;
  }

  /**
   * The latest time a worker may have become idle to serve this request now: null if no request waiting elsewhere
   * ranks before it, else now minus the hold-back.
   */
  Instant idleBefore(LeaseRequest request, Instant now) {
    int mine = held.getOrDefault(request.tenant(), 0);
    for (StoredNode.Waiting w : elsewhere) {
      if (!w.tenant().equals(request.tenant()) && ranksBefore(held.getOrDefault(w.tenant(), 0), w.priority(),
          mine, request.priority())) {
        return now.minus(holdBack);
      }
    }
    return null;
  }

  /**
   * {@link FairShares}' order between two tenants' requests: a tenant that holds no worker first, then the higher
   * priority, then the tenant holding fewer workers.
   */
  private static boolean ranksBefore(int heldA, int priorityA, int heldB, int priorityB) {
    if ((heldA == 0) != (heldB == 0)) {
      return heldA == 0;
    }
    return priorityA > priorityB || priorityA == priorityB && heldA < heldB;
  }

  /** Live leases per tenant key in the store, as the pass read them. */
  Map<String, Integer> held() {
    return held;
  }

  /** Requests waiting on the other live nodes, as their last heartbeats said. */
  int waitingElsewhere() {
    int n = 0;
    for (StoredNode.Waiting w : elsewhere) {
      n += w.count();
    }
    return n;
  }
}
