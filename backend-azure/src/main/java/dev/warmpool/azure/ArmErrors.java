package dev.warmpool.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies what ARM answered into {@link ProviderException} kinds, as AZURE-NOTES.md lists them: by error code
 * first (ACI reports capacity as 409 {@code ServiceUnavailable}), by HTTP status second. Keeps ARM's code and
 * {@code Retry-After}. Messages go through a {@link Redactor} and never carry the SDK exception as cause (its message
 * holds the raw response body), so no secret that ARM echoes can leak through them.
 */
final class ArmErrors {
  static final Set<String> THROTTLED = Set.of("TooManyRequests", "ResourceRequestsThrottled",
      "SubscriptionRequestsThrottled", "TooManyRequestsReceived");
  static final Set<String> CAPACITY = Set.of("AllocationFailed", "ZonalAllocationFailed",
      "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest", "SkuNotAvailable");
  static final Set<String> QUOTA = Set.of("QuotaExceeded", "ContainerGroupQuotaReached", "StandardCoresQuotaExceeded",
      "ResourceQuotaExceeded", "SpotQuotaExceeded", "LowPriorityQuotaExceeded", "OperationNotAllowed");
  static final Set<String> CONFLICT = Set.of("Conflict", "AnotherOperationInProgress", "OperationPreempted");
  static final Set<String> AUTH = Set.of("AuthorizationFailed", "LinkedAuthorizationFailed", "InvalidAuthenticationToken",
      "AuthenticationFailed", "ExpiredAuthenticationToken", "InvalidAuthenticationTokenTenant");
  /** How long to wait after a conflict when ARM does not say. */
  static final Duration CONFLICT_RETRY = Duration.ofSeconds(5);

  private ArmErrors() {}

  /**
   * Classifies a failure of a call.
   *
   * @param failure what the SDK threw
   * @param what the call, e.g. "create container group wp-weu-x in westeurope"
   * @param redactor removes secrets from ARM's text
   */
  static ProviderException classify(Throwable failure, String what, Redactor redactor) {
    Throwable t = unwrap(failure);
    if (t instanceof ProviderException p) {
      return p;
    }
    if (t instanceof ManagementException me) {
      String code = me.getValue() == null || me.getValue().getCode() == null ? "" : me.getValue().getCode();
      String msg = me.getValue() == null || me.getValue().getMessage() == null ? "" : me.getValue().getMessage();
      HttpResponse r = me.getResponse();
      return classify(r == null ? 0 : r.getStatusCode(), code, msg,
          r == null ? null : r.getHeaderValue(HttpHeaderName.RETRY_AFTER), what, redactor);
    }
    if (t instanceof HttpResponseException he) {
      HttpResponse r = he.getResponse();
      int status = r == null ? 0 : r.getStatusCode();
      String[] codeAndMessage = r == null ? new String[] {"", ""} : codeAndMessage(bodyOf(he));
      return classify(status, codeAndMessage[0], codeAndMessage[1],
          r == null ? null : r.getHeaderValue(HttpHeaderName.RETRY_AFTER), what, redactor);
    }
    if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
        || t.getClass().getSimpleName().contains("Timeout")) {
      return new ProviderException(FailureKind.TRANSIENT, "Timeout", what + ": no answer from ARM in time ("
          + t.getClass().getSimpleName() + ")", null, null);
    }
    if (t instanceof IOException) {
      // a reset or refused connection: the call may or may not have reached ARM; a repeat is idempotent
      return new ProviderException(FailureKind.TRANSIENT, "ConnectionFailed", what + ": connection to ARM failed ("
          + t.getClass().getSimpleName() + ": " + redactor.apply(String.valueOf(t.getMessage())) + ")", null, null);
    }
    return new ProviderException(FailureKind.TRANSIENT, t.getClass().getSimpleName(), what + ": unexpected failure ("
        + t.getClass().getName() + ": " + redactor.apply(String.valueOf(t.getMessage())) + ")", null, null);
  }

  /** Classifies a long-running operation that ended Failed or Canceled. */
  static ProviderException classifyFailedOperation(PollResult.Error error, String what, Redactor redactor) {
    String[] cm = codeAndMessage(error.getResponseBody());
    String code = cm[0].isEmpty() ? "OperationFailed" : cm[0];
    String message = cm[1].isEmpty() ? String.valueOf(error.getMessage()) : cm[1];
    HttpHeaders h = error.getResponseHeaders();
    // the operation's own answer is 2xx whatever went wrong: the code decides, and an unknown one counts as passing
    int status = error.getResponseStatusCode();
    return classify(status >= 200 && status < 300 ? 200 : status, code, message,
        h == null ? null : h.getValue(HttpHeaderName.RETRY_AFTER), what + " (operation failed)", redactor);
  }

  static ProviderException classify(int status, String code, String armMessage, String retryAfterHeader, String what,
      Redactor redactor) {
    Duration retryAfter = parseRetryAfter(retryAfterHeader);
    String text = what + ": " + (status == 0 ? "" : "HTTP " + status + " ") + (code.isEmpty() ? "" : code + ": ")
        + truncate(redactor.apply(armMessage));
    String lowerMessage = armMessage.toLowerCase(Locale.ROOT);
    FailureKind kind;
    String hint = "";
    if (status == 429 || THROTTLED.contains(code)) {
      kind = FailureKind.THROTTLED;
    } else if (QUOTA.contains(code) && (!code.equals("OperationNotAllowed") || lowerMessage.contains("quota"))) {
      kind = FailureKind.QUOTA;
      hint = "; raise the quota named in the message (Azure portal: Subscriptions > Usage + quotas, or 'az quota"
          + " update') for this region, or lower the pool's maxTotal";
    } else if (CAPACITY.contains(code) || (code.equals("ServiceUnavailable") && status != 503)) {
      kind = FailureKind.CAPACITY;
    } else if (code.equals("MissingSubscriptionRegistration")) {
      kind = FailureKind.INVALID;
      hint = "; the subscription is not registered for the resource provider: register it once with "
          + "'az provider register --namespace <namespace>' (the namespace is in the message)";
    } else if (code.equals("ResourceGroupNotFound")) {
      kind = FailureKind.INVALID;
      hint = "; create the resource group or fix the resourceGroup.<region> setting";
    } else if (status == 401 || code.startsWith("InvalidAuthenticationToken") || code.equals("AuthenticationFailed")
        || code.equals("ExpiredAuthenticationToken")) {
      kind = FailureKind.INVALID;
      hint = "; check the credentials: tenant, client id and secret, managed identity or the supplied token source";
    } else if (status == 403 || AUTH.contains(code)) {
      kind = FailureKind.INVALID;
      hint = "; check the role assignments (RBAC): the identity needs Contributor (or Virtual Machine Contributor "
          + "plus Network Contributor, or Container Instances Contributor) on the resource group, and Network "
          + "Contributor (join) on the subnet";
    } else if (status == 404 || code.equals("ResourceNotFound") || code.equals("NotFound")) {
      kind = FailureKind.NOT_FOUND;
    } else if (CONFLICT.contains(code) || status == 409) {
      kind = FailureKind.TRANSIENT;
      if (retryAfter == null) {
        retryAfter = CONFLICT_RETRY;
      }
    } else if (code.startsWith("Invalid") || code.equals("BadRequest")) {
      kind = FailureKind.INVALID;
    } else if (status == 408 || status >= 500 || status == 0 || status == 200) {
      // 200 is a long-running operation that failed for a reason that is neither capacity nor bad input
      kind = FailureKind.TRANSIENT;
    } else {
      kind = FailureKind.INVALID;
    }
    return new ProviderException(kind, code, text + hint, retryAfter, null);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; i < 10; i++) {
      Throwable next = reactor.core.Exceptions.unwrap(t);
      if ((next instanceof CompletionException || next instanceof ExecutionException) && next.getCause() != null) {
        next = next.getCause();
      }
      if (next == t) {
        return t;
      }
      t = next;
    }
    return t;
  }

  /** Parses {@code Retry-After}: delta seconds or an HTTP date (RFC 1123); null when absent or malformed. */
  static Duration parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long s = Long.parseLong(value.trim());
      return s < 0 ? null : Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      try {
        Duration d = Duration.between(java.time.Instant.now(),
            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** Reads {@code error.code} and {@code error.message} (or top-level ones) from an ARM error body. */
  @SuppressWarnings("unchecked")
  static String[] codeAndMessage(String body) {
    if (body == null || body.isBlank()) {
      return new String[] {"", ""};
    }
    try (JsonReader reader = JsonProviders.createReader(body)) {
      Object parsed = reader.readUntyped();
      if (parsed instanceof Map<?, ?> map) {
        Object error = map.get("error");
        Map<String, Object> e = error instanceof Map<?, ?> em ? (Map<String, Object>) em : (Map<String, Object>) map;
        return new String[] {str(e.get("code")), str(e.get("message"))};
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: no code
    }
    return new String[] {"", ""};
  }

  private static String bodyOf(HttpResponseException e) {
    Object v = e.getValue();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      return null;
    }
    return null;
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static String truncate(String s) {
    return s.length() <= 600 ? s : s.substring(0, 600) + "...";
  }
}
