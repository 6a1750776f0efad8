package dev.warmpool.kubernetes;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A {@link WorkerProvider} whose workers are pods: one pod per worker, in the cluster and namespace that the
 * placement's region names, named from the pool id, worker id and region ({@link PodNames}), labelled with the pool,
 * worker and template, and carrying the pool's tags as annotations.
 *
 * <p>How a call runs: every blocking API call runs on a bounded executor this provider owns
 * ({@code maxConcurrentCalls} threads, shut down by {@link #close()}); the waits between reads of a pod that is not
 * ready yet are scheduled on the pool's {@link PoolClock}, so no thread sleeps and the request's deadline and the
 * unschedulable timeout are read from the same clock as everything else.
 *
 * <p>A provision first reads the pod by its name: a pod that an earlier, lost call created is watched until ready
 * instead of being created again, and a create answered 409 AlreadyExists leads back to the existing pod. A pod that
 * ended (Succeeded, Failed) or is being deleted is replaced once it is gone. A pod stays unschedulable (its
 * PodScheduled condition False, reason Unschedulable) longer than {@code unschedulableTimeout}: it is deleted and the
 * call fails CAPACITY with code {@code Unschedulable}, so that placement and size cool down. At the deadline the call
 * fails TRANSIENT with code {@code DeadlineExceeded}; the next provision of that worker, or the pool's reconciliation
 * through {@link #list}, finds the pod by name and labels.
 *
 * <p>Retries: the client sends every call once; the pool retries whole calls. Thread-safe. No token appears in its
 * logs or messages.
 */
final class KubernetesWorkerProvider implements WorkerProvider, WorkerHealthProbe {
  /** The logger of every backend registered as a provider: dev.warmpool.provider.<name> (see docs/logging.md). */
  private static final Logger LOG = LoggerFactory.getLogger("dev.warmpool.provider." + KubernetesProviderFactory.NAME);
  /** A create answered AlreadyExists whose pod is gone when read is tried again this many times, then given up. */
  private static final int MAX_CONFLICTS = 3;
  /** A listing whose continue token expired (410) starts over at most this many times. */
  private static final int MAX_LIST_RESTARTS = 3;

  private final String poolId;
  private final KubernetesSettings settings;
  private final PoolClock clock;
  private final Map<String, KubernetesClient> clients;
  private final ThreadPoolExecutor executor;
  /** Steps submitted to the executor and not yet finished; tests read it to know when the provider is quiet. */
  private final AtomicInteger busy = new AtomicInteger();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  KubernetesWorkerProvider(String poolId, KubernetesSettings settings, PoolClock clock,
      Map<String, KubernetesClient> clients) {
    this.poolId = poolId;
    this.settings = settings;
    this.clock = clock;
    this.clients = Map.copyOf(clients);
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(settings.maxConcurrentCalls, settings.maxConcurrentCalls, 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "warmpool-kubernetes-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Checks a template's provider properties (see {@link KubernetesProviderFactory#validateTemplate}).
   *
   * @param template the template
   * @throws InvalidConfigurationException naming the first bad property
   */
  @Override
  public void validate(WorkerTemplate template) {
    Objects.requireNonNull(template, "template cannot be null");
    PodTemplate.of(template);
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    CompletableFuture<ProvisionedWorker> result = track(new CompletableFuture<>());
    KubernetesSettings.Cluster cluster;
    Pod pod;
    try {
      cluster = cluster(request.placement().region());
      String name = PodNames.pod(request.poolId(), request.workerId(), request.placement().region());
      pod = PodTemplate.of(request.template()).pod(name, cluster.namespace(), labels(request), annotations(request));
    } catch (InvalidConfigurationException e) {
      result.completeExceptionally(ProviderException.invalid("InvalidTemplate", e.getMessage()));
      return result;
    } catch (ProviderException e) {
      result.completeExceptionally(e);
      return result;
    }
    new ProvisionOp(request, cluster, pod, result).start();
    return result;
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    CompletableFuture<Void> result = track(new CompletableFuture<>());
    try {
      PodRef ref = request.resourceId().isPresent() ? PodRef.parse(request.resourceId().get())
          : new PodRef(request.placement().region(), cluster(request.placement().region()).namespace(),
              PodNames.pod(request.poolId(), request.workerId(), request.placement().region()));
      cluster(ref.region());
      new DeprovisionOp(request, ref, result).start();
    } catch (ProviderException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    CompletableFuture<List<ProviderResource>> result = track(new CompletableFuture<>());
    List<ProviderResource> found = new ArrayList<>();
    listCluster(poolId, new ArrayList<>(settings.clusters.values()), 0, found, result);
    return result;
  }

  /** Lists one cluster per executor step, then the next: every cluster must answer, or the listing fails. */
  private void listCluster(String poolId, List<KubernetesSettings.Cluster> clusters, int index,
      List<ProviderResource> found, CompletableFuture<List<ProviderResource>> result) {
    if (index == clusters.size()) {
      result.complete(List.copyOf(found));
      return;
    }
    KubernetesSettings.Cluster c = clusters.get(index);
    ApiErrors.Call call = new ApiErrors.Call("list", "list pods labelled " + PodNames.POOL_LABEL + "="
        + PodNames.labelValue(poolId) + " in " + c.describe(), c.namespace());
    run(result, call, () -> LOG.atDebug().addKeyValue("pool", poolId).addKeyValue("placement", placement(c.region()))
        .addKeyValue("namespace", c.namespace()), () -> {
      LOG.atDebug().addKeyValue("pool", poolId).addKeyValue("placement", placement(c.region()))
          .addKeyValue("namespace", c.namespace()).log("LIST pods");
      found.addAll(listPods(poolId, c));
      listCluster(poolId, clusters, index + 1, found, result);
    });
  }

  private List<ProviderResource> listPods(String poolId, KubernetesSettings.Cluster c) {
    for (int restart = 0; ; restart++) {
      List<ProviderResource> found = new ArrayList<>();
      String token = null;
      try {
        do {
          PodList page = clients.get(c.region()).pods().inNamespace(c.namespace())
              .withLabel(PodNames.POOL_LABEL, PodNames.labelValue(poolId))
              .list(new ListOptionsBuilder().withLimit((long) settings.listPageSize).withContinue(token).build());
          for (Pod p : page.getItems()) {
            Map<String, String> tags = tags(p);
            // the label may be a hash of the pool id: the exact id is in the annotation
            if (poolId.equals(tags.get(WorkerTags.POOL))) {
              Map<String, String> attributes = PodStates.attributes(c.region(), p);
              PodStates.lifeState(p).ifPresent(s -> attributes.put("state", s));
              found.add(new ProviderResource(PodRef.of(c, p).id(), c.region(), tags, PodStates.createdAt(p),
                  attributes));
            }
          }
          token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return found;
      } catch (KubernetesClientException e) {
        // the continue token expired between pages: start over, the API server cannot resume
        if (e.getCode() != 410 || token == null || restart >= MAX_LIST_RESTARTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Tells whether a listed pod can serve leases: it exists, is Running and Ready, and is not being deleted. One GET;
   * never throws (a failed read counts as unhealthy).
   *
   * @param resource a resource as {@link #list} reported it
   * @return true if the worker can serve leases
   */
  @Override
  public CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    PodRef ref;
    try {
      ref = PodRef.parse(resource.resourceId());
      cluster(ref.region());
    } catch (ProviderException e) {
      result.complete(false);
      return result;
    }
    CompletableFuture<Boolean> probe = track(new CompletableFuture<>());
    ApiErrors.Call call = new ApiErrors.Call("get", "read pod " + ref.id(), ref.namespace());
    run(probe, call, () -> LOG.atDebug().addKeyValue("placement", placement(ref.region()))
        .addKeyValue("namespace", ref.namespace()).addKeyValue("resource", ref.name()), () -> {
      Pod p = get(ref);
      probe.complete(p != null && PodStates.ready(p));
    });
    probe.whenComplete((healthy, failure) -> result.complete(failure == null && Boolean.TRUE.equals(healthy)));
    return result;
  }

  /** Stops the executor and closes the API clients; calls still running fail TRANSIENT with {@code ProviderClosed}. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(closedFailure());
    }
    clients.values().forEach(KubernetesClient::close);
  }

  /** {@return steps running or queued on the executor (tests wait for zero before they move a virtual clock)} */
  int busySteps() {
    return busy.get();
  }

  private KubernetesSettings.Cluster cluster(String region) {
    return settings.cluster(region).orElseThrow(() -> ProviderException.invalid("RegionNotConfigured",
        "region " + region + " has no cluster: add the setting "
            + settings.option(KubernetesSettings.CLUSTER_PREFIX + region + ".url") + " or "
            + settings.option(KubernetesSettings.CLUSTER_PREFIX + region + ".context") + "; configured regions: "
            + settings.clusters.keySet()));
  }

  private Pod get(PodRef ref) {
    return clients.get(ref.region()).pods().inNamespace(ref.namespace()).withName(ref.name()).get();
  }

  private void delete(PodRef ref, Duration grace) {
    clients.get(ref.region()).pods().inNamespace(ref.namespace()).withName(ref.name())
        .withGracePeriod(grace.toSeconds()).delete();
  }

  private static Map<String, String> labels(ProvisionRequest r) {
    Map<String, String> l = new TreeMap<>();
    l.put(PodNames.POOL_LABEL, PodNames.labelValue(r.poolId()));
    l.put(PodNames.WORKER_LABEL, PodNames.labelValue(r.workerId()));
    l.put(PodNames.TEMPLATE_LABEL, PodNames.labelValue(r.template().name()));
    return l;
  }

  private static Map<String, String> annotations(ProvisionRequest r) {
    Map<String, String> a = new TreeMap<>();
    r.tags().forEach((k, v) -> {
      if (!PodNames.KEY_NAME.matcher(k).matches()) {
        throw ProviderException.invalid("InvalidTag", "the tag \"" + k + "\" cannot be an annotation name (1 to 63 "
            + "letters, digits, '-', '_' or '.')");
      }
      a.put(PodNames.TAG_ANNOTATION_PREFIX + k, v);
    });
    a.putIfAbsent(PodNames.TAG_ANNOTATION_PREFIX + WorkerTags.POOL, r.poolId());
    a.putIfAbsent(PodNames.TAG_ANNOTATION_PREFIX + WorkerTags.WORKER, r.workerId());
    return a;
  }

  private static Map<String, String> tags(Pod p) {
    Map<String, String> tags = new TreeMap<>();
    Map<String, String> annotations = p.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.forEach((k, v) -> {
        if (k.startsWith(PodNames.TAG_ANNOTATION_PREFIX)) {
          tags.put(k.substring(PodNames.TAG_ANNOTATION_PREFIX.length()), v);
        }
      });
    }
    return tags;
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    if (closed) {
      f.completeExceptionally(closedFailure());
      return f;
    }
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    return f;
  }

  private static ProviderException closedFailure() {
    return ProviderException.transientFailure("ProviderClosed", "the Kubernetes provider was closed");
  }

  /** Runs one blocking step on the executor; a failure completes the future, classified. */
  private void run(CompletableFuture<?> result, ApiErrors.Call call, Supplier<LoggingEventBuilder> log, Runnable step) {
    if (result.isDone()) {
      return;
    }
    busy.incrementAndGet();
    try {
      executor.execute(() -> {
        try {
          if (!result.isDone()) {
            step.run();
          }
        } catch (RuntimeException | Error e) {
          ProviderException p = ApiErrors.classify(e, call);
          log.get().log("failed: {}", p);
          result.completeExceptionally(p);
        } finally {
          busy.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      busy.decrementAndGet();
      result.completeExceptionally(closedFailure());
    }
  }

  /**
   * Waits on the pool's clock, then runs a step, unless the deadline comes first: then {@code atDeadline} says how
   * the call fails, and nothing more is read.
   */
  private void after(Duration delay, Instant deadline, CompletableFuture<?> result, ApiErrors.Call call,
      Supplier<LoggingEventBuilder> log, Supplier<ProviderException> atDeadline, Runnable step) {
    Duration untilDeadline = Duration.between(clock.now(), deadline);
    Duration wait = delay.compareTo(untilDeadline) < 0 ? delay : untilDeadline;
    clock.schedule(wait.isNegative() ? Duration.ZERO : wait, () -> {
      if (result.isDone()) {
        return;
      }
      if (!clock.now().isBefore(deadline)) {
        result.completeExceptionally(atDeadline.get());
        return;
      }
      run(result, call, log, step);
    });
  }

  /** Where a pod is: region (cluster), namespace, name. Its id is {@code <region>/<namespace>/<name>}. */
  record PodRef(String region, String namespace, String name) {
    static PodRef of(KubernetesSettings.Cluster c, Pod p) {
      return new PodRef(c.region(), c.namespace(), p.getMetadata().getName());
    }

    static PodRef parse(String id) {
      String[] parts = id.split("/", -1);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw ProviderException.invalid("InvalidResourceId", "\"" + id + "\" is not a pod id of this provider "
            + "(<region>/<namespace>/<pod>)");
      }
      return new PodRef(parts[0], parts[1], parts[2]);
    }

    String id() {
      return region + "/" + namespace + "/" + name;
    }
  }

  /** A placement's key as the pool writes it: provider, slash, region. */
  private static String placement(String region) {
    return KubernetesProviderFactory.NAME + "/" + region;
  }

  /**
   * One provision: read by name, then adopt, wait out, replace or create; then read again on the pool's clock until
   * the pod is ready, unschedulable too long, or the deadline.
   */
  private final class ProvisionOp {
    private final ProvisionRequest request;
    private final KubernetesSettings.Cluster cluster;
    private final Pod desired;
    private final PodRef ref;
    private final CompletableFuture<ProvisionedWorker> result;
    private final ApiErrors.Call createCall;
    private final ApiErrors.Call readCall;
    private int conflicts;
    /** When this call first saw the pod unschedulable (pool clock), or null while it is not. */
    private volatile Instant unschedulableSince;
    private volatile String lastUnschedulable;

    ProvisionOp(ProvisionRequest request, KubernetesSettings.Cluster cluster, Pod desired,
        CompletableFuture<ProvisionedWorker> result) {
      this.request = request;
      this.cluster = cluster;
      this.desired = desired;
      this.ref = new PodRef(cluster.region(), cluster.namespace(), desired.getMetadata().getName());
      this.result = result;
      String what = "pod " + ref.name() + " in " + cluster.describe() + " (worker " + request.workerId() + ")";
      this.createCall = new ApiErrors.Call("create", "create " + what, cluster.namespace());
      this.readCall = new ApiErrors.Call("get", "read " + what, cluster.namespace());
    }

    void start() {
      if (!clock.now().isBefore(request.deadline())) {
        result.completeExceptionally(new ProviderException(FailureKind.TRANSIENT, "DeadlineExceeded",
            createCall.what() + ": the deadline " + request.deadline() + " had passed before the call started", null,
            null));
        return;
      }
      run(result, readCall, this::debug, this::lookup);
    }

    /** The first read: what an earlier call for this worker left decides what comes next. */
    private void lookup() {
      Pod found = get(ref);
      if (found == null) {
        create();
        return;
      }
      String owner = tags(found).get(WorkerTags.POOL);
      if (owner != null && !owner.equals(request.poolId())) {
        throw ProviderException.invalid("NameTaken", createCall.what() + ": a pod with this name belongs to pool "
            + owner);
      }
      if (PodStates.deleting(found)) {
        wait(this::lookup); // a delete is under way: create again once the pod is gone
      } else if (PodStates.finished(found)) {
        debug().log("replacing ended pod");
        delete(ref, Duration.ZERO);
        wait(this::lookup);
      } else {
        examine(found);
      }
    }

    private void create() {
      debug().log("POST pod");
      Pod created;
      try {
        created = clients.get(ref.region()).pods().inNamespace(ref.namespace()).resource(desired).create();
      } catch (KubernetesClientException e) {
        if (!ApiErrors.alreadyExists(e)) {
          throw ApiErrors.classify(e, createCall);
        }
        // an earlier call (or one whose answer was lost) made it: find it by name, never make a second
        if (++conflicts > MAX_CONFLICTS) {
          throw ApiErrors.classify(e, createCall);
        }
        lookup();
        return;
      }
      examine(created);
    }

    /** One look at the pod: ready, hopeless, unschedulable too long, ended, or wait and read again. */
    private void examine(Pod pod) {
      if (PodStates.ready(pod)) {
        result.complete(new ProvisionedWorker(ref.id(), PodStates.attributes(cluster.region(), pod)));
        return;
      }
      Optional<String> hopeless = PodStates.hopeless(pod);
      if (hopeless.isPresent()) {
        deleteQuietly();
        throw ProviderException.invalid("InvalidImage", createCall.what() + ": " + hopeless.get());
      }
      if (PodStates.finished(pod)) {
        deleteQuietly();
        throw ProviderException.transientFailure("PodEnded", createCall.what() + ": the pod ended (phase "
            + PodStates.phase(pod) + ") before it was ready");
      }
      Optional<String> unschedulable = PodStates.unschedulable(pod);
      if (unschedulable.isPresent()) {
        Instant now = clock.now();
        if (unschedulableSince == null) {
          unschedulableSince = now;
        }
        lastUnschedulable = unschedulable.get();
        if (!now.isBefore(unschedulableSince.plus(settings.unschedulableTimeout))) {
          deleteQuietly();
          throw unschedulableFailure();
        }
      } else {
        unschedulableSince = null;
      }
      wait(this::watch);
    }

    private void watch() {
      Pod pod = get(ref);
      if (pod == null) {
        debug().log("pod vanished before it was ready; creating it");
        create();
      } else if (PodStates.deleting(pod)) {
        wait(this::lookup);
      } else {
        examine(pod);
      }
    }

    private void wait(Runnable step) {
      after(settings.pollInterval, request.deadline(), result, readCall, this::debug, this::deadlineFailure, step);
    }

    /** A DEBUG line with this call's context as key-values. */
    private LoggingEventBuilder debug() {
      return LOG.atDebug().addKeyValue("pool", request.poolId()).addKeyValue("template", request.template().name())
          .addKeyValue("placement", request.placement().key()).addKeyValue("worker", request.workerId())
          .addKeyValue("namespace", ref.namespace()).addKeyValue("resource", ref.name());
    }

    private ProviderException deadlineFailure() {
      if (unschedulableSince != null) {
        return unschedulableFailure();
      }
      return new ProviderException(FailureKind.TRANSIENT, "DeadlineExceeded", createCall.what()
          + ": not ready by the deadline " + request.deadline() + "; stopped reading. The pod may still become "
          + "ready: a repeated call for the same worker or the pool's reconciliation finds it by name and labels",
          null, null);
    }

    private ProviderException unschedulableFailure() {
      return ProviderException.capacity("Unschedulable", createCall.what() + ": unschedulable since "
          + unschedulableSince + " (FailedScheduling: " + lastUnschedulable + "); the pod was deleted");
    }

    /** Frees what a pod that will never serve holds (quota, a place in the scheduler's queue); the pool deletes too. */
    private void deleteQuietly() {
      try {
        delete(ref, Duration.ZERO);
      } catch (KubernetesClientException e) {
        debug().log("could not delete the unschedulable pod: HTTP {}", e.getCode());
      }
    }
  }

  /** One delete: DELETE by name with the grace period, then read until the pod is gone or the deadline. */
  private final class DeprovisionOp {
    private final DeprovisionRequest request;
    private final PodRef ref;
    private final Instant deadline;
    private final CompletableFuture<Void> result;
    private final ApiErrors.Call deleteCall;
    private final ApiErrors.Call readCall;

    DeprovisionOp(DeprovisionRequest request, PodRef ref, CompletableFuture<Void> result) {
      this.request = request;
      this.ref = ref;
      this.deadline = request.deadline();
      this.result = result;
      this.deleteCall = new ApiErrors.Call("delete", "delete pod " + ref.id(), ref.namespace());
      this.readCall = new ApiErrors.Call("get", "read pod " + ref.id() + " being deleted", ref.namespace());
    }

    void start() {
      run(result, deleteCall, this::debug, () -> {
        debug().log("DELETE pod");
        try {
          delete(ref, settings.deleteGracePeriod);
        } catch (KubernetesClientException e) {
          if (!ApiErrors.notFound(e)) {
            throw e;
          }
        }
        check();
      });
    }

    private void check() {
      if (get(ref) == null) {
        result.complete(null);
        return;
      }
      after(settings.pollInterval, deadline, result, readCall, this::debug, () -> new ProviderException(FailureKind.TRANSIENT,
          "DeadlineExceeded", deleteCall.what() + ": still terminating at the deadline " + deadline, null, null),
          this::check);
    }

    /** A DEBUG line with this call's context as key-values. */
    private LoggingEventBuilder debug() {
      return LOG.atDebug().addKeyValue("pool", request.poolId()).addKeyValue("placement", request.placement().key())
          .addKeyValue("worker", request.workerId()).addKeyValue("namespace", ref.namespace())
          .addKeyValue("resource", ref.name());
    }
  }
}
