package dev.warmpool.spring;

import dev.warmpool.api.WorkerPool;
import dev.warmpool.micrometer.WarmpoolMetrics;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Registers a pool's Micrometer binder; Spring Boot binds every {@code MeterBinder} bean to its registries. A class
 * of its own so that nothing loads Micrometer's types when Micrometer is absent.
 */
final class MetricsBeans {
  private MetricsBeans() {}

  static void register(BeanDefinitionRegistry registry, String id, String poolBean) {
    RootBeanDefinition metrics = new RootBeanDefinition(WarmpoolMetrics.class);
    metrics.setInstanceSupplier(() -> new WarmpoolMetrics(((BeanFactory) registry).getBean(poolBean,
        WorkerPool.class)));
    metrics.setDestroyMethodName("close");
    registry.registerBeanDefinition(poolBean + ".metrics", metrics);
  }
}
