package org.trunkline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link RtpLoad}'s traffic in the C program {@code bench/media/rtpgen.c} ({@code GEN=c}): the
 * program binds the generator's sockets and sends, receives and times the RTP; this class only
 * passes it the relay's addresses and reads its counters. Its protocol (text lines on stdin and
 * stdout) is described at the top of {@code rtpgen.c}. Used by one thread.
 */
final class CRtpGen implements AutoCloseable {
  private static final Pattern KV = Pattern.compile("(\\S+?)=(\\S+)");

  private final Process proc;
  private final BufferedReader out;
  private final PrintWriter in;
  private final int[] aPorts;
  private final int[] bPorts;

  /**
   * Starts {@code exe} with {@code k} sockets per side and {@code args} (GRAN_US, CHUNK) and reads
   * the ports it bound.
   */
  CRtpGen(String exe, int k, List<String> args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(exe, Integer.toString(k)));
    cmd.addAll(args);
    proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out =
        new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.US_ASCII));
    in = new PrintWriter(proc.getOutputStream(), false, StandardCharsets.US_ASCII);
    String[] f = expect("PORTS").split(" ");
    if (f.length != 1 + 2 * k) {
      throw new IOException("rtpgen: expected " + 2 * k + " ports, got: " + String.join(" ", f));
    }
    aPorts = new int[k];
    bPorts = new int[k];
    for (int i = 0; i < k; i++) {
      aPorts[i] = Integer.parseInt(f[1 + i]);
      bPorts[i] = Integer.parseInt(f[1 + k + i]);
    }
  }

  long pid() {
    return proc.pid();
  }

  /** Side A's socket of call {@code i}. */
  InetSocketAddress a(int i) {
    return new InetSocketAddress("127.0.0.1", aPorts[i % aPorts.length]);
  }

  /** Side B's socket of call {@code i}. */
  InetSocketAddress b(int i) {
    return new InetSocketAddress("127.0.0.1", bPorts[i % bPorts.length]);
  }

  int[] localPorts() {
    int[] p = new int[aPorts.length + bPorts.length];
    System.arraycopy(aPorts, 0, p, 0, aPorts.length);
    System.arraycopy(bPorts, 0, p, aPorts.length, bPorts.length);
    return p;
  }

  /**
   * Runs the traffic: call {@code i}'s side A sends to {@code fromA[i]}, its side B to {@code
   * fromB[i]}; {@code atGo} runs just before the first packet. Returns the program's DONE fields
   * (sent, received, lat_*_us, tx_late_ticks, tx_late_max_us, tx_lag_max_us, gen_cpu_us,
   * elapsed_us); its sockets stay open (for their drop counters) until {@link #close}.
   */
  Map<String, Long> run(
      InetSocketAddress[] fromA, InetSocketAddress[] fromB, int seconds, Runnable atGo)
      throws IOException {
    in.printf("RUN %d %d%n", fromA.length, seconds);
    for (int i = 0; i < fromA.length; i++) {
      in.printf(
          "%s %d %s %d%n",
          fromA[i].getAddress().getHostAddress(),
          fromA[i].getPort(),
          fromB[i].getAddress().getHostAddress(),
          fromB[i].getPort());
    }
    in.flush();
    expect("GO");
    atGo.run();
    Map<String, Long> done = new HashMap<>();
    Matcher m = KV.matcher(expect("DONE"));
    while (m.find()) {
      done.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return done;
  }

  private String expect(String word) throws IOException {
    String line = out.readLine();
    if (line == null || !line.startsWith(word)) {
      throw new IOException("rtpgen: expected " + word + ", got " + line + " (see its stderr)");
    }
    return line;
  }

  /** Closes its stdin, so that it closes its sockets and exits. */
  @Override
  public void close() {
    in.close();
    try {
      if (!proc.waitFor(5, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
      }
    } catch (InterruptedException e) {
      proc.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The generator's CPU over its run, in % of one core. */
  static double cpuPct(Map<String, Long> done) {
    return 100.0 * done.get("gen_cpu_us") / Math.max(1, done.get("elapsed_us"));
  }
}
