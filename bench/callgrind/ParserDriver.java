package org.trunkline.sip;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark INVITE (SipParserBenchmark.fullParse) or a REGISTER (scan + validate) n times after
 * w warm-up rounds, for callgrind (bench/callgrind/run.sh); or the bytes each step allocates.
 */
public class ParserDriver {
  static final String SDP = String.join("\r\n", "v=0", "o=- 1716542398 1716542398 IN IP4 203.0.113.11",
      "s=ACME-SBC", "c=IN IP4 203.0.113.11", "t=0 0", "m=audio 40000 RTP/AVP 0 8 101",
      "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv", "");
  static final String INVITE = String.join("\r\n",
      "INVITE sip:+4930123456789@198.51.100.20:5060;user=phone SIP/2.0",
      "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-a7f3c9e2b1d04f68;rport",
      "Max-Forwards: 70",
      "From: \"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>;tag=as6f1c2b3d",
      "To: <sip:+4930123456789@198.51.100.20;user=phone>",
      "Call-ID: 3c26d2a84f1e4b7c9a0d5e6f7a8b9c0d@203.0.113.10",
      "CSeq: 102 INVITE",
      "Contact: <sip:+4989987654321@203.0.113.10:5060;transport=udp>",
      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO",
      "Supported: replaces, timer, 100rel",
      "User-Agent: ACME-SBC/4.2.1",
      "P-Asserted-Identity: \"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>",
      "Content-Type: application/sdp",
      "Content-Length: " + SDP.getBytes(StandardCharsets.US_ASCII).length, "", "") + SDP;
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
    byte[] invite = INVITE.getBytes(StandardCharsets.US_ASCII);
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
    for (int i = 0; i < w + n; i++) {
      if (mode.equals("register")) sink = SipValidator.validate(parser.parseDatagram(msg));
      else full(parser, msg);
    }
  }
}
