package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;

/** Builds the SIP messages the auth tests exchange, through the real parser. */
final class Messages {
  static final String URI = "sip:+4930123@trunk.example.net";

  private Messages() {}

  /** A 401 or 407 carrying {@code values} in the kind's challenge header, in order. */
  static SipMessage challenge(ChallengeKind kind, List<String> values) {
    StringBuilder b =
        new StringBuilder("SIP/2.0 " + kind.status() + " " + kind.reason() + "\r\n").append(HEAD);
    for (String v : values) {
      b.append(kind.challengeHeader().name()).append(": ").append(v).append("\r\n");
    }
    return parse(b.append("Content-Length: 0\r\n\r\n").toString());
  }

  /** A response with arbitrary extra header lines (name: value). */
  static SipMessage response(int status, String reason, List<String> headerLines) {
    StringBuilder b = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n").append(HEAD);
    headerLines.forEach(l -> b.append(l).append("\r\n"));
    return parse(b.append("Content-Length: 0\r\n\r\n").toString());
  }

  /** An INVITE to {@link #URI} carrying {@code lines}. */
  static SipMessage invite(List<AuthorizationLine> lines) {
    StringBuilder b = new StringBuilder("INVITE " + URI + " SIP/2.0\r\n").append(HEAD);
    for (AuthorizationLine l : lines) {
      b.append(l.name().name()).append(": ").append(l.value()).append("\r\n");
    }
    return parse(b.append("Content-Length: 0\r\n\r\n").toString());
  }

  /** An INVITE with raw credential header values under {@code name}. */
  static SipMessage invite(HeaderName name, List<String> values) {
    return invite(values.stream().map(v -> new AuthorizationLine(name, v)).toList());
  }

  static SipMessage parse(String text) {
    SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.UTF_8));
    if (!m.isOk()) {
      throw new AssertionError("test message does not parse: " + m.error() + "\n" + text);
    }
    return m;
  }

  private static final String HEAD =
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKauth1\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:alice@example.com>;tag=a1\r\n"
          + "To: <"
          + URI
          + ">\r\n"
          + "Call-ID: auth-test-1\r\n"
          + "CSeq: 1 INVITE\r\n";
}
