package dev.warmpool.azure;

import static dev.warmpool.azure.AzureTestSupport.WESTEUROPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.spi.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No token, SSH key, custom data or secure environment value reaches a log or an exception message. The logs are
 * every SLF4J line of the test (the provider's at DEBUG, the SDK's), which slf4j-simple writes to target/test.log
 * (src/test/resources/simplelogger.properties).
 */
class SecretsTest {
  private static final Path LOG = Path.of("target", "test.log");
  private final FakeArm arm = new FakeArm();
  private final AzureTestSupport support = new AzureTestSupport(arm);
  private long logStart;

  @BeforeEach
  void markTheLog() throws IOException {
    org.slf4j.LoggerFactory.getLogger(SecretsTest.class);  // starts slf4j-simple, which creates the file
    logStart = Files.size(LOG);
  }

  @AfterEach
  void closeTheFakeServer() {
    arm.close();
  }

  /** What SLF4J logged since the test started. */
  private String logs() throws IOException {
    try (InputStream in = Files.newInputStream(LOG)) {
      in.skipNBytes(logStart);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void anArmErrorThatEchoesTheRequestNeverShowsItsSecrets() throws IOException {
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
    assertThat(logs()).as("the provider logs the failure").contains("failed: ").contains("worker=w-1");
    assertNoSecretIn(logs());
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
    assertThat(logs()).as("the provider logs what it does, on its logger, with the call's keys")
        .contains("DEBUG dev.warmpool.provider.azure - pool=")
        .contains("worker=w-vm").contains("worker=w-aci").contains("placement=azure/westeurope")
        .contains("template=").contains("resourceGroup=").contains("PUT ").contains("DELETE ");
    assertNoSecretIn(logs());
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
