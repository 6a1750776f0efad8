package dev.warmpool.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryPolicy;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Retries reads (GET and HEAD: resource reads and long-running-operation polls) with the SDK's retry policy, and
 * passes every other request through once. The pool retries whole provisions and deletes itself; retrying PUT and
 * DELETE here as well would turn one attempt into four (AZURE-NOTES.md, "do not multiply them"). A read of a
 * provision's attempt chain is retried only while the chain's {@link ReadBudget} has room, and not sent once it is
 * spent, so SDK retries and pool attempts together send at most {@value ReadBudget#MAX_IDENTICAL} identical reads.
 */
final class ReadRetryPolicy implements HttpPipelinePolicy {
  /** The SDK's retry policy with 0, 1, ... {@code count} retries. */
  private final RetryPolicy[] reads;
  private final ReadBudget budget;

  ReadRetryPolicy(ArmPipeline.ReadRetries retries, ReadBudget budget) {
    this.budget = budget;
    this.reads = new RetryPolicy[retries.count() + 1];
    for (int i = 0; i <= retries.count(); i++) {
      reads[i] = new RetryPolicy(new BoundedRetryStrategy(i, retries.baseDelay(), retries.maxDelay()),
          "Retry-After", ChronoUnit.SECONDS);
    }
  }

  /** The retries this read may have: all, or what its chain's budget leaves after this try; -1 to not send it. */
  private int retries(HttpPipelineCallContext context) {
    int all = reads.length - 1;
    Optional<ReadBudget.Chain> chain = ReadBudget.chainOf(context);
    if (chain.isEmpty()) {
      return all;
    }
    return Math.min(all, budget.remaining(chain.get(), context) - 1);
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    if (!ReadBudget.isRead(context)) {
      return next.process();
    }
    int n = retries(context);
    if (n < 0) {
      return Mono.error(budget.spent(ReadBudget.chainOf(context).orElseThrow(), context));
    }
    return n == 0 ? next.process() : reads[n].process(context, next);
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    if (!ReadBudget.isRead(context)) {
      return next.processSync();
    }
    int n = retries(context);
    if (n < 0) {
      throw budget.spent(ReadBudget.chainOf(context).orElseThrow(), context);
    }
    return n == 0 ? next.processSync() : reads[n].processSync(context, next);
  }
}
