package dev.warmpool.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactories;
import dev.warmpool.spi.WorkerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings and template properties are checked when the pool is built, with messages that name them. */
class KubernetesProviderFactoryTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.sekrit-payload";
  private final KubernetesProviderFactory factory = new KubernetesProviderFactory();

  private static Map<String, String> valid() {
    Map<String, String> s = new HashMap<>();
    s.put("cluster.east.url", "https://10.0.0.1:6443");
    s.put("cluster.east.namespace", "ci");
    s.put("cluster.east.token", TOKEN);
    return s;
  }

  private static ProviderContext context(Map<String, String> settings) {
    return new ProviderContext("pool-a", "kubernetes", settings, new VirtualClock());
  }

  private InvalidConfigurationException rejected(Map<String, String> settings) {
    try (WorkerProvider p = factory.create(context(settings))) {
      throw new AssertionError("expected the settings to be rejected, got " + p);
    } catch (InvalidConfigurationException e) {
      return e;
    }
  }

  @Test
  void serviceLoaderFindsTheFactoryByName() {
    assertThat(ProviderFactories.find("kubernetes")).isInstanceOf(KubernetesProviderFactory.class);
    assertThat(ProviderFactories.available(getClass().getClassLoader())).contains("kubernetes");
  }

  @Test
  void validSettingsMakeAProviderWithoutTouchingTheNetwork() {
    try (WorkerProvider p = factory.create(context(valid()))) {
      assertThat(p).isInstanceOf(KubernetesWorkerProvider.class);
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "cluster.east.url|ftp://10.0.0.1|providers.kubernetes.cluster.east.url|http(s) URL",
      "cluster.East.url|https://a|providers.kubernetes.cluster.East.url|lower-case",
      "cluster.east.namespace|CI_jobs|providers.kubernetes.cluster.east.namespace|namespace name",
      "cluster.east.context|prod|providers.kubernetes.cluster.east.url|exactly one",
      "cluster.east.tokenFile|/no/such/file|providers.kubernetes.cluster.east.tokenFile|readable file",
      "cluster.east.insecureSkipTlsVerify|yes|providers.kubernetes.cluster.east.insecureSkipTlsVerify|true or false",
      "cluster.east.password|x|providers.kubernetes.cluster.east.password|known settings of a cluster",
      "region|eu|providers.kubernetes.region|unknown setting",
      "pollInterval|2s|providers.kubernetes.pollInterval|ISO-8601",
      "pollInterval|PT10M|providers.kubernetes.pollInterval|between",
      "unschedulableTimeout|-PT1M|providers.kubernetes.unschedulableTimeout|between",
      "listPageSize|0|providers.kubernetes.listPageSize|between 1 and 5000",
      "maxConcurrentCalls|many|providers.kubernetes.maxConcurrentCalls|integer",
  })
  void aBadSettingIsRejectedNamingItAndTheAllowedValues(String key, String value, String option, String rule) {
    Map<String, String> s = valid();
    s.put(key, value);
    InvalidConfigurationException e = rejected(s);
    assertThat(e.option()).isEqualTo(option);
    assertThat(e.getMessage()).contains(option).contains(rule).doesNotContain(TOKEN);
  }

  @Test
  void atLeastOneClusterIsRequired() {
    InvalidConfigurationException e = rejected(Map.of("pollInterval", "PT1S"));
    assertThat(e.getMessage()).contains("providers.kubernetes.cluster.<region>.url").contains("context");
  }

  @Test
  void aKubeconfigContextThatDoesNotExistIsRejected(@TempDir Path dir) throws IOException {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: lab
          cluster:
            server: https://10.0.0.9:6443
        users:
        - name: ci
          user:
            token: %s
        contexts:
        - name: lab
          context:
            cluster: lab
            user: ci
            namespace: jobs
        current-context: lab
        """.formatted(TOKEN));
    Map<String, String> s = new HashMap<>();
    s.put("cluster.lab.context", "lab");
    s.put("cluster.lab.kubeconfig", kubeconfig.toString());
    s.put("cluster.lab.namespace", "jobs");
    try (WorkerProvider p = factory.create(context(s))) {
      assertThat(p).isInstanceOf(KubernetesWorkerProvider.class);
    }

    s.put("cluster.lab.context", "staging");
    InvalidConfigurationException e = rejected(s);
    assertThat(e.option()).isEqualTo("providers.kubernetes.cluster.lab.context");
    assertThat(e.getMessage()).contains("staging").doesNotContain(TOKEN);
  }

  @Test
  void theTokenAppearsInNoMessageAndNoToString(@TempDir Path dir) throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    Map<String, String> s = valid();
    s.put("cluster.east.tokenFile", tokenFile.toString());
    InvalidConfigurationException e = rejected(s);
    assertThat(e.getMessage()).contains("not both").doesNotContain(TOKEN);

    KubernetesSettings settings = KubernetesSettings.parse(context(valid()));
    assertThat(settings.toString()).contains("east").contains("with a token").doesNotContain(TOKEN);
    try (WorkerProvider p = factory.create(context(valid()))) {
      assertThat(p.toString()).doesNotContain(TOKEN);
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "cpu|lots|cpu|quantity",
      "memory|1 GB|memory|quantity",
      "restartPolicy|Sometimes|restartPolicy|Always",
      "secretEnv.TOKEN|s3cr3t-value|secretEnv.TOKEN|never given inline",
      "toleration.0|dedicated=ci:Maybe|toleration.0|NoSchedule",
      "label.warmpool.dev/pool|x|label.warmpool.dev/pool|reserved",
      "nodeSelector.zone|not a value|nodeSelector.zone|label value",
      "serviceAccount|Runner_SA|serviceAccount|service account",
      "gpu|1|gpu|unknown provider property",
  })
  void aBadTemplatePropertyIsRejectedNamingIt(String key, String value, String property, String rule) {
    WorkerTemplate t = KubeHarness.template(1, 2).toBuilder().providerProperty(key, value).build();
    assertThatThrownBy(() -> KubernetesProviderFactory.validateTemplate(t))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining(rule)
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).option())
            .isEqualTo("template[runner].providerProperties." + property));
  }

  @Test
  void aSecretReferenceIsNeverEchoedBackAsAValue() {
    WorkerTemplate t = KubeHarness.template(1, 2).toBuilder().providerProperty("secretEnv.TOKEN", "s3cr3t-value")
        .build();
    assertThatThrownBy(() -> KubernetesProviderFactory.validateTemplate(t)).hasMessageNotContaining("s3cr3t-value");
  }
}
