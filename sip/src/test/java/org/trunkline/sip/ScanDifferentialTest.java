package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scan as rewritten in the ninth parser session (line ends found by the below-SP test) gives
 * what the scan on main before it gave ({@link MainScanner}): every index row, every routing value,
 * the start line, the error (kind, header, line, column) and the framing, over the torture vectors
 * and seeded generated messages, as datagrams and as framed stream messages.
 */
class ScanDifferentialTest {
  private static final String[] NAMES = {
    "Via",
    "v",
    "From",
    "f",
    "To",
    "t",
    "Call-ID",
    "i",
    "CSeq",
    "Max-Forwards",
    "Content-Length",
    "l",
    "Content-Type",
    "Route",
    "Contact",
    "Allow",
    "P-Asserted-Identity",
    "X-Long-Unknown-Name",
    "Na me",
    "",
    "a\u00e9",
    "Supported"
  };
  private static final String[] SEPARATORS = {":", ": ", " :", ":\t", "\t: ", ":\r\n ", ":  "};
  private static final String[] PIECES = {
    "SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-a7f3c9e2b1d04f68;rport",
    "\"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>",
    ";tag=as6f1c2b3d",
    "3c26d2a84f1e4b7c9a0d5e6f7a8b9c0d@203.0.113.10",
    "102 INVITE",
    "70",
    "220",
    ",",
    " ",
    "\t",
    "\r\n ",
    "\r\n\t",
    "\r",
    "\n",
    "\u000b",
    "\u00e9t\u00e9",
    "\u001f",
    "a very long value of plain words that runs well past the first twenty-four bytes"
  };
  private static final String[] LINE_ENDS = {"\r\n", "\r\n", "\r\n", "\n", " \r\n", "\t\r\n"};

  private static byte[] randomMessage(Random random) {
    StringBuilder s =
        new StringBuilder(
            random.nextInt(6) == 0
                ? "SIP/2.0 200 OK\r\n"
                : "INVITE sip:+4930123456789@198.51.100.20:5060;user=phone SIP/2.0\r\n");
    if (random.nextBoolean()) {
      // the mandatory headers, good, for messages that parse
      s.append("Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-a7f3c9e2b1d04f68;rport\r\n")
          .append("From: \"ACME\" <sip:+4989987654321@203.0.113.10>;tag=as6f1c2b3d\r\n")
          .append("To: <sip:+4930123456789@198.51.100.20;user=phone>\r\n")
          .append("Call-ID: 3c26d2a84f1e4b7c9a0d5e6f7a8b9c0d@203.0.113.10\r\n")
          .append("CSeq: 102 INVITE\r\n");
    }
    int lines = random.nextInt(16);
    for (int i = 0; i < lines; i++) {
      String name = NAMES[random.nextInt(NAMES.length)];
      s.append(random.nextInt(4) == 0 ? name.toUpperCase(java.util.Locale.ROOT) : name);
      s.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      int pieces = random.nextInt(4);
      for (int k = 0; k < pieces; k++) {
        s.append(PIECES[random.nextInt(PIECES.length)]);
      }
      s.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
    }
    if (random.nextInt(8) != 0) {
      s.append(random.nextInt(4) == 0 ? "\n" : "\r\n");
    }
    int body = random.nextInt(3) == 0 ? 0 : random.nextInt(300);
    for (int k = 0; k < body; k++) {
      s.append(k % 37 == 36 ? "\r\n" : "x");
    }
    byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
    // sometimes cut short, to reach the incomplete paths near the end of the array
    return random.nextInt(5) == 0 ? Arrays.copyOf(b, random.nextInt(b.length + 1)) : b;
  }

  @Test
  void theScanIsTheOldScanOverTheTortureVectors() {
    int compared = 0;
    for (Vectors.Vector v : Vectors.all()) {
      assertSame(v.bytes(), v.name());
      compared++;
    }
    assertThat(compared).isGreaterThan(50);
  }

  @Test
  void theScanIsTheOldScanOverGeneratedMessages() {
    Random random = new Random(9);
    int failed = 0;
    int ok = 0;
    for (int round = 0; round < 40_000; round++) {
      byte[] b = randomMessage(random);
      SipMessage m = assertSame(b, new String(b, StandardCharsets.UTF_8));
      if (m.isOk()) {
        ok++;
      } else {
        failed++;
      }
    }
    // both outcomes are reached often
    assertThat(ok).isGreaterThan(400);
    assertThat(failed).isGreaterThan(400);
  }

  private static SipMessage assertSame(byte[] b, String what) {
    SipParser parser = new SipParser();
    MainScanner old = new MainScanner();
    SipMessage m = parser.parseDatagram(b);
    assertEqual(m, old.parseDatagram(b), "datagram " + what);
    assertEqual(
        parser.parseFramed(b, 0, b.length), old.parseFramed(b, 0, b.length), "framed " + what);
    // an offset into a larger array (bytes before and after the message)
    byte[] wide = new byte[b.length + 19];
    System.arraycopy(b, 0, wide, 7, b.length);
    Arrays.fill(wide, b.length + 7, wide.length, (byte) '\n');
    assertEqual(
        parser.parseDatagram(wide, 7, b.length),
        old.parseDatagram(wide, 7, b.length),
        "offset " + what);
    return m;
  }

  private static void assertEqual(SipMessage m, SipMessage o, String what) {
    assertThat(m.error).as(what).isEqualTo(o.error);
    assertThat(m.headerCount).as(what).isEqualTo(o.headerCount);
    assertThat(Arrays.copyOf(m.hdr, m.headerCount * SipMessage.STRIDE))
        .as(what)
        .containsExactly(Arrays.copyOf(o.hdr, o.headerCount * SipMessage.STRIDE));
    assertThat(
            new long[] {
              m.start,
              m.end,
              m.request ? 1 : 0,
              m.uriStart,
              m.uriEnd,
              m.status,
              m.reasonStart,
              m.reasonEnd,
              m.startLineEnd,
              m.bodyStart,
              m.bodyEnd,
              m.via,
              m.viaCount,
              m.from,
              m.to,
              m.callId,
              m.cseq,
              m.maxForwardsHeader,
              m.route,
              m.contentLengthHeader,
              m.contentTypeHeader,
              m.cseqNumber,
              m.maxForwards,
              m.contentLength,
              m.fromTagStart,
              m.fromTagEnd,
              m.toTagStart,
              m.toTagEnd,
              m.branchStart,
              m.branchEnd
            })
        .as(what)
        .containsExactly(
            o.start,
            o.end,
            o.request ? 1 : 0,
            o.uriStart,
            o.uriEnd,
            o.status,
            o.reasonStart,
            o.reasonEnd,
            o.startLineEnd,
            o.bodyStart,
            o.bodyEnd,
            o.via,
            o.viaCount,
            o.from,
            o.to,
            o.callId,
            o.cseq,
            o.maxForwardsHeader,
            o.route,
            o.contentLengthHeader,
            o.contentTypeHeader,
            o.cseqNumber,
            o.maxForwards,
            o.contentLength,
            o.fromTagStart,
            o.fromTagEnd,
            o.toTagStart,
            o.toTagEnd,
            o.branchStart,
            o.branchEnd);
    assertThat(m.method).as(what).isEqualTo(o.method);
    assertThat(m.cseqMethod).as(what).isEqualTo(o.cseqMethod);
  }
}
