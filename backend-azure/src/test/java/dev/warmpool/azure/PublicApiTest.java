package dev.warmpool.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No Azure SDK type appears in a public signature, and the public surface is what docs/azure.md documents. */
class PublicApiTest {
  private static final List<Class<?>> PUBLIC_TYPES = List.of(AzureProviderFactory.class, AzureWorkerProvider.class,
      AzureTokenSource.class, AzureTokenSource.Token.class);

  @Test
  void noPublicSignatureMentionsAnAzureSdkType() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : PUBLIC_TYPES) {
      for (Executable e : Stream.concat(Stream.of(c.getDeclaredMethods()), Stream.of(c.getDeclaredConstructors()))
          .toList()) {
        if (!Modifier.isPublic(e.getModifiers()) && !Modifier.isProtected(e.getModifiers())) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(e.getGenericParameterTypes()));
        types.addAll(List.of(e.getGenericExceptionTypes()));
        if (e instanceof Method m) {
          types.add(m.getGenericReturnType());
        }
        for (Type t : types) {
          if (t.getTypeName().contains("com.azure") || t.getTypeName().contains("reactor.")) {
            leaks.add(c.getSimpleName() + "." + e.getName() + ": " + t.getTypeName());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void onlyTheDocumentedTypesArePublic() throws Exception {
    List<String> publicTypes = new ArrayList<>();
    String[] names = {"ArmErrors", "ArmPipeline", "AzureSettings", "BoundedRetryStrategy", "ContainerGroupClient",
        "KindClient", "ReadRetryPolicy", "Redactor", "ResourceNames", "Tagging", "TemplateProperties",
        "ThrottleBudget", "VirtualMachineClient", "WorkerKind", "AzureProviderFactory", "AzureWorkerProvider",
        "AzureTokenSource"};
    for (String n : names) {
      Class<?> c = Class.forName("dev.warmpool.azure." + n);
      if (Modifier.isPublic(c.getModifiers())) {
        publicTypes.add(n);
      }
    }
    assertThat(publicTypes).containsExactlyInAnyOrder("AzureProviderFactory", "AzureWorkerProvider",
        "AzureTokenSource");
    Constructor<?>[] ctors = AzureProviderFactory.class.getConstructors();
    assertThat(ctors).hasSize(2);
  }
}
