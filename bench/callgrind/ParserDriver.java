package org.trunkline.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.SipValidator;

/**
 * The benchmark's INVITE ({@link SipParserBenchmark#INVITE}) through {@code fullParse}'s steps or
 * {@code scanAndIndex}'s, or a REGISTER (scan + validate), n times after w warm-up rounds, for
 * callgrind (bench/callgrind/run.sh); or the bytes each step allocates. Not in the benchmarks jar:
 * run.sh compiles it against the jar it measures, so any jar with SipParserBenchmark can be counted.
 */
public class ParserDriver {
  static final String REGISTER = String.join("\r\n",
      "REGISTER sip:198.51.100.20 SIP/2.0",
      "Via: SIP/2.0/UDP 203.0.113.50:5060;branch=z9hG4bK-77aa12;rport",
      "Max-Forwards: 70",
      "From: <sip:acme@198.51.100.20>;tag=8d1e2f",
      "To: <sip:acme@198.51.100.20>",
      "Call-ID: 9f8e7d6c5b4a@203.0.113.50",
      "CSeq: 2 REGISTER",
      "Contact: <sip:acme@203.0.113.50:5060>;expires=3600",
      "Authorization: Digest username=\"acme\", realm=\"trunkline\", nonce=\"abc\", uri=\"sip:198.51.100.20\", response=\"0123456789abcdef0123456789abcdef\"",
      "Expires: 3600",
      "User-Agent: PBX/1.0",
      "Content-Length: 0", "", "");

  static Object sink;

  /** scanAndIndex's body: the scan and the routing reads, which do not allocate. */
  static long scan(SipParser parser, byte[] b) {
    SipMessage m = parser.parseDatagram(b);
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

  static void full(SipParser parser, byte[] b) {
    SipMessage m = parser.parseDatagram(b);
    sink = SipValidator.validate(m);
    sink = m.requestUri();
    sink = m.vias();
    sink = m.from();
    sink = m.to();
    sink = m.contacts();
    sink = m.routes();
  }

  public static void main(String[] a) {
    String mode = a[0];
    int w = Integer.parseInt(a[1]);
    int n = Integer.parseInt(a[2]);
    byte[] invite = SipParserBenchmark.INVITE.getBytes(StandardCharsets.US_ASCII);
    byte[] register = REGISTER.getBytes(StandardCharsets.US_ASCII);
    SipParser parser = new SipParser();
    if (SipValidator.validate(parser.parseDatagram(invite)) != null
        || SipValidator.validate(parser.parseDatagram(register)) != null) {
      throw new IllegalStateException();
    }
    if (mode.equals("bytes")) {
      ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long id = Thread.currentThread().getId();
      for (int i = 0; i < w; i++) {
        full(parser, invite);
        sink = SipValidator.validate(parser.parseDatagram(register));
      }
      long t0 = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) sink = parser.parseDatagram(invite);
      long t1 = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) sink = SipValidator.validate(parser.parseDatagram(invite));
      long t2 = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) full(parser, invite);
      long t3 = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) sink = parser.parseDatagram(register);
      long t4 = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < n; i++) sink = SipValidator.validate(parser.parseDatagram(register));
      long t5 = mx.getThreadAllocatedBytes(id);
      System.out.printf("INVITE scan %d B, scan+validate %d B, full %d B; REGISTER scan %d B, scan+validate %d B%n",
          (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n, (t4 - t3) / n, (t5 - t4) / n);
      return;
    }
    byte[] msg = mode.equals("register") ? register : invite;
    long sum = 0;
    for (int i = 0; i < w + n; i++) {
      if (mode.equals("register")) sink = SipValidator.validate(parser.parseDatagram(msg));
      else if (mode.equals("scan")) sum += scan(parser, msg);
      else full(parser, msg);
    }
    sink = sum;
  }
}
