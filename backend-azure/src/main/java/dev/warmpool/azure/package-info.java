/**
 * The Azure Resource Manager backend: provisions Warmpool workers as virtual machines or container groups.
 *
 * <p>The one public entry is {@link dev.warmpool.azure.AzureProviderFactory}, registered with
 * {@link java.util.ServiceLoader} under the name {@code "azure"}. No Azure SDK type appears in a public signature.
 */
package dev.warmpool.azure;
