package dev.warmpool.kubernetes;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated cluster: fabric8's mock API server in CRUD mode (pods are really stored, listed by label, deleted),
 * with expectations for scripted errors, and a front dispatcher that plays the rest of a cluster:
 * <ul>
 *   <li>a kubelet and scheduler: a pod created while the cluster is schedulable reads back Running and Ready with an
 *       IP; one created while it is not reads back Pending with PodScheduled=False, reason Unschedulable;</li>
 *   <li>an outage: every request answers 503 (an API server upgrade);</li>
 *   <li>scripted faults: the next N requests matching a method and path answer a status with a message and an
 *       optional retry-after;</li>
 *   <li>a lost response: the next matching request is carried out, but its caller gets 504;</li>
 *   <li>pagination: {@code limit} and {@code continue} on pod lists, which the CRUD mode itself ignores.</li>
 * </ul>
 * Loopback only. Tests read the stored pods through a back door that no fault touches.
 */
final class FakeCluster implements AutoCloseable {
  static final String NAMESPACE = "ci";
  /** Held so the level sticks: the mock server logs every request at INFO through java.util.logging. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesSerialization json = new KubernetesSerialization();
  private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
  private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
  private final KubernetesMockServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
  private final List<String> deleteBodies = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Set<String> unschedulable = ConcurrentHashMap.newKeySet();
  private final AtomicInteger ips = new AtomicInteger();
  private final Map<String, String> podIps = new ConcurrentHashMap<>();
  private volatile boolean outage;
  private volatile boolean schedulable = true;

  /** A scripted answer for the next {@code remaining} requests that match. */
  private static final class Fault {
    final String method;
    final String pathPart;
    final AtomicInteger remaining;
    final int code;
    final String reason;
    final String message;
    final Integer retryAfterSeconds;
    final boolean lose;

    Fault(String method, String pathPart, int times, int code, String reason, String message,
        Integer retryAfterSeconds, boolean lose) {
      this.method = method;
      this.pathPart = pathPart;
      this.remaining = new AtomicInteger(times);
      this.code = code;
      this.reason = reason;
      this.message = message;
      this.retryAfterSeconds = retryAfterSeconds;
      this.lose = lose;
    }

    boolean take(String m, String path) {
      if (!(method.equals("*") || method.equals(m)) || !path.contains(pathPart)) {
        return false;
      }
      return remaining.getAndUpdate(r -> Math.max(0, r - 1)) > 0;
    }
  }

  FakeCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations, new Front(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  /** @return the API server's URL, on the loopback address */
  String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** @return the mock server's expectations, for errors the CRUD mode cannot make (quota, forbidden) */
  MockServerExpectation expect() {
    return server.expect();
  }

  /** Every request answers 503 while on. */
  void outage(boolean on) {
    outage = on;
  }

  /** Whether pods created from now on can be scheduled. */
  void schedulable(boolean on) {
    schedulable = on;
  }

  /** The next {@code times} requests matching answer {@code code} with a Status. */
  void fail(String method, String pathPart, int times, int code, String reason, String message,
      Integer retryAfterSeconds) {
    faults.add(new Fault(method, pathPart, times, code, reason, message, retryAfterSeconds, false));
  }

  /** The next request matching is carried out, but its caller gets 504 Gateway Timeout. */
  void loseNextResponse(String method, String pathPart) {
    faults.add(new Fault(method, pathPart, 1, 504, "Timeout", "the server did not answer in time", null, true));
  }

  /** @return the requests received, as {@code METHOD path} */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** @return the Authorization headers received (empty string for none) */
  Set<String> authorizations() {
    return Set.copyOf(authorizations);
  }

  /** @return the bodies of the DELETE requests received (their DeleteOptions) */
  List<String> deleteBodies() {
    return List.copyOf(deleteBodies);
  }

  /** @return the requests received with a method whose path contains a part */
  List<String> requests(String method, String pathPart) {
    return requests.stream().filter(r -> r.startsWith(method + " ") && r.contains(pathPart)).toList();
  }

  /** @return the pods stored in the namespace, read through the back door */
  List<Pod> pods() {
    MockResponse r = crud.dispatch(backdoor(HttpMethod.GET, "/api/v1/namespaces/" + NAMESPACE + "/pods", ""));
    PodList list = json.unmarshal(r.getBody().readUtf8(), PodList.class);
    return list.getItems() == null ? List.of() : list.getItems();
  }

  /** Stores a pod as if someone created it, through the back door. */
  void seed(Pod pod) {
    crud.dispatch(backdoor(HttpMethod.POST, "/api/v1/namespaces/" + NAMESPACE + "/pods", json.asJson(pod)));
  }

  private static RecordedRequest backdoor(HttpMethod method, String path, String body) {
    Headers headers = Headers.builder().add("Content-Type", "application/json").build();
    return new RecordedRequest("HTTP/1.1", method, path, headers, new Buffer().writeUtf8(body));
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** The cluster in front of the CRUD store. */
  private final class Front extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      String path = request.getPath();
      requests.add(method + " " + path);
      String auth = request.getHeader("Authorization");
      authorizations.add(auth == null ? "" : auth);
      if (method.equals("DELETE")) {
        deleteBodies.add(request.getBody() == null ? "" : new String(request.getBody().getBytes(),
            StandardCharsets.UTF_8));
      }
      if (outage) {
        return status(503, "ServiceUnavailable", "the API server is shutting down for an upgrade", null);
      }
      for (Fault f : faults) {
        if (f.take(method, path)) {
          if (f.lose) {
            answer(request);
          }
          return status(f.code, f.reason, f.message, f.retryAfterSeconds);
        }
      }
      return answer(request);
    }

    private MockResponse answer(RecordedRequest request) {
      String path = request.getPath();
      boolean podsPath = path.startsWith("/api/v1/namespaces/" + NAMESPACE + "/pods");
      if (podsPath && request.getMethod().equals("POST") && !schedulable) {
        Pod p = json.unmarshal(request.getBody().readUtf8(), Pod.class);
        unschedulable.add(p.getMetadata().getName());
        request = backdoor(HttpMethod.POST, path, json.asJson(p));
      }
      MockResponse r = crud.dispatch(request);
      if (!podsPath || r.code() >= 300 || r.getBody() == null) {
        return r;
      }
      String body = r.getBody().readUtf8();
      String base = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String method = request.getMethod();
      if (method.equals("GET") && base.equals("/api/v1/namespaces/" + NAMESPACE + "/pods")) {
        PodList list = json.unmarshal(body, PodList.class);
        list.getItems().forEach(this::play);
        page(list, path);
        return r.setBody(json.asJson(list));
      }
      if (method.equals("GET") || method.equals("POST")) {
        Pod p = json.unmarshal(body, Pod.class);
        play(p);
        return r.setBody(json.asJson(p));
      }
      return r;
    }

    /** What the scheduler and kubelet would have made of the pod by now. */
    private void play(Pod p) {
      String name = p.getMetadata().getName();
      if (unschedulable.contains(name)) {
        p.setStatus(new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
            .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
            .withMessage("0/3 nodes are available: 3 Insufficient cpu.").build()).build());
      } else {
        String ip = podIps.computeIfAbsent(name, n -> "10.1.0." + ips.incrementAndGet());
        p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).withConditions(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
            new PodConditionBuilder().withType("Ready").withStatus("True").build()).build());
      }
    }

    /** Cuts a list into pages of {@code limit}, the continue token being the offset of the next page. */
    private void page(PodList list, String path) {
      Map<String, String> query = query(path);
      if (!query.containsKey("limit")) {
        return;
      }
      int limit = Integer.parseInt(query.get("limit"));
      int from = query.containsKey("continue") ? Integer.parseInt(query.get("continue")) : 0;
      List<Pod> all = new ArrayList<>(list.getItems());
      int to = Math.min(all.size(), from + limit);
      list.setItems(new ArrayList<>(all.subList(Math.min(from, all.size()), to)));
      list.setMetadata(new ListMetaBuilder().withContinue(to < all.size() ? Integer.toString(to) : null).build());
    }
  }

  private static Map<String, String> query(String path) {
    Map<String, String> q = new HashMap<>();
    int i = path.indexOf('?');
    if (i < 0) {
      return q;
    }
    for (String pair : path.substring(i + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  private MockResponse status(int code, String reason, String message, Integer retryAfterSeconds) {
    StatusBuilder b = new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
        .withMessage(message);
    if (retryAfterSeconds != null) {
      b.withNewDetails().withRetryAfterSeconds(retryAfterSeconds).endDetails();
    }
    Status s = b.build();
    MockResponse r = new MockResponse().setResponseCode(code).setBody(json.asJson(s))
        .setHeader("Content-Type", "application/json");
    if (retryAfterSeconds != null) {
      r.setHeader("Retry-After", retryAfterSeconds);
    }
    return r;
  }
}
