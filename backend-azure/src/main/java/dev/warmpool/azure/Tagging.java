package dev.warmpool.azure;

import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.WorkerTags;
import java.util.Map;
import java.util.TreeMap;

/** The tags put on every resource a worker is made of: the request's, plus pool, worker, generation and template. */
final class Tagging {
  private Tagging() {}

  static Map<String, String> tags(ProvisionRequest request) {
    Map<String, String> tags = new TreeMap<>(request.tags());
    tags.putIfAbsent(WorkerTags.POOL, request.poolId());
    tags.putIfAbsent(WorkerTags.WORKER, request.workerId());
    tags.putIfAbsent(WorkerTags.GENERATION, Long.toString(request.generation()));
    tags.putIfAbsent(WorkerTags.TEMPLATE, request.template().name());
    return tags;
  }
}
