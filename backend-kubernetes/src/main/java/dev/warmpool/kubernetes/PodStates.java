package dev.warmpool.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a pod's life from its status: whether it is ready, unschedulable, finished or being deleted, and what the
 * pool's {@code state} attribute says of it. Stateless.
 */
final class PodStates {
  /** Waiting reasons that no amount of waiting fixes: the template is wrong. */
  private static final List<String> HOPELESS = List.of("InvalidImageName");

  private PodStates() {}

  /** {@return whether the pod is being deleted (it has a deletion timestamp)} */
  static boolean deleting(Pod pod) {
    return pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** {@return the pod's phase, or an empty string before the API server set one} */
  static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
  }

  /** {@return whether the pod ended (phase Succeeded or Failed): it will never serve} */
  static boolean finished(Pod pod) {
    String p = phase(pod);
    return p.equals("Succeeded") || p.equals("Failed");
  }

  /** {@return whether the pod can serve: Running, its Ready condition True, and not being deleted} */
  static boolean ready(Pod pod) {
    return !deleting(pod) && phase(pod).equals("Running")
        && condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * The scheduler's refusal, if the pod has one: its PodScheduled condition is False with reason Unschedulable (the
   * condition behind a FailedScheduling event).
   *
   * @param pod the pod
   * @return the scheduler's message, e.g. {@code 0/3 nodes are available: 3 Insufficient cpu.}
   */
  static Optional<String> unschedulable(Pod pod) {
    return condition(pod, "PodScheduled")
        .filter(c -> "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))
        .map(c -> c.getMessage() == null ? "Unschedulable" : c.getMessage());
  }

  /** {@return a container's waiting reason that means the template can never run, with its message} */
  static Optional<String> hopeless(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
      if (s.getState() != null && s.getState().getWaiting() != null
          && HOPELESS.contains(s.getState().getWaiting().getReason())) {
        return Optional.of(s.getState().getWaiting().getReason() + ": " + s.getState().getWaiting().getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * The pool's {@code state} convention: {@code deleting} (deletion timestamp set), {@code creating} (Pending),
   * {@code running} (Running), {@code failed} (Succeeded or Failed: a worker pod that ended serves nothing).
   *
   * @param pod the pod
   * @return the state, or empty when the phase says nothing (Unknown)
   */
  static Optional<String> lifeState(Pod pod) {
    if (deleting(pod)) {
      return Optional.of("deleting");
    }
    return switch (phase(pod)) {
      case "", "Pending" -> Optional.of("creating");
      case "Running" -> Optional.of("running");
      case "Succeeded", "Failed" -> Optional.of("failed");
      default -> Optional.empty();
    };
  }

  /**
   * How to reach the worker: cluster (the region), namespace, pod name and uid, and once known the pod's IP and node.
   *
   * @param region the region (cluster)
   * @param pod the pod
   * @return the attributes; never secrets
   */
  static Map<String, String> attributes(String region, Pod pod) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("cluster", region);
    a.put("namespace", pod.getMetadata().getNamespace());
    a.put("podName", pod.getMetadata().getName());
    if (pod.getMetadata().getUid() != null) {
      a.put("uid", pod.getMetadata().getUid());
    }
    if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
      a.put("podIP", pod.getStatus().getPodIP());
    }
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      a.put("nodeName", pod.getSpec().getNodeName());
    }
    return a;
  }

  /** {@return the pod's creation time, if the API server set one that parses} */
  static Optional<Instant> createdAt(Pod pod) {
    String ts = pod.getMetadata() == null ? null : pod.getMetadata().getCreationTimestamp();
    if (ts == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(ts));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
