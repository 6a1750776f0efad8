package dev.warmpool.spi;

/**
 * Provider factories for {@link ProviderFactoriesTest}. None is registered on the test class path: each scenario
 * names the ones it wants in its own services file.
 */
public final class TestFactories {
  private TestFactories() {}

  /** A factory that only has a name. */
  abstract static class Named implements ProviderFactory {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public WorkerProvider create(ProviderContext context) {
      throw new UnsupportedOperationException("test factory " + name + " creates no provider");
    }
  }

  /** Registers "alpha". */
  public static final class Alpha extends Named {
    /** Creates it. */
    public Alpha() {
      super("alpha");
    }
  }

  /** Registers "alpha" too. */
  public static final class AlphaAgain extends Named {
    /** Creates it. */
    public AlphaAgain() {
      super("alpha");
    }
  }

  /** Registers "beta". */
  public static final class Beta extends Named {
    /** Creates it. */
    public Beta() {
      super("beta");
    }
  }

  /** Cannot be created. */
  public static final class Exploding extends Named {
    /** Always fails. */
    public Exploding() {
      super("exploding");
      throw new IllegalStateException("boom: no credentials");
    }
  }

  /** Is created, but fails to say its name. */
  public static final class Nameless extends Named {
    /** Creates it. */
    public Nameless() {
      super("nameless");
    }

    @Override
    public String name() {
      throw new IllegalStateException("name unavailable");
    }
  }

  /** Is named in a services file but is no factory. */
  public static final class NotAFactory {
    /** Creates it. */
    public NotAFactory() {}
  }
}
