package org.trunkline.bench;

import java.nio.charset.StandardCharsets;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;

/**
 * Runs {@link SipParserBenchmark#scanAndIndex}'s body W + N times, for instruction counts under
 * valgrind (see count.sh beside it). Not part of the benchmarks jar: count.sh compiles it against
 * the jar it measures, so that any jar can be counted.
 */
public final class ScanCount {
  public static void main(String[] args) {
    int warm = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    byte[] invite = SipParserBenchmark.INVITE.getBytes(StandardCharsets.US_ASCII);
    SipParser parser = new SipParser();
    long sum = run(parser, invite, warm);
    sum += run(parser, invite, n);
    System.out.println(sum);
  }

  static long run(SipParser parser, byte[] invite, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += one(parser, invite);
    }
    return sum;
  }

  static long one(SipParser parser, byte[] invite) {
    SipMessage m = parser.parseDatagram(invite);
    long s = m.isOk() ? 1 : 0;
    s += java.util.Objects.hashCode(m.method());
    s += m.maxForwards();
    s += m.cseqNumber();
    s += java.util.Objects.hashCode(m.cseqMethod());
    s += m.viaCount();
    s += m.hasRoute() ? 1 : 0;
    s += m.contentLength();
    return s;
  }
}
