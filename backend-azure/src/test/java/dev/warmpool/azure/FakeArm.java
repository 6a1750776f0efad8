package dev.warmpool.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Azure Resource Manager on 127.0.0.1 (WireMock, https with WireMock's self-signed certificate), stateful: a
 * PUT creates a resource and answers 201 with {@code Azure-AsyncOperation}, polls of the operation answer InProgress a
 * set number of times and then Succeeded (or Failed, or never finish), a GET returns the resource or 404
 * {@code ResourceNotFound}, a DELETE answers 202 with {@code Location} and removes the resource (and, for a VM, its
 * NIC, OS disk and public IP when their {@code deleteOption} is Delete) once its operation is polled to the end, and
 * {@code GET .../resourceGroups/{rg}/resources} lists the group's resources with tags and creation time.
 *
 * <p>Faults are scripted: {@link #fail} answers matching requests with an ARM error a number of times (or
 * {@link #outage} for every request while it is on), {@link #loseNextResponse} applies a request and then resets the
 * connection, {@link #createOutcome} makes create operations fail or never finish.
 *
 * <p>Reusable by pool-level tests: it knows nothing of the provider. Thread-safe (one monitor).
 */
final class FakeArm implements AutoCloseable {
  static final String SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RESOURCE = Pattern.compile(
      "/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/([^/]+/[^/]+)/([^/?]+)");
  private static final Pattern LIST = Pattern.compile("/subscriptions/([^/]+)/resourcegroups/([^/]+)/resources");
  private static final Pattern OPERATION = Pattern.compile(
      "/subscriptions/[^/]+/providers/[^/]+/locations/[^/]+/(operations|operationresults)/([^/?]+)");

  /** How create operations end. */
  enum Outcome { SUCCEED, FAIL, NEVER }

  /** One resource in the fake cloud. */
  static final class Resource {
    final String id;
    final String name;
    final String type;
    final String resourceGroup;
    final String location;
    final ObjectNode body;
    final Instant createdTime;
    /** For a VM's NIC, disk and public IP: the VM it was made with and whether it goes with it. */
    String ownerId;
    boolean deleteWithOwner;

    Resource(String id, String name, String type, String resourceGroup, String location, ObjectNode body,
        Instant createdTime) {
      this.id = id;
      this.name = name;
      this.type = type;
      this.resourceGroup = resourceGroup;
      this.location = location;
      this.body = body;
      this.createdTime = createdTime;
    }

    Map<String, String> tags() {
      Map<String, String> t = new LinkedHashMap<>();
      JsonNode tags = body.path("tags");
      tags.fieldNames().forEachRemaining(k -> t.put(k, tags.get(k).asText()));
      return t;
    }

    String provisioningState() {
      return body.path("properties").path("provisioningState").asText("");
    }

    void setState(String state) {
      body.withObjectProperty("properties").put("provisioningState", state);
    }
  }

  private record Operation(String resourceKey, boolean delete, Outcome outcome, String code, String message,
      AtomicInteger pollsLeft, java.util.concurrent.atomic.AtomicBoolean finished) {
    Operation(String resourceKey, boolean delete, Outcome outcome, String code, String message, int polls) {
      this(resourceKey, delete, outcome, code, message, new AtomicInteger(polls),
          new java.util.concurrent.atomic.AtomicBoolean());
    }
  }

  private record Rule(Predicate<Request> matches, int status, String code, String message, Map<String, String> headers,
      AtomicInteger remaining, boolean applyThenReset) {}

  private final WireMockServer server;
  private final Map<String, Resource> resources = new LinkedHashMap<>();
  private final Map<String, Operation> operations = new HashMap<>();
  private final Deque<Rule> rules = new ArrayDeque<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger ips = new AtomicInteger(3);
  private boolean outage;
  private int pollsBeforeDone = 1;
  private Outcome nextOutcome = Outcome.SUCCEED;
  private String outcomeCode = "";
  private String outcomeMessage = "";
  private int remainingWrites = 1199;
  private int remainingDeletes = 14999;
  private java.util.function.Supplier<Instant> now = Instant::now;

  FakeArm() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
        .extensions(new Handler()).containerThreads(16).jettyAcceptors(1));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
  }

  /** @return the Resource Manager endpoint, {@code https://127.0.0.1:<port>/} */
  String endpoint() {
    return "https://127.0.0.1:" + server.httpsPort() + "/";
  }

  /**
   * Where resources' {@code createdTime} comes from: the wall clock by default; a pool-level test passes its virtual
   * clock's {@code now}, so ages that the pool computes against its own clock make sense.
   */
  synchronized FakeArm timeSource(java.util.function.Supplier<Instant> source) {
    this.now = source;
    return this;
  }

  /** How many InProgress answers an operation gives before it ends (default 1). */
  synchronized FakeArm pollsBeforeDone(int polls) {
    this.pollsBeforeDone = polls;
    return this;
  }

  /** How the following create operations end: SUCCEED (default), FAIL with an error code, or NEVER. */
  synchronized FakeArm createOutcome(Outcome outcome, String code, String message) {
    this.nextOutcome = outcome;
    this.outcomeCode = code;
    this.outcomeMessage = message;
    return this;
  }

  /**
   * Answers the next {@code times} requests that match with an ARM error.
   *
   * @param method HTTP method, or "*" for any
   * @param pathPart a part of the path (case-insensitive), or "" for any
   */
  synchronized FakeArm fail(String method, String pathPart, int times, int status, String code, String message,
      Map<String, String> headers) {
    rules.add(new Rule(matcher(method, pathPart), status, code, message, headers, new AtomicInteger(times), false));
    return this;
  }

  /** Applies the next matching request, then resets the connection instead of answering: a lost response. */
  synchronized FakeArm loseNextResponse(String method, String pathPart) {
    rules.add(new Rule(matcher(method, pathPart), 0, "", "", Map.of(), new AtomicInteger(1), true));
    return this;
  }

  /** While on, every request gets 503 ServiceUnavailable, as during the outage ARM had. */
  synchronized FakeArm outage(boolean on) {
    this.outage = on;
    return this;
  }

  /** Sets the write budget the next responses report in x-ms-ratelimit-remaining-subscription-writes. */
  synchronized FakeArm remainingWrites(int writes) {
    this.remainingWrites = writes;
    return this;
  }

  /** @return every resource in a resource group (workers and what they were made with) */
  synchronized List<Resource> resourcesIn(String resourceGroup) {
    return resources.values().stream().filter(r -> r.resourceGroup.equalsIgnoreCase(resourceGroup)).toList();
  }

  /** @return the resource with a name, if it exists */
  synchronized Optional<Resource> resource(String name) {
    return resources.values().stream().filter(r -> r.name.equalsIgnoreCase(name)).findFirst();
  }

  /** Puts a resource in the fake cloud directly, as if someone else had created it. */
  synchronized Resource seed(String resourceGroup, String type, String name, String location, Map<String, String> tags,
      String state) {
    String id = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + resourceGroup + "/providers/" + type + "/"
        + name;
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id).put("name", name).put("type", type).put("location", location);
    tags.forEach(body.putObject("tags")::put);
    body.putObject("properties").put("provisioningState", state);
    Resource r = new Resource(id, name, type, resourceGroup, location, body, now.get());
    resources.put(id.toLowerCase(Locale.ROOT), r);
    return r;
  }

  /** @return the requests received, optionally only those with a method and a path part */
  List<LoggedRequest> requests(String method, String pathPart) {
    Predicate<Request> m = matcher(method, pathPart);
    return server.getAllServeEvents().stream().map(ServeEvent::getRequest).filter(m::test)
        .sorted((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate())).toList();
  }

  /** @return the JSON body of a request */
  static JsonNode body(LoggedRequest request) {
    try {
      return JSON.readTree(request.getBodyAsString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return a JSON file from src/test/resources/arm */
  static JsonNode example(String file) {
    try (InputStream in = FakeArm.class.getResourceAsStream("/arm/" + file)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }

  private static Predicate<Request> matcher(String method, String pathPart) {
    String part = pathPart.toLowerCase(Locale.ROOT);
    return r -> (method.equals("*") || r.getMethod().getName().equalsIgnoreCase(method))
        && r.getUrl().toLowerCase(Locale.ROOT).contains(part);
  }

  private final class Handler implements ResponseDefinitionTransformerV2 {
    @Override
    public String getName() {
      return "fake-arm";
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      synchronized (FakeArm.this) {
        return handle(event.getRequest()).build();
      }
    }
  }

  private ResponseDefinitionBuilder handle(Request request) {
    if (outage) {
      return error(503, "ServiceUnavailable", "The service is temporarily unavailable.", Map.of());
    }
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      if (rule.matches.test(request)) {
        if (rule.remaining.decrementAndGet() <= 0) {
          it.remove();
        }
        if (rule.applyThenReset) {
          route(request);
          return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER);
        }
        return error(rule.status, rule.code, rule.message, rule.headers);
      }
    }
    return route(request);
  }

  private ResponseDefinitionBuilder route(Request request) {
    String url = request.getUrl();
    String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    String lower = path.toLowerCase(Locale.ROOT);
    String method = request.getMethod().getName();
    Matcher op = OPERATION.matcher(lower);
    if (op.matches() && method.equals("GET")) {
      return poll(op.group(2));
    }
    Matcher list = LIST.matcher(lower);
    if (list.matches() && method.equals("GET")) {
      return list(list.group(2), query(url, "$filter"));
    }
    Matcher res = RESOURCE.matcher(lower);
    if (!res.matches()) {
      return error(404, "InvalidResourceType", "no such route in the fake ARM server: " + path, Map.of());
    }
    String key = lower;
    String[] original = path.split("/");
    String rg = original[4];
    String type = original[6] + "/" + original[7];
    String name = original[8];
    switch (method) {
      case "PUT":
        return put(key, rg, type, name, request);
      case "GET":
        Resource r = resources.get(key);
        if (r == null) {
          return notFound(type, name, rg);
        }
        // ARM goes on creating whether or not anyone polls the operation: a read moves it on as a poll would
        operations.entrySet().stream().filter(e -> e.getValue().resourceKey.equals(key) && !e.getValue().delete
            && !e.getValue().finished.get())
            .map(Map.Entry::getKey).toList().forEach(this::poll);
        return json(200, r.body);
      case "DELETE":
        return delete(key, type, name, rg);
      default:
        return error(405, "MethodNotAllowed", method + " is not supported here", Map.of());
    }
  }

  private ResponseDefinitionBuilder put(String key, String rg, String type, String name, Request request) {
    ObjectNode sent;
    try {
      sent = (ObjectNode) JSON.readTree(request.getBodyAsString());
    } catch (IOException | ClassCastException e) {
      return error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.",
          Map.of());
    }
    Resource existing = resources.get(key);
    if (existing != null && !existing.provisioningState().equals("Failed")) {
      // an idempotent repeat: ARM answers with the resource as it is
      return json(200, existing.body).withHeader(ThrottleBudget.WRITES, Integer.toString(--remainingWrites));
    }
    String id = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + rg + "/providers/" + type + "/" + name;
    String location = sent.path("location").asText("westeurope");
    ObjectNode body = sent.deepCopy();
    body.put("id", id).put("name", name).put("type", type);
    if (!body.has("tags")) {
      body.putObject("tags");
    }
    Resource r = new Resource(id, name, type, rg, location, body, now.get());
    r.setState(type.equalsIgnoreCase("Microsoft.ContainerInstance/containerGroups") ? "Pending" : "Creating");
    resources.put(key, r);
    if (type.equalsIgnoreCase("Microsoft.Compute/virtualMachines")) {
      createVmParts(r, sent);
    }
    String opId = "op-" + ids.incrementAndGet();
    operations.put(opId, new Operation(key, false, nextOutcome, outcomeCode, outcomeMessage, pollsBeforeDone));
    String namespace = type.substring(0, type.indexOf('/'));
    return json(201, body)
        .withHeader("Azure-AsyncOperation", endpoint() + "subscriptions/" + SUBSCRIPTION + "/providers/" + namespace
            + "/locations/" + location + "/operations/" + opId + "?api-version=2023-05-01")
        .withHeader("Retry-After", "1")
        .withHeader(ThrottleBudget.WRITES, Integer.toString(--remainingWrites));
  }

  /** The NIC, OS disk and public IP that ARM makes from a VM's inline network and storage profiles. */
  private void createVmParts(Resource vm, ObjectNode sent) {
    JsonNode props = sent.path("properties");
    ArrayNode refs = vm.body.withObjectProperty("properties").withObjectProperty("networkProfile")
        .putArray("networkInterfaces");
    for (JsonNode nic : props.path("networkProfile").path("networkInterfaceConfigurations")) {
      String nicName = nic.path("name").asText();
      ObjectNode nicBody = (ObjectNode) example("nic-resource.json");
      Resource n = part(vm, "Microsoft.Network/networkInterfaces", nicName, nicBody, nic.path("tags"),
          nic.path("properties").path("deleteOption").asText("Detach"));
      refs.addObject().put("id", n.id).putObject("properties")
          .put("deleteOption", nic.path("properties").path("deleteOption").asText("Detach"));
      ObjectNode ipConfig = (ObjectNode) nicBody.path("properties").path("ipConfigurations").get(0);
      ipConfig.put("id", n.id + "/ipConfigurations/ipconfig1");
      ((ObjectNode) ipConfig.path("properties")).put("privateIPAddress", "10.0.0." + ips.incrementAndGet());
      for (JsonNode ipc : nic.path("properties").path("ipConfigurations")) {
        JsonNode pip = ipc.path("properties").path("publicIPAddressConfiguration");
        if (!pip.isMissingNode()) {
          ObjectNode pipBody = (ObjectNode) example("public-ip-resource.json");
          ((ObjectNode) pipBody.path("properties")).put("ipAddress", "20.50.0." + ips.incrementAndGet());
          Resource p = part(vm, "Microsoft.Network/publicIPAddresses", pip.path("name").asText(), pipBody,
              pip.path("tags"), pip.path("properties").path("deleteOption").asText("Detach"));
          ((ObjectNode) ipConfig.path("properties")).putObject("publicIPAddress").put("id", p.id);
        }
      }
    }
    JsonNode osDisk = props.path("storageProfile").path("osDisk");
    if (!osDisk.isMissingNode()) {
      ObjectNode disk = JSON.createObjectNode();
      disk.putObject("properties").put("provisioningState", "Succeeded");
      part(vm, "Microsoft.Compute/disks", osDisk.path("name").asText(vm.name + "_OsDisk"), disk,
          JSON.createObjectNode(), osDisk.path("deleteOption").asText("Detach"));
    }
  }

  private Resource part(Resource vm, String type, String name, ObjectNode body, JsonNode tags, String deleteOption) {
    String id = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + vm.resourceGroup + "/providers/" + type + "/"
        + name;
    body.put("id", id).put("name", name).put("type", type).put("location", vm.location);
    body.set("tags", tags.isObject() ? tags.deepCopy() : JSON.createObjectNode());
    Resource r = new Resource(id, name, type, vm.resourceGroup, vm.location, body, now.get());
    r.ownerId = vm.id;
    r.deleteWithOwner = deleteOption.equalsIgnoreCase("Delete");
    resources.put(id.toLowerCase(Locale.ROOT), r);
    return r;
  }

  private ResponseDefinitionBuilder delete(String key, String type, String name, String rg) {
    Resource r = resources.get(key);
    if (r == null) {
      // ACI answers a delete of a missing group with 404; other providers with 204
      return type.equalsIgnoreCase("Microsoft.ContainerInstance/containerGroups") ? notFound(type, name, rg)
          : ResponseDefinitionBuilder.responseDefinition().withStatus(204);
    }
    r.setState("Deleting");
    String opId = "op-" + ids.incrementAndGet();
    operations.put(opId, new Operation(key, true, Outcome.SUCCEED, "", "", pollsBeforeDone));
    String namespace = type.substring(0, type.indexOf('/'));
    return ResponseDefinitionBuilder.responseDefinition().withStatus(202)
        .withHeader("Location", endpoint() + "subscriptions/" + SUBSCRIPTION + "/providers/" + namespace
            + "/locations/" + r.location + "/operationResults/" + opId + "?api-version=2023-05-01")
        .withHeader("Retry-After", "1")
        .withHeader(ThrottleBudget.DELETES, Integer.toString(--remainingDeletes));
  }

  private ResponseDefinitionBuilder poll(String opId) {
    Operation op = operations.get(opId);
    if (op == null) {
      return error(404, "OperationNotFound", "operation " + opId + " not found", Map.of());
    }
    Resource r = resources.get(op.resourceKey);
    boolean running = op.outcome == Outcome.NEVER || op.pollsLeft.getAndDecrement() > 0;
    if (op.delete) {
      if (running) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(202)
            .withHeader("Location", endpoint() + "subscriptions/" + SUBSCRIPTION + "/providers/x/locations/"
                + (r == null ? "westeurope" : r.location) + "/operationResults/" + opId + "?api-version=2023-05-01")
            .withHeader("Retry-After", "1");
      }
      if (r != null) {
        resources.remove(op.resourceKey);
        resources.values().removeIf(p -> r.id.equals(p.ownerId) && p.deleteWithOwner);
      }
      return ResponseDefinitionBuilder.responseDefinition().withStatus(204);
    }
    if (running) {
      return json(200, operation("async-operation-in-progress.json", opId, "", "")).withHeader("Retry-After", "1");
    }
    boolean firstEnd = op.finished.compareAndSet(false, true);
    if (op.outcome == Outcome.FAIL) {
      if (r != null && firstEnd) {
        r.setState("Failed");
      }
      return json(200, operation("async-operation-failed.json", opId, op.code, op.message));
    }
    if (r != null && firstEnd) {
      succeed(r);
    }
    return json(200, operation("async-operation-succeeded.json", opId, "", ""));
  }

  private void succeed(Resource r) {
    r.setState("Succeeded");
    if (r.type.equalsIgnoreCase("Microsoft.ContainerInstance/containerGroups")) {
      ObjectNode props = r.body.withObjectProperty("properties");
      props.putObject("instanceView").put("state", "Running");
      JsonNode ip = props.path("ipAddress");
      if (ip.isObject()) {
        ((ObjectNode) ip).put("ip", "20.61.0." + ips.incrementAndGet());
        if (ip.has("dnsNameLabel")) {
          ((ObjectNode) ip).put("fqdn", ip.path("dnsNameLabel").asText() + "." + r.location + ".azurecontainer.io");
        }
      }
    }
  }

  private ResponseDefinitionBuilder list(String rg, String filter) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode value = out.putArray("value");
    String typeFilter = null;
    boolean tagFilter = false;
    if (filter != null) {
      Matcher m = Pattern.compile("resourceType eq '([^']+)'", Pattern.CASE_INSENSITIVE).matcher(filter);
      typeFilter = m.find() ? m.group(1) : null;
      tagFilter = filter.toLowerCase(Locale.ROOT).contains("tagname");
    }
    for (Resource r : resources.values()) {
      if (!r.resourceGroup.equalsIgnoreCase(rg) || (typeFilter != null && !r.type.equalsIgnoreCase(typeFilter))) {
        continue;
      }
      ObjectNode item = (ObjectNode) example("resources-list.json").path("value").get(0);
      item.put("id", r.id).put("name", r.name).put("type", r.type).put("location", r.location)
          .put("createdTime", r.createdTime.toString()).put("changedTime", r.createdTime.toString())
          .put("provisioningState", r.provisioningState());
      if (tagFilter) {
        // ARM leaves tags out of lists filtered by tag (AZURE-NOTES.md)
        item.remove("tags");
      } else {
        item.set("tags", r.body.path("tags").deepCopy());
      }
      value.add(item);
    }
    return json(200, out);
  }

  private static JsonNode operation(String file, String opId, String code, String message) {
    String text = example(file).toString().replace("{operationId}", opId).replace("{operationName}", opId)
        .replace("{code}", code).replace("{message}", message.replace("\"", "'"));
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ResponseDefinitionBuilder notFound(String type, String name, String rg) {
    return error(404, "ResourceNotFound", "The Resource '" + type + "/" + name + "' under resource group '" + rg
        + "' was not found.", Map.of());
  }

  private ResponseDefinitionBuilder error(int status, String code, String message, Map<String, String> headers) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    ResponseDefinitionBuilder b = json(status, body).withHeader("x-ms-failure-cause", "gateway");
    headers.forEach(b::withHeader);
    return b;
  }

  private ResponseDefinitionBuilder json(int status, JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withHeader("x-ms-request-id", "req-" + ids.incrementAndGet())
        .withHeader(ThrottleBudget.READS, "11999")
        .withBody(body.toString());
  }

  private static String query(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** @return names of the resources of all groups, for messages */
  synchronized List<String> names() {
    List<String> n = new ArrayList<>();
    resources.values().forEach(r -> n.add(r.type + "/" + r.name));
    return n;
  }
}
