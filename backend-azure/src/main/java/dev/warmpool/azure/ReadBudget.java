package dev.warmpool.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import dev.warmpool.api.PoolClock;
import dev.warmpool.spi.ProviderException;
import dev.warmpool.spi.ProvisionRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The read budget of an attempt chain: the pool retries a provision that failed TRANSIENT (same request, same worker
 * id and deadline), and the HTTP pipeline retries a failed read inside each attempt; together they send at most
 * {@value #MAX_IDENTICAL} identical reads (same method and URL) that fail or go unanswered in a row, per chain.
 * Without it, 3 pool attempts of 1 read and 3 SDK retries sent 12 identical GETs into a failing control plane.
 *
 * <p>Design: a provision passes its chain (the request object, which every attempt of one pool retry chain sends
 * again) in the SDK call's {@link Context}; {@link ReadRetryPolicy} lets the SDK retry a read only as often as the
 * chain's budget for that URL has room, and refuses to send it at all (TRANSIENT, code {@value #SPENT}) once it is
 * spent; {@link #counter()}, after the retry policy in the pipeline, counts each try as it goes: a failed one
 * (transport error, 408, 429, 5xx) spends one, an answer resets the count (periodic polls of a creation are not
 * retries). A chain is forgotten once its deadline passed. Reads with no chain (health probes, lists, NIC reads)
 * keep the plain bounded SDK retries. Thread-safe.
 */
final class ReadBudget {
  /** Identical reads that may fail in a row in one attempt chain, pool attempts and SDK retries together. */
  static final int MAX_IDENTICAL = 4;
  /** The error code of a read that was not sent because its chain's budget was spent. */
  static final String SPENT = "ReadBudgetSpent";
  private static final String CHAIN = "warmpool-attempt-chain";

  /**
   * One attempt chain: the pool's retries of a provision send the same request object again, so the chain is that
   * object, compared by identity (a new provision of the same worker, even with equal values, is a new chain).
   */
  record Chain(ProvisionRequest request) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Chain c && c.request == request;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(request);
    }

    String workerId() {
      return request.workerId();
    }

    Instant deadline() {
      return request.deadline();
    }
  }

  private final PoolClock clock;
  private final Map<Chain, Map<String, Integer>> failures = new ConcurrentHashMap<>();

  ReadBudget(PoolClock clock) {
    this.clock = clock;
  }

  /** {@return the SDK call context that names the request's attempt chain} */
  static Context context(ProvisionRequest request) {
    return new Context(CHAIN, new Chain(request));
  }

  static Optional<Chain> chainOf(HttpPipelineCallContext context) {
    return context.getData(CHAIN).filter(Chain.class::isInstance).map(Chain.class::cast);
  }

  static boolean isRead(HttpPipelineCallContext context) {
    HttpMethod m = context.getHttpRequest().getHttpMethod();
    return m == HttpMethod.GET || m == HttpMethod.HEAD;
  }

  private static String key(HttpPipelineCallContext context) {
    return context.getHttpRequest().getHttpMethod() + " " + context.getHttpRequest().getUrl();
  }

  /** {@return how many more identical reads of this request the chain may send} */
  int remaining(Chain chain, HttpPipelineCallContext context) {
    prune();
    Map<String, Integer> f = failures.get(chain);
    return MAX_IDENTICAL - (f == null ? 0 : f.getOrDefault(key(context), 0));
  }

  /** {@return the failure of a read that is not sent: its chain already sent it the most times} */
  ProviderException spent(Chain chain, HttpPipelineCallContext context) {
    return ProviderException.transientFailure(SPENT, "worker " + chain.workerId() + ": not reading "
        + context.getHttpRequest().getUrl().getPath() + " again: it failed " + MAX_IDENTICAL + " times in a row in"
        + " this attempt chain (SDK retries and pool attempts together)");
  }

  private void record(Chain chain, HttpPipelineCallContext context, boolean failed) {
    if (failed) {
      failures.computeIfAbsent(chain, c -> new ConcurrentHashMap<>()).merge(key(context), 1, Integer::sum);
    } else {
      Map<String, Integer> f = failures.get(chain);
      if (f != null) {
        f.remove(key(context));
      }
    }
  }

  private void prune() {
    Instant now = clock.now();
    failures.keySet().removeIf(c -> c.deadline().isBefore(now));
  }

  /** {@return whether an answer means the read failed, as the SDK's retry policy judges it} */
  static boolean failed(int status) {
    return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
  }

  /** The pipeline policy that counts each try of a chain's reads; goes after the retry policy. */
  HttpPipelinePolicy counter() {
    return new HttpPipelinePolicy() {
      @Override
      public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        Optional<Chain> chain = isRead(context) ? chainOf(context) : Optional.empty();
        if (chain.isEmpty()) {
          return next.process();
        }
        return next.process()
            .doOnNext(r -> record(chain.get(), context, failed(r.getStatusCode())))
            .doOnError(e -> record(chain.get(), context, true));
      }

      @Override
      public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Optional<Chain> chain = isRead(context) ? chainOf(context) : Optional.empty();
        if (chain.isEmpty()) {
          return next.processSync();
        }
        HttpResponse r;
        try {
          r = next.processSync();
        } catch (RuntimeException e) {
          record(chain.get(), context, true);
          throw e;
        }
        record(chain.get(), context, failed(r.getStatusCode()));
        return r;
      }
    };
  }
}
