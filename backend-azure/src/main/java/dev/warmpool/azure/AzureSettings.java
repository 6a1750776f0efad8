package dev.warmpool.azure;

import dev.warmpool.api.InvalidConfigurationException;
import dev.warmpool.api.SafeText;
import dev.warmpool.spi.ProviderContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The provider's settings, parsed and checked once when the pool is built. Every problem names the setting as the
 * pool's configuration spells it ({@code providers.azure.subscription}) and the allowed values.
 *
 * <p>Immutable and thread-safe.
 */
final class AzureSettings {
  static final String SUBSCRIPTION = "subscription";
  static final String TENANT = "tenant";
  static final String RESOURCE_GROUP_PREFIX = "resourceGroup.";
  static final String ENDPOINT = "endpoint";
  static final String KIND = "kind";
  static final String CREDENTIAL = "credential";
  static final String MANAGED_IDENTITY_CLIENT_ID = "managedIdentityClientId";
  static final String POLL_INTERVAL = "pollInterval";
  static final String READ_RETRIES = "readRetries";
  static final String MAX_CONCURRENT_CALLS = "maxConcurrentCalls";

  static final String DEFAULT_ENDPOINT = "https://management.azure.com/";
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  static final int DEFAULT_READ_RETRIES = 3;
  static final int DEFAULT_MAX_CONCURRENT_CALLS = 8;

  private static final Set<String> KEYS = Set.of(SUBSCRIPTION, TENANT, ENDPOINT, KIND, CREDENTIAL,
      MANAGED_IDENTITY_CLIENT_ID, POLL_INTERVAL, READ_RETRIES, MAX_CONCURRENT_CALLS);
  private static final Pattern GUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,253}");
  /** ARM's rule for resource group names. */
  private static final Pattern RESOURCE_GROUP = Pattern.compile("[-\\w._()]{0,89}[-\\w_()]", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern REGION = Pattern.compile("[a-z0-9]{1,40}");

  /** How the provider gets its tokens. */
  enum Credential {
    /** azure-identity's DefaultAzureCredential (environment, workload identity, managed identity, CLI...). */
    DEFAULT("default"),
    /** A managed identity, system-assigned or the user-assigned one named by managedIdentityClientId. */
    MANAGED_IDENTITY("managedIdentity"),
    /** An {@link AzureTokenSource} given to the factory. */
    SUPPLIED("supplied");

    final String setting;

    Credential(String setting) {
      this.setting = setting;
    }
  }

  final String subscription;
  final Optional<String> tenant;
  final Map<String, String> resourceGroups;
  final URI endpoint;
  final WorkerKind kind;
  final Credential credential;
  final Optional<String> managedIdentityClientId;
  final Duration pollInterval;
  final int readRetries;
  final int maxConcurrentCalls;
  private final ProviderContext context;

  private AzureSettings(ProviderContext c, boolean tokenSourceSupplied) {
    this.context = c;
    Set<String> unknown = new TreeSet<>();
    Map<String, String> groups = new TreeMap<>();
    for (Map.Entry<String, String> e : c.settings().entrySet()) {
      String key = e.getKey();
      if (key.startsWith(RESOURCE_GROUP_PREFIX)) {
        String region = key.substring(RESOURCE_GROUP_PREFIX.length());
        if (!REGION.matcher(region).matches()) {
          throw invalid(key, "the region in " + c.option(key) + " must be an Azure region name in lower case "
              + "without spaces (e.g. westeurope), was " + SafeText.quote(region));
        }
        String group = e.getValue() == null ? "" : e.getValue().trim();
        if (!RESOURCE_GROUP.matcher(group).matches()) {
          throw invalid(key, c.option(key) + " must be a resource group name (1 to 90 letters, digits, '-', '_', "
              + "'.', '(' or ')', not ending with '.'), was " + SafeText.quote(group));
        }
        groups.put(region, group);
      } else if (!KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw invalid(first, "unknown setting " + c.option(first) + "; known settings: " + new TreeSet<>(KEYS)
          + " and " + RESOURCE_GROUP_PREFIX + "<region>");
    }
    if (groups.isEmpty()) {
      throw invalid(RESOURCE_GROUP_PREFIX + "<region>", "at least one " + c.option(RESOURCE_GROUP_PREFIX + "<region>")
          + " setting is required: the resource group that holds the workers of each region (e.g. "
          + c.option(RESOURCE_GROUP_PREFIX + "westeurope") + "=warmpool-weu)");
    }
    this.resourceGroups = Collections.unmodifiableMap(groups);

    this.subscription = c.requireSetting(SUBSCRIPTION, "the Azure subscription id (a GUID)").trim();
    if (!GUID.matcher(subscription).matches()) {
      throw invalid(SUBSCRIPTION, c.option(SUBSCRIPTION) + " must be a subscription id (a GUID such as "
          + "00000000-0000-0000-0000-000000000000), was " + SafeText.quote(subscription));
    }
    this.tenant = c.setting(TENANT).map(String::trim);
    tenant.ifPresent(t -> {
      if (!TENANT_NAME.matcher(t).matches()) {
        throw invalid(TENANT, c.option(TENANT) + " must be a tenant id (GUID) or domain (contoso.onmicrosoft.com), "
            + "was " + SafeText.quote(t));
      }
    });

    String kindValue = c.requireSetting(KIND, "the kind of worker: vm or aci");
    this.kind = WorkerKind.parse(kindValue);
    if (kind == null) {
      throw invalid(KIND, c.option(KIND) + " must be one of [vm, aci], was " + SafeText.quote(kindValue));
    }

    String endpointValue = c.setting(ENDPOINT).map(String::trim).orElse(DEFAULT_ENDPOINT);
    this.endpoint = parseEndpoint(endpointValue);

    String credentialValue = c.setting(CREDENTIAL).map(String::trim)
        .orElse(tokenSourceSupplied ? Credential.SUPPLIED.setting : Credential.DEFAULT.setting);
    Credential cred = null;
    for (Credential k : Credential.values()) {
      if (k.setting.equalsIgnoreCase(credentialValue)) {
        cred = k;
      }
    }
    if (cred == null) {
      throw invalid(CREDENTIAL, c.option(CREDENTIAL) + " must be one of [default, managedIdentity, supplied], was "
          + SafeText.quote(credentialValue));
    }
    if (cred == Credential.SUPPLIED && !tokenSourceSupplied) {
      throw invalid(CREDENTIAL, c.option(CREDENTIAL) + " is \"supplied\" but no AzureTokenSource was given: create "
          + "the factory with new AzureProviderFactory(tokenSource)");
    }
    if (cred != Credential.SUPPLIED && tokenSourceSupplied) {
      throw invalid(CREDENTIAL, c.option(CREDENTIAL) + " is \"" + cred.setting + "\" but the factory was given an "
          + "AzureTokenSource; remove the setting or set it to \"supplied\"");
    }
    this.credential = cred;
    this.managedIdentityClientId = c.setting(MANAGED_IDENTITY_CLIENT_ID).map(String::trim);
    if (managedIdentityClientId.isPresent() && cred != Credential.MANAGED_IDENTITY) {
      throw invalid(MANAGED_IDENTITY_CLIENT_ID, c.option(MANAGED_IDENTITY_CLIENT_ID) + " applies only when "
          + c.option(CREDENTIAL) + " is managedIdentity, was " + cred.setting);
    }

    this.pollInterval = c.setting(POLL_INTERVAL).map(v -> parseDuration(POLL_INTERVAL, v)).orElse(DEFAULT_POLL_INTERVAL);
    if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.compareTo(Duration.ofMinutes(5)) > 0) {
      throw invalid(POLL_INTERVAL, c.option(POLL_INTERVAL) + " must be between PT0.001S and PT5M, was " + pollInterval);
    }
    this.readRetries = c.setting(READ_RETRIES).map(v -> parseInt(READ_RETRIES, v, 0, 10)).orElse(DEFAULT_READ_RETRIES);
    this.maxConcurrentCalls = c.setting(MAX_CONCURRENT_CALLS).map(v -> parseInt(MAX_CONCURRENT_CALLS, v, 1, 256))
        .orElse(DEFAULT_MAX_CONCURRENT_CALLS);
  }

  /**
   * Parses and checks settings.
   *
   * @param context the provider's context
   * @param tokenSourceSupplied whether the factory was given an {@link AzureTokenSource}
   * @return the settings
   * @throws InvalidConfigurationException naming the first bad setting
   */
  static AzureSettings parse(ProviderContext context, boolean tokenSourceSupplied) {
    return new AzureSettings(context, tokenSourceSupplied);
  }

  /** {@return the resource group for a region, if the provider serves it} */
  Optional<String> resourceGroup(String region) {
    return Optional.ofNullable(resourceGroups.get(region));
  }

  /** {@return the option name of a setting, for messages} */
  String option(String key) {
    return context.option(key);
  }

  /** {@return the token scope for the endpoint: the endpoint's origin plus {@code /.default}} */
  String scope() {
    String s = endpoint.getScheme() + "://" + endpoint.getAuthority();
    if (s.equalsIgnoreCase("https://management.azure.com")) {
      return "https://management.azure.com/.default";
    }
    return s + "/.default";
  }

  private URI parseEndpoint(String value) {
    // the value itself is never echoed when it may carry credentials: only with its user info cut out
    String shown = SafeText.quote(Redactor.withoutUserInfo(value));
    if (!Redactor.withoutUserInfo(value).equals(value)) {
      throw invalid(ENDPOINT, context.option(ENDPOINT) + " must not contain user info (user:password@): ARM takes"
          + " credentials only through the credential setting; the value is not shown");
    }
    try {
      URI uri = new URI(value.endsWith("/") ? value : value + "/");
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw invalid(ENDPOINT, context.option(ENDPOINT) + " must be an https URL (ARM sends bearer tokens over https "
            + "only), e.g. https://management.azure.com/ or https://management.usgovcloudapi.net/, was " + shown);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(ENDPOINT, context.option(ENDPOINT) + " must be an https URL, was " + shown);
    }
  }

  private Duration parseDuration(String key, String value) {
    try {
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(key, context.option(key) + " must be an ISO-8601 duration such as PT10S, was " + SafeText.quote(value));
    }
  }

  private int parseInt(String key, String value, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, context.option(key) + " must be an integer between " + min + " and " + max + ", was "
          + SafeText.quote(value));
    }
    if (v < min || v > max) {
      throw invalid(key, context.option(key) + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  private InvalidConfigurationException invalid(String key, String message) {
    return new InvalidConfigurationException(context.option(key), message);
  }
}
