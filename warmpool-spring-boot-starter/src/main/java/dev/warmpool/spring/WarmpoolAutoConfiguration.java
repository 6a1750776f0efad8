package dev.warmpool.spring;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.api.PoolListener;
import dev.warmpool.api.WorkerPool;
import dev.warmpool.core.WorkerPoolConfig;
import dev.warmpool.spi.PoolStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of Warmpool: a {@link WorkerPool} bean per pool configured under {@code warmpool.pools.<id>},
 * named {@code warmpool.<id>}, built and closed by a {@link PoolLifecycle}; a Micrometer binder per pool (bean
 * {@code warmpool.<id>.metrics}) when Micrometer is on the classpath; and a health contributor {@code warmpool} with
 * one indicator per pool when Spring Boot's health support is on the classpath (turn it off with
 * {@code management.health.warmpool.enabled=false}).
 *
 * <p>Taken from the context when present: a {@link PoolStore} bean (every pool shares it with other nodes), a
 * {@link PoolClock} bean (simulations and tests on a virtual clock), and every {@link PoolListener} bean (each pool
 * gets each listener; events carry the pool's id).
 */
@AutoConfiguration
@ConditionalOnClass(WorkerPoolConfig.class)
@EnableConfigurationProperties(WarmpoolProperties.class)
@Import(WarmpoolAutoConfiguration.PoolBeans.class)
public class WarmpoolAutoConfiguration {
  /** The prefix of each pool's bean name: {@value}. */
  public static final String BEAN_PREFIX = "warmpool.";

  /** Creates the configuration; Spring calls this. */
  public WarmpoolAutoConfiguration() {
    // beans below
  }

  /**
   * Builds the configured pools; they close when the context stops.
   *
   * @param properties the bound properties
   * @param store a store, if the context has one
   * @param clock a clock, if the context has one
   * @param listeners listener beans, in order
   * @return the lifecycle that owns the pools
   */
  @Bean
  public PoolLifecycle warmpoolPoolLifecycle(WarmpoolProperties properties, ObjectProvider<PoolStore> store,
      ObjectProvider<PoolClock> clock, ObjectProvider<PoolListener> listeners) {
    return new PoolLifecycle(properties, store.getIfAvailable(), clock.getIfAvailable(),
        listeners.orderedStream().toList());
  }

  /** Health per pool, when Spring Boot's health support is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("warmpool")
  static class HealthConfiguration {
    static final String DEGRADED = "DEGRADED";

    @Bean
    HealthContributor warmpoolHealthContributor(PoolLifecycle lifecycle, WarmpoolProperties properties) {
      String code = properties.getHealth().getDegradedStatus();
      if (!List.of(DEGRADED, Status.OUT_OF_SERVICE.getCode()).contains(code)) {
        throw new InvalidConfigurationException("warmpool.health.degraded-status", "warmpool.health.degraded-status"
            + " must be " + DEGRADED + " or " + Status.OUT_OF_SERVICE.getCode() + ", was \"" + code + "\"");
      }
      Status degraded = new Status(code);
      Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
      lifecycle.pools().forEach((id, pool) -> indicators.put(id,
          new WorkerPoolHealthIndicator(pool, () -> lifecycle.isClosing(id), degraded)));
      return CompositeHealthContributor.fromMap(indicators);
    }
  }

  /** Registers one bean per pool id found in the environment (and its metrics binder). */
  static class PoolBeans implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {
    private static final String METER_BINDER = "io.micrometer.core.instrument.binder.MeterBinder";
    private static final String METRICS = "dev.warmpool.micrometer.WarmpoolMetrics";
    private Environment environment;
    private ClassLoader classLoader;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
      this.classLoader = classLoader;
    }

    @Override
    public void setEnvironment(Environment environment) {
      this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      Map<String, PoolProperties> pools;
      try {
        pools = Binder.get(environment).bind("warmpool.pools",
            Bindable.mapOf(String.class, PoolProperties.class)).orElse(Map.of());
      } catch (RuntimeException e) {
        // the properties bean reports the binding error with the key; nothing to register meanwhile
        return;
      }
      boolean metrics = ClassUtils.isPresent(METER_BINDER, classLoader) && ClassUtils.isPresent(METRICS, classLoader);
      for (String id : pools.keySet()) {
        RootBeanDefinition pool = new RootBeanDefinition(WorkerPool.class);
        pool.setInstanceSupplier(() -> registryLifecycle(registry).pool(id));
        // the lifecycle closes the pool; no destroy method is inferred from AutoCloseable
        pool.setDestroyMethodName("");
        pool.setDependsOn("warmpoolPoolLifecycle");
        registry.registerBeanDefinition(BEAN_PREFIX + id, pool);
        if (metrics) {
          MetricsBeans.register(registry, id, BEAN_PREFIX + id);
        }
      }
    }

    static PoolLifecycle registryLifecycle(BeanDefinitionRegistry registry) {
      return ((BeanFactory) registry).getBean(PoolLifecycle.class);
    }
  }
}
