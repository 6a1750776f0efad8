package dev.warmpool.spring;

import dev.warmpool.api.WorkerPool;
import org.springframework.stereotype.Service;

// The snippet of docs/spring-boot.md; compiled here, shown there by the examples module's DocsTest.
// tag::jobs[]
@Service
class Jobs {
  private final WorkerPool pool;

  Jobs(WorkerPool pool) {          // with several pools: @Qualifier("warmpool.ci") WorkerPool pool
    this.pool = pool;
  }
}
// end::jobs[]
