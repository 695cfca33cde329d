package org.trunkline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler for a shared machine: reports how much of each iteration the benchmark threads
 * were actually on a CPU ({@code cpu.share}, 1.0 = never descheduled) and the score scaled by that
 * share ({@code cpu.time}, in the benchmark's unit per op). When other processes compete for the
 * cores, wall-clock scores grow with the queue length while {@code cpu.time} stays close to what a
 * quiet machine would show. It is a supplement: cache and frequency effects of the competition are
 * still in it, and the targets are judged on the JMH score.
 *
 * <p>Use with {@code -prof org.trunkline.bench.CpuTimeProfiler}. Runs in the benchmark JVM; JMH
 * calls it from its control thread between iterations.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> cpuAtStart = new HashMap<>();
  private long wallAtStart;

  @Override
  public String getDescription() {
    return "CPU time of the JMH worker threads per op, and their share of the wall-clock time";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuAtStart.clear();
    for (Thread t : workers()) {
      cpuAtStart.put(t.threadId(), threads.getThreadCpuTime(t.threadId()));
    }
    wallAtStart = System.nanoTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long wall = System.nanoTime() - wallAtStart;
    long cpu = 0;
    for (Thread t : workers()) {
      long now = threads.getThreadCpuTime(t.threadId());
      // a worker started during this iteration counts from zero
      cpu += now - cpuAtStart.getOrDefault(t.threadId(), 0L);
    }
    int workers = benchmarkParams.getThreads();
    double share = wall <= 0 ? Double.NaN : (double) cpu / ((double) wall * workers);
    double score = result.getPrimaryResult().getScore();
    String unit = result.getPrimaryResult().getScoreUnit();
    return List.of(
        new ScalarResult("cpu.share", share, "ratio", AggregationPolicy.AVG),
        new ScalarResult("cpu.time", score * share, unit, AggregationPolicy.AVG));
  }

  private static List<Thread> workers() {
    List<Thread> out = new ArrayList<>(2);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("jmh-worker")) {
        out.add(t);
      }
    }
    return out;
  }
}
