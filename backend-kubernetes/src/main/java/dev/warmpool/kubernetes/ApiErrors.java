package dev.warmpool.kubernetes;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies a failed API server call into the pool's {@link FailureKind}s:
 * <ul>
 *   <li>429 → THROTTLED (code {@code TooManyRequests}), with the server's {@code retryAfterSeconds};</li>
 *   <li>5xx, 408, a timeout or a broken connection → TRANSIENT (the status reason as code, e.g.
 *       {@code ServiceUnavailable}), with {@code retryAfterSeconds} when the server sent one;</li>
 *   <li>403 whose message says {@code exceeded quota} → QUOTA with code {@code QuotaExceeded} (a namespace's
 *       ResourceQuota is used up);</li>
 *   <li>401 → INVALID ({@code Unauthorized}); any other 403 → INVALID ({@code Forbidden}) naming the verb, resource
 *       and namespace the role lacks;</li>
 *   <li>422, 400 → INVALID ({@code Invalid}, {@code BadRequest});</li>
 *   <li>404 → NOT_FOUND; 409 → TRANSIENT ({@code Conflict}: the caller resolves AlreadyExists itself).</li>
 * </ul>
 * Messages carry what was attempted and the server's own message, never a credential. Stateless.
 */
final class ApiErrors {
  static final String QUOTA_EXCEEDED = "QuotaExceeded";

  private ApiErrors() {}

  /**
   * What a call was doing, for messages and the permission a 403 names.
   *
   * @param verb the RBAC verb ({@code create}, {@code get}, {@code list}, {@code delete})
   * @param what what the call did, e.g. {@code create pod wp-a-w1-0c1d2e3f in cluster east (...)}
   * @param namespace the namespace
   */
  record Call(String verb, String what, String namespace) {}

  /**
   * Classifies a failure.
   *
   * @param failure what the client threw (unwrapped here)
   * @param call what was attempted
   * @return the classified failure, with the original as cause
   */
  static ProviderException classify(Throwable failure, Call call) {
    Throwable t = unwrap(failure);
    if (t instanceof ProviderException p) {
      return p;
    }
    if (t instanceof KubernetesClientException k) {
      return fromStatus(k, call);
    }
    if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return new ProviderException(FailureKind.TRANSIENT, "Timeout", call.what() + ": no answer in time", null, t);
    }
    if (t instanceof IOException) {
      return new ProviderException(FailureKind.TRANSIENT, "ConnectionFailed", call.what() + ": "
          + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), null, t);
    }
    return new ProviderException(FailureKind.TRANSIENT, "ClientError", call.what() + ": " + t, null, t);
  }

  private static ProviderException fromStatus(KubernetesClientException k, Call call) {
    int code = k.getCode();
    Status status = k.getStatus();
    String reason = status == null || status.getReason() == null || status.getReason().isBlank() ? null
        : status.getReason();
    String serverMessage = status == null || status.getMessage() == null ? k.getMessage() : status.getMessage();
    Duration retryAfter = status == null || status.getDetails() == null
        || status.getDetails().getRetryAfterSeconds() == null || status.getDetails().getRetryAfterSeconds() < 0 ? null
        : Duration.ofSeconds(status.getDetails().getRetryAfterSeconds());
    String message = call.what() + ": HTTP " + code + (reason == null ? "" : " " + reason) + ": " + serverMessage;
    if (code == 0) {
      Throwable cause = k.getCause() == null ? k : unwrap(k.getCause());
      if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
        return new ProviderException(FailureKind.TRANSIENT, "Timeout", call.what() + ": no answer in time", null, k);
      }
      return new ProviderException(FailureKind.TRANSIENT, "ConnectionFailed", call.what() + ": " + k.getMessage()
          + (k.getCause() == null ? "" : " (" + cause + ")"), null, k);
    }
    if (code == 429) {
      return new ProviderException(FailureKind.THROTTLED, or(reason, "TooManyRequests"), message, retryAfter, k);
    }
    if (code >= 500 || code == 408) {
      return new ProviderException(FailureKind.TRANSIENT, or(reason, "HTTP" + code), message, retryAfter, k);
    }
    if (code == 403 && serverMessage != null && serverMessage.toLowerCase(Locale.ROOT).contains("exceeded quota")) {
      return new ProviderException(FailureKind.QUOTA, QUOTA_EXCEEDED, message + " (the namespace's ResourceQuota "
          + "is used up: raise it or lower the pool's maxTotal; this placement cools down)", null, k);
    }
    if (code == 403) {
      return new ProviderException(FailureKind.INVALID, "Forbidden", message + " (missing permission: verb \""
          + call.verb() + "\" on resource \"pods\" in namespace \"" + call.namespace() + "\"; grant the Role of "
          + "docs/kubernetes.md)", null, k);
    }
    if (code == 401) {
      return new ProviderException(FailureKind.INVALID, "Unauthorized", message + " (the credentials were refused; "
          + "check the token or the kubeconfig context)", null, k);
    }
    if (code == 404) {
      return new ProviderException(FailureKind.NOT_FOUND, "NotFound", message, null, k);
    }
    if (code == 409) {
      return new ProviderException(FailureKind.TRANSIENT, "AlreadyExists".equals(reason) ? reason : "Conflict",
          message, null, k);
    }
    if (code == 410) {
      return new ProviderException(FailureKind.TRANSIENT, "Expired", message, null, k);
    }
    if (code == 422) {
      return new ProviderException(FailureKind.INVALID, "Invalid", message, null, k);
    }
    if (code >= 400) {
      return new ProviderException(FailureKind.INVALID, or(reason, "HTTP" + code), message, null, k);
    }
    return new ProviderException(FailureKind.TRANSIENT, "HTTP" + code, message, null, k);
  }

  /** {@return whether the failure is the API server's 409 AlreadyExists} */
  static boolean alreadyExists(Throwable failure) {
    return unwrap(failure) instanceof KubernetesClientException k && k.getCode() == 409;
  }

  /** {@return whether the failure is the API server's 404} */
  static boolean notFound(Throwable failure) {
    return unwrap(failure) instanceof KubernetesClientException k && k.getCode() == 404;
  }

  private static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
