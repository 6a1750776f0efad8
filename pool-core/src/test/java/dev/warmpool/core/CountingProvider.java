package dev.warmpool.core;

import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.DeprovisionRequest;
import dev.warmpool.spi.ProviderResource;
import dev.warmpool.spi.ProvisionRequest;
import dev.warmpool.spi.ProvisionedWorker;
import dev.warmpool.spi.WorkerProvider;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** One node's view of a shared provider that counts the writes this node makes. */
final class CountingProvider implements WorkerProvider {
  private final WorkerProvider delegate;
  final AtomicInteger provisions = new AtomicInteger();
  final AtomicInteger deprovisions = new AtomicInteger();

  CountingProvider(WorkerProvider delegate) {
    this.delegate = delegate;
  }

  int writes() {
    return provisions.get() + deprovisions.get();
  }

  @Override
  public CompletableFuture<ProvisionedWorker> provision(ProvisionRequest request) {
    provisions.incrementAndGet();
    return delegate.provision(request);
  }

  @Override
  public CompletableFuture<Void> deprovision(DeprovisionRequest request) {
    deprovisions.incrementAndGet();
    return delegate.deprovision(request);
  }

  @Override
  public CompletableFuture<List<ProviderResource>> list(String poolId) {
    return delegate.list(poolId);
  }

  @Override
  public void validate(WorkerTemplate template) {
    delegate.validate(template);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
