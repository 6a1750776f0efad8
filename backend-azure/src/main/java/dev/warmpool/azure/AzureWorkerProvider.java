package dev.warmpool.azure;

import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.resources.fluent.ResourcesClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceExpandedInner;
import dev.warmpool.api.FailureKind;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.SafeText;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerHealthProbe;
import dev.warmpool.spi.WorkerProvider;
import dev.warmpool.spi.WorkerTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
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
 * A {@link WorkerProvider} on Azure Resource Manager: each worker is one virtual machine or one container group,
 * named from its pool, worker id and region, and tagged with {@link WorkerTags}. Created by
 * {@link AzureProviderFactory}; read docs/azure.md for settings and role assignments.
 *
 * <p>How a call runs: every blocking SDK call runs on a bounded executor this provider owns ({@code
 * maxConcurrentCalls} threads, shut down by {@link #close()}); the waits between polls of a long-running operation
 * are scheduled on the pool's {@link PoolClock}, so no thread sleeps and the request's deadline is read from the same
 * clock as everything else. A provision first reads the resource by its name: one that an earlier, lost call made is
 * adopted (or watched until it is ready) instead of being created again. At the deadline polling stops and the call
 * fails TRANSIENT with code {@code DeadlineExceeded}; ARM may still finish the resource, and the next provision of
 * that worker, or the pool's reconciliation through {@link #list}, finds it by name and tags.
 *
 * <p>Retries: reads (GETs and polls) are retried inside the HTTP pipeline a bounded number of times; PUT and DELETE
 * are sent once per call, and the pool retries whole calls. Throttling: {@link #remainingWrites()},
 * {@link #remainingDeletes()} and {@link #remainingReads()} give ARM's remaining request budget as the last response
 * reported it.
 *
 * <p>Logs: at DEBUG, through the SLF4J logger {@code dev.warmpool.provider.azure}, each PUT and DELETE sent, each
 * resource adopted and each failed call, with the keys {@code pool}, {@code template}, {@code placement},
 * {@code worker}, {@code resource} and {@code resourceGroup} (see docs/logging.md).
 *
 * <p>Thread-safe. No secret (token, SSH key, custom data, secure environment value) appears in its logs or exception
 * messages.
 *
 * @since 0.1
 */
public final class AzureWorkerProvider implements WorkerProvider, WorkerHealthProbe {
  /** The logger users configure for this backend: {@code dev.warmpool.provider.<name>}. */
  private static final Logger LOG = LoggerFactory.getLogger("dev.warmpool.provider." + AzureProviderFactory.NAME);

  private final AzureSettings settings;
  private final PoolClock clock;
  private final KindClient kind;
  private final ResourcesClient resources;
  private final ThrottleBudget budget;
  private final ThreadPoolExecutor executor;
  /** Steps submitted to the executor and not yet finished; tests read it to know when the provider is quiet. */
  private final AtomicInteger busy = new AtomicInteger();
  private final Set<CompletableFuture<?>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  AzureWorkerProvider(AzureSettings settings, PoolClock clock, KindClient kind, ResourcesClient resources,
      ThrottleBudget budget) {
    this.settings = settings;
    this.clock = clock;
    this.kind = kind;
    this.resources = resources;
    this.budget = budget;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(settings.maxConcurrentCalls, settings.maxConcurrentCalls, 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "warmpool-azure-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * ARM's remaining budget of writes (PUT, PATCH, POST) for this subscription, as the last response reported it in
   * {@code x-ms-ratelimit-remaining-subscription-writes}. A pool can slow down its provisions as it nears zero instead
   * of waiting for a 429.
   *
   * @return the remaining writes, or empty before the first response that carried the header
   */
  public OptionalInt remainingWrites() {
    return budget.writes();
  }

  /**
   * ARM's remaining budget of deletes, from {@code x-ms-ratelimit-remaining-subscription-deletes}.
   *
   * @return the remaining deletes, or empty before the first response that carried the header
   */
  public OptionalInt remainingDeletes() {
    return budget.deletes();
  }

  /**
   * ARM's remaining budget of reads, from {@code x-ms-ratelimit-remaining-subscription-reads}.
   *
   * @return the remaining reads, or empty before the first response that carried the header
   */
  public OptionalInt remainingReads() {
    return budget.reads();
  }

  /**
   * Checks a template's provider properties for this provider's worker kind, so a pool rejects a bad template when it
   * is built rather than at its first provision. The pool calls it at build for every template placed with this
   * provider; the properties of each kind are listed at {@link AzureProviderFactory#validateTemplate}.
   *
   * @param template the template
   * @throws InvalidConfigurationException naming the first bad property
   *     ({@code template[<name>].providerProperties.<key>})
   * @throws NullPointerException if template is null
   */
  @Override
  public void validate(WorkerTemplate template) {
    java.util.Objects.requireNonNull(template, "template cannot be null");
    TemplateProperties.check(settings.kind, template);
  }

  /**
   * Checks that the provider serves a placement: its region has a {@code resourceGroup.<region>} setting.
   *
   * @param placement a placement that names this provider
   * @throws InvalidConfigurationException naming the missing setting and the regions configured
   * @throws NullPointerException if placement is null
   */
  @Override
  public void validate(dev.warmpool.api.Placement placement) {
    java.util.Objects.requireNonNull(placement, "placement cannot be null");
    if (settings.resourceGroup(placement.region()).isEmpty()) {
      String option = settings.option(AzureSettings.RESOURCE_GROUP_PREFIX + placement.region());
      throw new InvalidConfigurationException(option, "placement " + placement.key() + " is in region "
          + SafeText.quote(placement.region()) + ", which has no resource group: add the setting " + option
          + "; configured regions: " + settings.resourceGroups.keySet());
    }
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    CompletableFuture<ProvisionedWorker> result = track(new CompletableFuture<>());
    String rg;
    Redactor redactor = new Redactor(TemplateProperties.secrets(request.template()));
    try {
      TemplateProperties.check(settings.kind, request.template());
      rg = resourceGroup(request.placement().region());
    } catch (InvalidConfigurationException e) {
      result.completeExceptionally(ProviderException.invalid("InvalidTemplate", redactor.apply(e.getMessage())));
      return result;
    } catch (ProviderException e) {
      result.completeExceptionally(e);
      return result;
    }
    String name = ResourceNames.of(request.poolId(), request.workerId(), request.placement().region());
    ProvisionOp op = new ProvisionOp(request, rg, name, redactor, result);
    op.start();
    return logged(result, op::debug);
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    CompletableFuture<Void> result = track(new CompletableFuture<>());
    String name;
    String rg;
    try {
      if (request.resourceId().isPresent()) {
        String id = request.resourceId().get();
        name = VirtualMachineClient.lastSegment(id);
        rg = segmentAfter(id, "resourceGroups").orElse(resourceGroup(request.placement().region()));
      } else {
        name = ResourceNames.of(request.poolId(), request.workerId(), request.placement().region());
        rg = resourceGroup(request.placement().region());
      }
    } catch (ProviderException e) {
      result.completeExceptionally(e);
      return result;
    }
    DeprovisionOp op = new DeprovisionOp(request, rg, name, result);
    op.start();
    return logged(result, op::debug);
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    CompletableFuture<List<ProviderResource>> result = track(new CompletableFuture<>());
    String what = "list " + settings.kind.resourceType() + " tagged " + WorkerTags.POOL + "=" + poolId;
    run(result, what, Redactor.NONE, () -> {
      List<ProviderResource> found = new ArrayList<>();
      String filter = "resourceType eq '" + settings.kind.resourceType() + "'";
      for (String rg : new LinkedHashSet<>(settings.resourceGroups.values())) {
        for (GenericResourceExpandedInner r : resources.listByResourceGroup(rg, filter,
            "createdTime,changedTime,provisioningState", null, Context.NONE)) {
          Map<String, String> tags = r.tags() == null ? Map.of() : r.tags();
          // ARM drops tags from tag-filtered lists, so the pool's tag is matched here, not in $filter
          if (!poolId.equals(tags.get(WorkerTags.POOL))
              || !settings.kind.resourceType().equalsIgnoreCase(r.type())) {
            continue;
          }
          Map<String, String> attributes = new java.util.LinkedHashMap<>();
          attributes.put("name", r.name());
          attributes.put("resourceGroup", rg);
          if (r.provisioningState() != null) {
            attributes.put("provisioningState", r.provisioningState());
            lifeState(r.provisioningState()).ifPresent(s -> attributes.put("state", s));
          }
          found.add(new ProviderResource(r.id(), r.location() == null ? "" : r.location(), tags,
              Optional.ofNullable(r.createdTime()).map(t -> t.toInstant()), attributes));
        }
      }
      result.complete(List.copyOf(found));
    });
    return logged(result, () -> LOG.atDebug().addKeyValue("pool", poolId));
  }

  /**
   * The pool's {@code state} convention for a listed resource, from ARM's provisioning state: a resource being
   * created ({@code Creating}, {@code Accepted}, {@code Updating}) is {@code creating}, one being deleted is
   * {@code deleting}, so reconciliation neither probes the first too early nor deletes the second again; a settled
   * one is {@code running} ({@code Succeeded}) or {@code failed} ({@code Failed}, {@code Canceled}).
   */
  static Optional<String> lifeState(String provisioningState) {
    switch (provisioningState.toLowerCase(java.util.Locale.ROOT)) {
      case "creating", "accepted", "updating":
        return Optional.of("creating");
      case "deleting":
        return Optional.of("deleting");
      case "succeeded":
        return Optional.of("running");
      case "failed", "canceled":
        return Optional.of("failed");
      default:
        return Optional.empty();
    }
  }

  /**
   * Tells whether a listed resource can serve leases: it exists, its provisioning succeeded and, for a container
   * group, its containers run. One GET; never throws (a failed read counts as unhealthy).
   *
   * @param resource a resource as {@link #list} reported it
   * @return true if the worker can serve leases
   */
  @Override
  public CompletableFuture<Boolean> isHealthy(ProviderResource resource) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    String id = resource.resourceId();
    Optional<String> rg = segmentAfter(id, "resourceGroups");
    if (rg.isEmpty() || closed) {
      result.complete(false);
      return result;
    }
    CompletableFuture<Boolean> probe = track(new CompletableFuture<>());
    run(probe, "probe " + id, Redactor.NONE, () -> probe.complete(
        kind.get(rg.get(), VirtualMachineClient.lastSegment(id)).map(kind::isHealthy).orElse(false)));
    probe.whenComplete((healthy, failure) -> result.complete(failure == null && Boolean.TRUE.equals(healthy)));
    return result;
  }

  /** Stops the executor; calls still running fail TRANSIENT with code {@code ProviderClosed}. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(closedFailure());
    }
  }

  /** {@return steps running or queued on the executor (tests wait for zero before they move a virtual clock)} */
  int busySteps() {
    return busy.get();
  }

  private String resourceGroup(String region) {
    return settings.resourceGroup(region).orElseThrow(() -> ProviderException.invalid("RegionNotConfigured",
        "region " + region + " has no resource group: add the setting "
            + settings.option(AzureSettings.RESOURCE_GROUP_PREFIX + region) + "; configured regions: "
            + settings.resourceGroups.keySet()));
  }

  private static Optional<String> segmentAfter(String id, String segment) {
    String[] parts = id.split("/");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equalsIgnoreCase(segment)) {
        return Optional.of(parts[i + 1]);
      }
    }
    return Optional.empty();
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
    return ProviderException.transientFailure("ProviderClosed", "the Azure provider was closed");
  }

  /** Runs one blocking step on the executor; a failure completes the future, classified. */
  private void run(CompletableFuture<?> result, String what, Redactor redactor, Runnable step) {
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
          result.completeExceptionally(ArmErrors.classify(e, what, redactor));
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
   * The call's result as the caller sees it: when DEBUG is on, a failure is logged with the call's keys before the
   * caller learns of it.
   */
  private static <T> CompletableFuture<T> logged(CompletableFuture<T> result, Supplier<LoggingEventBuilder> keys) {
    if (!LOG.isDebugEnabled()) {
      return result;
    }
    CompletableFuture<T> seen = new CompletableFuture<>();
    result.whenComplete((value, failure) -> {
      if (failure == null) {
        seen.complete(value);
      } else {
        keys.get().log("failed: {}", failure.toString());
        seen.completeExceptionally(failure);
      }
    });
    return seen;
  }

  /**
   * Waits on the pool's clock, then runs a step, unless the deadline comes first: then the call fails with
   * {@code DeadlineExceeded} and nothing more is polled.
   */
  private void after(Duration delay, Instant deadline, CompletableFuture<?> result, String what, Redactor redactor,
      Runnable step) {
    Instant now = clock.now();
    Duration untilDeadline = Duration.between(now, deadline);
    Duration wait = delay.compareTo(untilDeadline) < 0 ? delay : untilDeadline;
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    clock.schedule(wait, () -> {
      if (result.isDone()) {
        return;
      }
      if (!clock.now().isBefore(deadline)) {
        result.completeExceptionally(new ProviderException(FailureKind.TRANSIENT, "DeadlineExceeded",
            what + ": not finished by the deadline " + deadline + "; stopped polling. ARM may still finish it: a "
                + "repeated call for the same worker or the pool's reconciliation finds it by name and tags",
            null, null));
        return;
      }
      run(result, what, redactor, step);
    });
  }

  private Duration pollDelay(PollResponse<?> response) {
    Duration d = response.getRetryAfter();
    if (d == null || d.isZero() || d.isNegative()) {
      return settings.pollInterval;
    }
    return d.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : d;
  }

  /** One provision: read by name, then adopt, watch or create, then poll until ready or the deadline. */
  private final class ProvisionOp {
    private final ProvisionRequest request;
    private final String rg;
    private final String name;
    private final String what;
    private final Redactor redactor;
    private final CompletableFuture<ProvisionedWorker> result;

    ProvisionOp(ProvisionRequest request, String rg, String name, Redactor redactor,
        CompletableFuture<ProvisionedWorker> result) {
      this.request = request;
      this.rg = rg;
      this.name = name;
      this.what = "create " + settings.kind.setting() + " " + name + " in " + request.placement().region()
          + " (resource group " + rg + ", worker " + request.workerId() + ")";
      this.redactor = redactor;
      this.result = result;
    }

    /** A DEBUG event with this call's keys. */
    private LoggingEventBuilder debug() {
      return LOG.atDebug().addKeyValue("pool", request.poolId()).addKeyValue("template", request.template().name())
          .addKeyValue("placement", request.placement().key()).addKeyValue("worker", request.workerId())
          .addKeyValue("resource", name).addKeyValue("resourceGroup", rg);
    }

    void start() {
      if (!clock.now().isBefore(request.deadline())) {
        result.completeExceptionally(new ProviderException(FailureKind.TRANSIENT, "DeadlineExceeded",
            what + ": the deadline " + request.deadline() + " had passed before the call started", null, null));
        return;
      }
      run(result, what, redactor, this::lookup);
    }

    private void lookup() {
      Optional<KindClient.Found> found = kind.get(rg, name, ReadBudget.context(request));
      if (found.isEmpty()) {
        create();
        return;
      }
      KindClient.Found f = found.get();
      String owner = f.tags().get(WorkerTags.POOL);
      if (owner != null && !owner.equals(request.poolId())) {
        throw ProviderException.invalid("NameTaken", what + ": a resource with this name belongs to pool " + owner);
      }
      String state = f.provisioningState() == null ? "" : f.provisioningState();
      if (state.equalsIgnoreCase("Succeeded")) {
        debug().log("adopting the existing {}", settings.kind.setting());
        finish(f.resource());
      } else if (state.equalsIgnoreCase("Failed") || state.equalsIgnoreCase("Canceled")) {
        create();
      } else {
        // an earlier call's creation is still running: watch it, never start a second one
        after(settings.pollInterval, request.deadline(), result, what, redactor, this::watch);
      }
    }

    private void watch() {
      Optional<KindClient.Found> found = kind.get(rg, name, ReadBudget.context(request));
      if (found.isEmpty()) {
        create();
        return;
      }
      String state = Optional.ofNullable(found.get().provisioningState()).orElse("");
      if (state.equalsIgnoreCase("Succeeded")) {
        finish(found.get().resource());
      } else if (state.equalsIgnoreCase("Failed") || state.equalsIgnoreCase("Canceled")) {
        create();
      } else {
        after(settings.pollInterval, request.deadline(), result, what, redactor, this::watch);
      }
    }

    private void create() {
      debug().log("PUT {}", settings.kind.setting());
      SyncPoller<? extends PollResult<?>, ?> poller = kind.beginCreate(rg, name, request);
      poll(poller);
    }

    private void poll(SyncPoller<? extends PollResult<?>, ?> poller) {
      PollResponse<? extends PollResult<?>> r = poller.poll();
      LongRunningOperationStatus s = r.getStatus();
      if (s == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
        Object resource = poller.getFinalResult();
        if (resource == null) {
          throw ProviderException.transientFailure("NoResult", what + ": the operation succeeded but the final GET "
              + "returned nothing");
        }
        finish(resource);
      } else if (s == LongRunningOperationStatus.FAILED || s == LongRunningOperationStatus.USER_CANCELLED
          || s.isComplete()) {
        PollResult.Error e = r.getValue() == null ? null : r.getValue().getError();
        throw e == null ? ProviderException.transientFailure("OperationFailed", what + ": operation ended " + s)
            : ArmErrors.classifyFailedOperation(e, what, redactor);
      } else {
        after(pollDelay(r), request.deadline(), result, what, redactor, () -> poll(poller));
      }
    }

    private void finish(Object resource) {
      Map<String, String> attributes = kind.attributes(rg, resource);
      result.complete(new ProvisionedWorker(kind.idOf(resource), attributes));
    }
  }

  /** One delete: DELETE by name, then poll until gone or the deadline. A resource that is not there counts as gone. */
  private final class DeprovisionOp {
    private final DeprovisionRequest request;
    private final Instant deadline;
    private final String rg;
    private final String name;
    private final String what;
    private final CompletableFuture<Void> result;

    DeprovisionOp(DeprovisionRequest request, String rg, String name, CompletableFuture<Void> result) {
      this.request = request;
      this.deadline = request.deadline();
      this.rg = rg;
      this.name = name;
      this.what = "delete " + settings.kind.setting() + " " + name + " (resource group " + rg + ")";
      this.result = result;
    }

    /** A DEBUG event with this call's keys. */
    private LoggingEventBuilder debug() {
      return LOG.atDebug().addKeyValue("pool", request.poolId()).addKeyValue("placement", request.placement().key())
          .addKeyValue("worker", request.workerId()).addKeyValue("resource", name).addKeyValue("resourceGroup", rg);
    }

    void start() {
      run(result, what, Redactor.NONE, () -> {
        debug().log("DELETE {}", settings.kind.setting());
        SyncPoller<? extends PollResult<?>, ?> poller;
        try {
          poller = kind.beginDelete(rg, name);
        } catch (RuntimeException e) {
          if (notFound(e)) {
            result.complete(null);
            return;
          }
          throw e;
        }
        poll(poller);
      });
    }

    private void poll(SyncPoller<? extends PollResult<?>, ?> poller) {
      PollResponse<? extends PollResult<?>> r;
      try {
        r = poller.poll();
      } catch (RuntimeException e) {
        if (notFound(e)) {
          result.complete(null);
          return;
        }
        throw e;
      }
      LongRunningOperationStatus s = r.getStatus();
      if (s == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
        result.complete(null);
      } else if (s.isComplete()) {
        PollResult.Error e = r.getValue() == null ? null : r.getValue().getError();
        ProviderException p = e == null ? ProviderException.transientFailure("OperationFailed", what + ": ended " + s)
            : ArmErrors.classifyFailedOperation(e, what, Redactor.NONE);
        if (p.kind() == FailureKind.NOT_FOUND) {
          result.complete(null);
          return;
        }
        throw p;
      } else {
        after(pollDelay(r), deadline, result, what, Redactor.NONE, () -> poll(poller));
      }
    }

    private boolean notFound(RuntimeException e) {
      return ArmErrors.classify(e, what, Redactor.NONE).kind() == FailureKind.NOT_FOUND;
    }
  }
}
