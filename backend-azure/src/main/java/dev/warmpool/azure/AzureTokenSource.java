package dev.warmpool.azure;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Supplies Azure AD (Entra ID) access tokens for Azure Resource Manager, for callers who manage credentials
 * themselves. Pass one to {@link AzureProviderFactory#AzureProviderFactory(AzureTokenSource)}; without one the
 * provider uses azure-identity's {@code DefaultAzureCredential} (or what the {@code credential} setting names).
 *
 * <p>This interface keeps Azure SDK types out of Warmpool's public signatures: wrap an azure-identity
 * {@code TokenCredential} as {@code scopes -> toToken(credential.getTokenSync(new TokenRequestContext()
 * .setScopes(scopes)))}.
 *
 * <p>Implementations MUST be thread-safe; they are called from the provider's own threads, and SHOULD cache tokens
 * until shortly before they expire (the provider's pipeline caches them as well).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AzureTokenSource {

  /**
   * Gets a token.
   *
   * @param scopes the scopes asked for, e.g. {@code ["https://management.azure.com/.default"]}
   * @return a token valid for the scopes
   * @throws RuntimeException if no token can be had; the provider reports it as an INVALID failure that points at
   *     the credentials
   */
  Token token(List<String> scopes);

  /**
   * An access token. {@link #toString()} never shows the value.
   *
   * @param value the bearer token
   * @param expiresAt when it expires
   */
  record Token(String value, Instant expiresAt) {
    /**
     * Checks the components.
     *
     * @param value the bearer token
     * @param expiresAt when it expires
     * @throws NullPointerException if a component is null
     */
    public Token {
      Objects.requireNonNull(value, "value cannot be null");
      Objects.requireNonNull(expiresAt, "expiresAt cannot be null");
    }

    @Override
    public String toString() {
      return "Token[value=***, expiresAt=" + expiresAt + "]";
    }
  }
}
