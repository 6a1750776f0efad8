package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No token, SSH key, custom data or secure environment value reaches a log or an exception message. */
class SecretsTest {
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private final List<String> logs = new ArrayList<>();
  private final Logger jul = Logger.getLogger("dev.warmpool.azure");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (logs) {
        logs.add(r.getMessage() + (r.getThrown() == null ? "" : " " + stackTrace(r.getThrown())));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private Level originalLevel;

  @BeforeEach
  void captureLogs() {
    originalLevel = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(capture);
    originalErr = System.err;
    // the SDK logs through slf4j-simple, which writes to System.err
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    jul.removeHandler(capture);
    jul.setLevel(originalLevel);
    arm.close();
  }

  @Test
  void anArmErrorThatEchoesTheRequestNeverShowsItsSecrets() {
    AzureWorkerProvider provider = support.provider("vm");
    arm.fail("PUT", "", 1, 400, "InvalidParameter", "Invalid value for keyData '" + AzureTestSupport.SSH_KEY
        + "' and customData '" + AzureTestSupport.secrets().get(5) + "' (" + AzureTestSupport.CUSTOM_DATA.trim()
        + ")", Map.of());

    Throwable t = support.failure(provider,
        provider.provision(support.request("w-1", AzureTestSupport.vmTemplate(), WESTEUROPE, Duration.ofMinutes(5))));
    provider.close();

    assertThat(t).isInstanceOf(ProviderException.class);
    assertThat(((ProviderException) t).kind()).isEqualTo(FailureKind.INVALID);
    assertThat(t.getMessage()).contains("InvalidParameter").contains("***");
    assertNoSecretIn(stackTrace(t) + t);
    assertNoSecretIn(String.join("\n", logs));
    assertNoSecretIn(stderr.toString(StandardCharsets.UTF_8));
    assertThat(arm.requests("PUT", "").get(0).getHeader("Authorization")).contains(AzureTestSupport.TOKEN);
  }

  @Test
  void aSuccessfulVmAndContainerLifecycleLogsNoSecret() throws Exception {
    for (String kind : List.of("vm", "aci")) {
      AzureWorkerProvider provider = support.provider(kind);
      WorkerTemplate t = kind.equals("vm") ? AzureTestSupport.vmTemplate() : AzureTestSupport.aciTemplate();
      var w = support.await(provider,
          provider.provision(support.request("w-" + kind, t, WESTEUROPE, Duration.ofMinutes(5))));
      support.await(provider, provider.deprovision(support.deleteRequest("w-" + kind,
          java.util.Optional.of(w.resourceId()), WESTEUROPE)));
      assertNoSecretIn(w.toString());
      provider.close();
    }
    assertThat(logs).as("the provider logs what it does").isNotEmpty();
    assertNoSecretIn(String.join("\n", logs));
    assertNoSecretIn(stderr.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadSshKeyIsRejectedWithoutShowingIt() {
    WorkerTemplate t = AzureTestSupport.vmTemplate().toBuilder()
        .providerProperty("sshPublicKey", "not-a-key secret-material-123").build();

    try {
      AzureProviderFactory.validateTemplate("vm", t);
      throw new AssertionError("expected the template to be rejected");
    } catch (InvalidConfigurationException e) {
      assertThat(e.option()).isEqualTo("template[linux-vm].providerProperties.sshPublicKey");
      assertThat(e.getMessage()).doesNotContain("secret-material-123");
    }
  }

  @Test
  void theTokenSourcesTokenNeverShowsInToString() {
    AzureTokenSource.Token token = new AzureTokenSource.Token(AzureTestSupport.TOKEN, java.time.Instant.EPOCH);

    assertNoSecretIn(token.toString());
  }

  private static void assertNoSecretIn(String text) {
    for (String secret : AzureTestSupport.secrets()) {
      assertThat(text).doesNotContain(secret);
    }
    assertThat(text).doesNotContain("AAAAC3NzaC1lZDI1NTE5AAAAIFakeSecretKeyMaterial").doesNotContain("fake-secret-token")
        .doesNotContain("secret-agent-registration-token-42").doesNotContain("secure-env-secret-value-77");
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
