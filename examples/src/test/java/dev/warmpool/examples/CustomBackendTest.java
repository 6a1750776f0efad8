package dev.warmpool.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.PoolClock;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CustomBackendTest {
  @Test
  void serviceLoaderFindsTheTinyFactory() {
    assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(p -> p.get().name()))
        .contains(CustomBackend.NAME, "fake");
  }

  @Test
  void aPoolOnTheTinyBackendLeasesAWorkerWithItsAttributesAndClosesCleanly() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<String, String> attributes = CustomBackend.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(attributes).containsEntry("region", "lab-1").containsKey("ip");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("closed: idle=0 leased=0");
  }

  @Test
  void aBadLatencySettingNamesTheOption() {
    PoolClock clock = new VirtualClock();
    ProviderContext context = new ProviderContext("p", "tiny", Map.of("latency", "soon"), clock);
    assertThatThrownBy(() -> new CustomBackend.Factory().create(context))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("providers.tiny.latency");
  }
}
