package dev.warmpool.core;

/** {@link FakeCloudReadmeExampleTest} on the local ledger (no store). */
class LocalFakeCloudReadmeExampleTest extends FakeCloudReadmeExampleTest {
  private final PoolMode mode = PoolMode.local();

  @Override
  public PoolMode mode() {
    return mode;
  }
}
