package dev.warmpool.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import java.util.OptionalInt;

/**
 * The remaining ARM request budget, as the last response said in its {@code x-ms-ratelimit-remaining-*} headers.
 * ARM throttles per subscription and region with a token bucket; a pool that reads these values can slow down
 * before ARM answers 429. Thread-safe: each value is one volatile int, -1 when unknown.
 */
final class ThrottleBudget {
  static final String WRITES = "x-ms-ratelimit-remaining-subscription-writes";
  static final String DELETES = "x-ms-ratelimit-remaining-subscription-deletes";
  static final String READS = "x-ms-ratelimit-remaining-subscription-reads";
  private static final HttpHeaderName WRITES_HEADER = HttpHeaderName.fromString(WRITES);
  private static final HttpHeaderName DELETES_HEADER = HttpHeaderName.fromString(DELETES);
  private static final HttpHeaderName READS_HEADER = HttpHeaderName.fromString(READS);

  private volatile int writes = -1;
  private volatile int deletes = -1;
  private volatile int reads = -1;

  /** Records the headers of one response; called by the pipeline for every response. */
  void record(HttpResponse response) {
    writes = read(response, WRITES_HEADER, writes);
    deletes = read(response, DELETES_HEADER, deletes);
    reads = read(response, READS_HEADER, reads);
  }

  OptionalInt writes() {
    return of(writes);
  }

  OptionalInt deletes() {
    return of(deletes);
  }

  OptionalInt reads() {
    return of(reads);
  }

  private static int read(HttpResponse response, HttpHeaderName header, int previous) {
    String v = response.getHeaderValue(header);
    if (v == null) {
      return previous;
    }
    try {
      return Math.max(0, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return previous;
    }
  }

  private static OptionalInt of(int v) {
    return v < 0 ? OptionalInt.empty() : OptionalInt.of(v);
  }
}
