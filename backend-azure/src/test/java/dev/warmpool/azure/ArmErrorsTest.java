package dev.warmpool.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warmpool.api.FailureKind;
import dev.warmpool.spi.ProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The classification table of AZURE-NOTES.md, one row at a time. */
class ArmErrorsTest {
  private static ProviderException classify(int status, String code, String message) {
    return ArmErrors.classify(status, code, message, null, "call", Redactor.NONE);
  }

  @Test
  void throttlingIsKnownByStatusOrCode() {
    assertThat(classify(429, "", "").kind()).isEqualTo(FailureKind.THROTTLED);
    assertThat(classify(200, "ResourceRequestsThrottled", "").kind()).isEqualTo(FailureKind.THROTTLED);
  }

  @Test
  void capacityCodesAreCapacityWhateverTheStatus() {
    for (String code : new String[] {"AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest",
        "SkuNotAvailable"}) {
      assertThat(classify(409, code, "").kind()).as(code).isEqualTo(FailureKind.CAPACITY);
      assertThat(classify(200, code, "").kind()).as(code).isEqualTo(FailureKind.CAPACITY);
    }
    for (String code : new String[] {"QuotaExceeded", "StandardCoresQuotaExceeded", "ContainerGroupQuotaReached"}) {
      assertThat(classify(409, code, "").kind()).as(code).isEqualTo(FailureKind.QUOTA);
      assertThat(classify(200, code, "").kind()).as(code).isEqualTo(FailureKind.QUOTA);
    }
    assertThat(classify(409, "OperationNotAllowed", "exceeding approved Total Regional Cores quota"))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(FailureKind.QUOTA))
        .satisfies(e -> assertThat(e.getMessage()).contains("raise the quota"));
    assertThat(classify(409, "OperationNotAllowed", "the VM is being deleted").kind()).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void serviceUnavailableIsCapacityOn409AndTransientOn503() {
    assertThat(classify(409, "ServiceUnavailable", "").kind()).isEqualTo(FailureKind.CAPACITY);
    assertThat(classify(503, "ServiceUnavailable", "").kind()).isEqualTo(FailureKind.TRANSIENT);
  }

  @Test
  void serverErrorsAndTimeoutsAreTransientAndKeepRetryAfter() {
    for (int status : new int[] {408, 500, 502, 503, 504}) {
      assertThat(classify(status, "", "").kind()).as("%s", status).isEqualTo(FailureKind.TRANSIENT);
    }
    ProviderException e = ArmErrors.classify(503, "", "", "30", "call", Redactor.NONE);
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(30));
  }

  @Test
  void notFoundIsNotFoundButAMissingResourceGroupIsConfiguration() {
    assertThat(classify(404, "ResourceNotFound", "").kind()).isEqualTo(FailureKind.NOT_FOUND);
    ProviderException rg = classify(404, "ResourceGroupNotFound", "Resource group 'x' could not be found.");
    assertThat(rg.kind()).isEqualTo(FailureKind.INVALID);
    assertThat(rg.getMessage()).contains("resourceGroup.<region>");
  }

  @Test
  void badRequestsAreInvalid() {
    assertThat(classify(400, "InvalidParameter", "").kind()).isEqualTo(FailureKind.INVALID);
    assertThat(classify(400, "InvalidTemplate", "").kind()).isEqualTo(FailureKind.INVALID);
  }

  @Test
  void aFailedOperationIsJudgedByItsCodeNotItsStatus() {
    ProviderException bad = ArmErrors.classifyFailedOperation(new com.azure.core.management.polling.PollResult.Error(
        "failed", 201, new com.azure.core.http.HttpHeaders(),
        "{\"status\":\"Failed\",\"error\":{\"code\":\"InvalidParameter\",\"message\":\"bad image\"}}"),
        "call", Redactor.NONE);
    assertThat(bad.kind()).isEqualTo(FailureKind.INVALID);

    ProviderException unknown = ArmErrors.classifyFailedOperation(new com.azure.core.management.polling.PollResult
        .Error("failed", 201, new com.azure.core.http.HttpHeaders(), "{\"status\":\"Failed\"}"), "call",
        Redactor.NONE);
    assertThat(unknown.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(unknown.code()).isEqualTo("OperationFailed");
  }

  @Test
  void retryAfterAcceptsAnHttpDate() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(90));
    assertThat(ArmErrors.parseRetryAfter(in90s)).isBetween(Duration.ofSeconds(80), Duration.ofSeconds(91));
    assertThat(ArmErrors.parseRetryAfter("soon")).isNull();
    assertThat(ArmErrors.parseRetryAfter("-1")).isNull();
  }

  @Test
  void transportFailuresAreUnwrappedFromReactorAndFutures() {
    RuntimeException wrapped = reactor.core.Exceptions.propagate(new ConnectException("Connection refused"));
    ProviderException e = ArmErrors.classify(new CompletionException(wrapped), "call", Redactor.NONE);

    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(e.code()).isEqualTo("ConnectionFailed");
    assertThat(ArmErrors.classify(new IOException("reset"), "call", Redactor.NONE).code())
        .isEqualTo("ConnectionFailed");
  }

  @Test
  void anArmErrorBodyGivesItsCodeAndMessage() {
    assertThat(ArmErrors.codeAndMessage("{\"error\":{\"code\":\"AllocationFailed\",\"message\":\"no room\"}}"))
        .containsExactly("AllocationFailed", "no room");
    assertThat(ArmErrors.codeAndMessage("<html>bad gateway</html>")).containsExactly("", "");
  }
}
