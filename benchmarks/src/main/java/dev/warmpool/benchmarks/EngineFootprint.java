package dev.warmpool.benchmarks;

import dev.warmpool.api.WorkerPool;
import dev.warmpool.fake.VirtualClock;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Measures what JMH cannot: the heap each managed worker costs and the CPU time (not wall time) of one control pass
 * per managed worker, on the {@link EngineShapes#largePool} shape (20 templates over 100 placements) with 0 and with
 * 10,000 idle workers.
 *
 * <p>Heap: for each round, build the pool with 0 workers, force GC, read the used heap (MemoryMXBean), drop it; then
 * the same with 10,000 workers; the difference over 10,000 is the cost per worker. CPU: the thread's CPU time
 * (ThreadMXBean) of 200 {@code clock.advance(controlInterval)} calls, each running one control pass. Rounds are
 * repeated and the median is reported beside every round's value.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.warmpool.benchmarks.EngineFootprint [rounds] [json-file]}. Prints a
 * plain-text table; writes the numbers as JSON when a file is given.
 */
public final class EngineFootprint {
  private static final int WORKERS = EngineShapes.TEMPLATES * EngineShapes.PLACEMENTS * 5;
  private static final int PASSES = 200;

  private EngineFootprint() {}

  /**
   * Runs the measurement.
   *
   * @param args optional: the number of rounds (default 5), and a JSON file to write
   * @throws IOException if the JSON file cannot be written
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    PrintStream out = System.out;
    List<Double> bytesPerWorker = new ArrayList<>();
    List<Double> cpuNanosPerWorker = new ArrayList<>();
    List<Double> cpuMicrosEmptyPass = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long empty = usedWith(0);
      long full = usedWith(5);
      bytesPerWorker.add((full - empty) / (double) WORKERS);
      double emptyPass = cpuPerPass(0);
      double fullPass = cpuPerPass(5);
      cpuMicrosEmptyPass.add(emptyPass / 1_000.0);
      cpuNanosPerWorker.add(fullPass / WORKERS);
      out.printf(Locale.ROOT, "round %d: heap %d B (0 workers) %d B (%d workers) -> %.0f B/worker;"
          + " control pass CPU %.1f us (0 workers) %.1f us (%d workers) -> %.1f ns/worker%n", round, empty, full,
          WORKERS, bytesPerWorker.get(round), emptyPass / 1_000.0, fullPass / 1_000.0, WORKERS,
          cpuNanosPerWorker.get(round));
    }
    out.printf(Locale.ROOT, "median heap per managed worker: %.0f bytes (target at most 1024)%n",
        median(bytesPerWorker));
    out.printf(Locale.ROOT, "median control-pass CPU per managed worker: %.1f ns (target at most 2000 ns);"
        + " fixed part with 0 workers: %.1f us%n", median(cpuNanosPerWorker), median(cpuMicrosEmptyPass));
    if (args.length > 1) {
      String json = String.format(Locale.ROOT, "{\"workers\": %d, \"heapBytesPerWorker\": %s,"
          + " \"heapBytesPerWorkerMedian\": %.1f, \"controlPassCpuNanosPerWorker\": %s,"
          + " \"controlPassCpuNanosPerWorkerMedian\": %.2f, \"controlPassCpuMicrosAtZeroWorkers\": %s}%n",
          WORKERS, bytesPerWorker, median(bytesPerWorker), cpuNanosPerWorker, median(cpuNanosPerWorker),
          cpuMicrosEmptyPass);
      Files.writeString(Path.of(args[1]), json, StandardCharsets.UTF_8);
    }
  }

  /** The used heap, after GC, while a large-shape pool with {@code perShelf} workers per pair is alive. */
  private static long usedWith(int perShelf) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    VirtualClock clock = new VirtualClock();
    WorkerPool pool = EngineShapes.largePool(clock, new MemoryProvider(), perShelf);
    long used = usedAfterGc(memory);
    Reference.reachabilityFence(pool);
    Reference.reachabilityFence(clock);
    pool.closeAsync();
    clock.runDue();
    return used;
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The thread CPU time of one control pass, in nanoseconds, averaged over {@value #PASSES} passes. */
  private static double cpuPerPass(int perShelf) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    VirtualClock clock = new VirtualClock();
    WorkerPool pool = EngineShapes.largePool(clock, new MemoryProvider(), perShelf);
    for (int i = 0; i < PASSES; i++) {
      clock.advance(EngineShapes.CONTROL_INTERVAL); // warm-up
    }
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < PASSES; i++) {
      clock.advance(EngineShapes.CONTROL_INTERVAL);
    }
    long cpu = threads.getCurrentThreadCpuTime() - start;
    pool.closeAsync();
    clock.runDue();
    return cpu / (double) PASSES;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
