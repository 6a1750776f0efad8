/**
 * The Kubernetes backend: workers as pods on one or more clusters, through the fabric8 client. The one public type is
 * {@link dev.warmpool.kubernetes.KubernetesProviderFactory}, found by {@link java.util.ServiceLoader} as
 * {@code "kubernetes"}; no fabric8 type appears in a public signature.
 */
package dev.warmpool.kubernetes;
