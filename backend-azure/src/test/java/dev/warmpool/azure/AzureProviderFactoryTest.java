package dev.warmpool.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.WorkerTemplate;
import dev.warmpool.fake.VirtualClock;
import dev.warmpool.spi.ProviderContext;
import dev.warmpool.spi.ProviderFactories;
import dev.warmpool.spi.WorkerProvider;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings and template properties are checked when the pool is built, with messages that name them. */
class AzureProviderFactoryTest {
  private final AzureProviderFactory supplied =
      new AzureProviderFactory(scopes -> new AzureTokenSource.Token("t", Instant.EPOCH));

  private static Map<String, String> valid() {
    Map<String, String> s = new HashMap<>();
    s.put("subscription", "11111111-2222-3333-4444-555555555555");
    s.put("resourceGroup.westeurope", "warmpool-weu");
    s.put("kind", "aci");
    return s;
  }

  private static ProviderContext context(Map<String, String> settings) {
    return new ProviderContext("pool-a", "azure", settings, new VirtualClock());
  }

  private InvalidConfigurationException rejected(AzureProviderFactory factory, Map<String, String> settings) {
    try (WorkerProvider p = factory.create(context(settings))) {
      throw new AssertionError("expected the settings to be rejected, got " + p);
    } catch (InvalidConfigurationException e) {
      return e;
    }
  }

  @Test
  void serviceLoaderFindsTheFactoryByName() {
    assertThat(ProviderFactories.find("azure")).isInstanceOf(AzureProviderFactory.class);
    assertThat(ProviderFactories.available(getClass().getClassLoader())).contains("azure");
  }

  @Test
  void validSettingsMakeAProviderWithoutTouchingTheNetwork() {
    try (WorkerProvider p = supplied.create(context(valid()))) {
      assertThat(p).isInstanceOf(AzureWorkerProvider.class);
      assertThat(((AzureWorkerProvider) p).remainingWrites()).isEmpty();
    }
  }

  @Test
  void theDefaultCredentialNeedsNoSecretInTheSettings() {
    Map<String, String> s = valid();
    s.put("tenant", "contoso.onmicrosoft.com");
    s.put("kind", "vm");
    try (WorkerProvider p = new AzureProviderFactory().create(context(s))) {
      assertThat(p).isNotNull();
    }
  }

  @Test
  void aMissingSubscriptionIsNamed() {
    Map<String, String> s = valid();
    s.remove("subscription");

    InvalidConfigurationException e = rejected(supplied, s);

    assertThat(e.option()).isEqualTo("providers.azure.subscription");
    assertThat(e.getMessage()).contains("providers.azure.subscription is required");
  }

  @Test
  void aMalformedSubscriptionIsNamedWithItsValue() {
    Map<String, String> s = valid();
    s.put("subscription", "my-sub");

    assertThat(rejected(supplied, s).getMessage()).contains("providers.azure.subscription").contains("\"my-sub\"")
        .contains("GUID");
  }

  @Test
  void anUnknownKindListsTheAllowedOnes() {
    Map<String, String> s = valid();
    s.put("kind", "aks");

    assertThat(rejected(supplied, s).getMessage()).isEqualTo("providers.azure.kind must be one of [vm, aci], was \"aks\"");
  }

  @Test
  void atLeastOneResourceGroupIsRequired() {
    Map<String, String> s = valid();
    s.remove("resourceGroup.westeurope");

    assertThat(rejected(supplied, s).getMessage()).contains("providers.azure.resourceGroup.<region>");
  }

  @Test
  void aBadRegionOrGroupNameIsNamed() {
    Map<String, String> s = valid();
    s.put("resourceGroup.West Europe", "rg");
    assertThat(rejected(supplied, s).option()).isEqualTo("providers.azure.resourceGroup.West Europe");

    Map<String, String> t = valid();
    t.put("resourceGroup.westeurope", "bad/group");
    assertThat(rejected(supplied, t).getMessage()).contains("was \"bad/group\"");
  }

  @Test
  void aPlainHttpEndpointIsRefusedBecauseTokensTravelOnlyOverHttps() {
    Map<String, String> s = valid();
    s.put("endpoint", "http://127.0.0.1:8080/");

    InvalidConfigurationException e = rejected(supplied, s);

    assertThat(e.option()).isEqualTo("providers.azure.endpoint");
    assertThat(e.getMessage()).contains("https");
  }

  @Test
  void anEndpointWithUserInfoIsRefusedWithoutEchoingIt() {
    for (String endpoint : new String[] {"https://ops:hunter2secret@management.azure.com/",
        "http://ops:hunter2secret@127.0.0.1:8080/", "https://ops:hunter2secret@bad host/"}) {
      Map<String, String> s = valid();
      s.put("endpoint", endpoint);

      InvalidConfigurationException e = rejected(supplied, s);

      assertThat(e.option()).isEqualTo("providers.azure.endpoint");
      assertThat(e.getMessage()).contains("must not contain user info").doesNotContain("hunter2secret", "ops:");
    }
  }

  @Test
  void userInfoIsCutFromEveryUrlAMessagePrints() {
    assertThat(Redactor.NONE.apply("GET https://ops:hunter2@arm.example/x failed; see http://a@b/ and mailto:x@y"))
        .isEqualTo("GET https://***@arm.example/x failed; see http://***@b/ and mailto:x@y");
    assertThat(Redactor.NONE.apply("https://management.azure.com/subscriptions?api-version=1&x=a@b"))
        .isEqualTo("https://management.azure.com/subscriptions?api-version=1&x=a@b");
  }

  @Test
  void aPlacementInARegionWithoutAResourceGroupIsRefusedNamingTheSetting() {
    try (WorkerProvider p = supplied.create(context(valid()))) {
      p.validate(dev.warmpool.api.Placement.of("azure", "westeurope", "eu"));
      assertThatThrownBy(() -> p.validate(dev.warmpool.api.Placement.of("azure", "northeurope", "eu")))
          .isInstanceOfSatisfying(InvalidConfigurationException.class,
              e -> assertThat(e.option()).isEqualTo("providers.azure.resourceGroup.northeurope"))
          .hasMessage("placement azure/northeurope is in region \"northeurope\", which has no resource group: add"
              + " the setting providers.azure.resourceGroup.northeurope; configured regions: [westeurope]");
    }
  }

  @Test
  void theContextPrintsNoSecretSetting() {
    Map<String, String> s = valid();
    s.put("tenant", "contoso.onmicrosoft.com");
    s.put("clientSecret", "hunter2secret");
    assertThat(context(s).toString()).contains("kind=aci", "resourceGroup.westeurope=warmpool-weu", "tenant=***",
        "clientSecret=***").doesNotContain("hunter2secret", "11111111-2222");
  }

  @Test
  void anUnknownSettingIsRejectedWithTheKnownOnes() {
    Map<String, String> s = valid();
    s.put("subscriptionId", "x");

    assertThat(rejected(supplied, s).getMessage()).contains("unknown setting providers.azure.subscriptionId")
        .contains("subscription").contains("resourceGroup.<region>");
  }

  @Test
  void theCredentialSettingMustAgreeWithTheFactory() {
    Map<String, String> s = valid();
    s.put("credential", "supplied");
    assertThat(rejected(new AzureProviderFactory(), s).getMessage()).contains("no AzureTokenSource was given");

    Map<String, String> t = valid();
    t.put("credential", "managedIdentity");
    assertThat(rejected(supplied, t).getMessage()).contains("was given an AzureTokenSource");

    Map<String, String> u = valid();
    u.put("credential", "password");
    assertThat(rejected(supplied, u).getMessage()).contains("[default, managedIdentity, supplied]");
  }

  @Test
  void numbersAndDurationsAreCheckedWithTheirRange() {
    Map<String, String> s = valid();
    s.put("readRetries", "50");
    assertThat(rejected(supplied, s).getMessage()).isEqualTo("providers.azure.readRetries must be between 0 and 10, was 50");

    Map<String, String> t = valid();
    t.put("pollInterval", "10 seconds");
    assertThat(rejected(supplied, t).getMessage()).contains("ISO-8601").contains("PT10S");
  }

  @Test
  void aContainerTemplateNeedsAnImageAndPortsForAPublicAddress() {
    WorkerTemplate noImage = WorkerTemplate.builder("t").providerProperty("cpu", "1").build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("aci", noImage))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("template[t].providerProperties.image is required");

    WorkerTemplate noPorts = WorkerTemplate.builder("t").providerProperty("image", "nginx")
        .providerProperty("ipAddress", "public").build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("aci", noPorts))
        .hasMessageContaining("template[t].providerProperties.ports is required when ipAddress is public");

    WorkerTemplate typo = WorkerTemplate.builder("t").providerProperty("image", "nginx")
        .providerProperty("memory", "2").build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("aci", typo))
        .hasMessageContaining("template[t].providerProperties.memory is not a property of kind aci")
        .hasMessageContaining("memoryInGB");

    AzureProviderFactory.validateTemplate("aci", AzureTestSupport.aciTemplate());
  }

  @Test
  void aVmTemplateNeedsImageSizeSubnetUserAndKey() {
    AzureProviderFactory.validateTemplate("vm", AzureTestSupport.vmTemplate());
    for (String key : new String[] {"image", "vmSize", "subnetId", "adminUsername", "sshPublicKey"}) {
      Map<String, String> props = new HashMap<>(AzureTestSupport.vmTemplate().providerProperties());
      props.remove(key);
      WorkerTemplate t = WorkerTemplate.builder("v").providerProperties(props).build();
      assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("vm", t))
          .hasMessageContaining("template[v].providerProperties." + key + " is required");
    }
    WorkerTemplate badImage = AzureTestSupport.vmTemplate().toBuilder().providerProperty("image", "ubuntu").build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("vm", badImage))
        .hasMessageContaining("publisher:offer:sku:version");
    WorkerTemplate badSubnet = AzureTestSupport.vmTemplate().toBuilder().providerProperty("subnetId", "default")
        .build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("vm", badSubnet))
        .hasMessageContaining("/subnets/<subnet>");
    WorkerTemplate badPriority = AzureTestSupport.vmTemplate().toBuilder().providerProperty("priority", "low")
        .build();
    assertThatThrownBy(() -> AzureProviderFactory.validateTemplate("vm", badPriority))
        .hasMessageContaining("[regular, spot]");
  }

  @Test
  void theProviderValidatesTemplatesForItsOwnKind() {
    try (AzureWorkerProvider p = (AzureWorkerProvider) supplied.create(context(valid()))) {
      p.validate(AzureTestSupport.aciTemplate());
      assertThatThrownBy(() -> p.validate(AzureTestSupport.vmTemplate()))
          .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("is not a property of kind aci");
    }
  }
}
