package dev.warmpool.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryPolicy;
import reactor.core.publisher.Mono;

/**
 * Retries reads (GET and HEAD: resource reads and long-running-operation polls) with the SDK's retry policy, and
 * passes every other request through once. The pool retries whole provisions and deletes itself; retrying PUT and
 * DELETE here as well would turn one attempt into four (AZURE-NOTES.md, "do not multiply them").
 */
final class ReadRetryPolicy implements HttpPipelinePolicy {
  private final RetryPolicy reads;

  ReadRetryPolicy(RetryPolicy reads) {
    this.reads = reads;
  }

  private static boolean isRead(HttpPipelineCallContext context) {
    HttpMethod m = context.getHttpRequest().getHttpMethod();
    return m == HttpMethod.GET || m == HttpMethod.HEAD;
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return isRead(context) ? reads.process(context, next) : next.process();
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    return isRead(context) ? reads.processSync(context, next) : next.processSync();
  }
}
