package org.trunkline.stack.transaction;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/** Request texts for the tests. */
final class Requests {
  private Requests() {}

  static String request(
      String method,
      InetSocketAddress from,
      InetSocketAddress to,
      String branch,
      String callId,
      long cseq) {
    String via =
        "SIP/2.0/UDP "
            + from.getAddress().getHostAddress()
            + ":"
            + from.getPort()
            + (branch == null ? "" : ";branch=" + branch);
    return method
        + " sip:bob@"
        + to.getAddress().getHostAddress()
        + ":"
        + to.getPort()
        + " SIP/2.0\r\n"
        + "Via: "
        + via
        + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=a1\r\n"
        + "To: <sip:bob@example.com>\r\n"
        + "Call-ID: "
        + callId
        + "\r\n"
        + "CSeq: "
        + cseq
        + " "
        + method
        + "\r\n"
        + "Contact: <sip:alice@"
        + from.getAddress().getHostAddress()
        + ":"
        + from.getPort()
        + ">\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** §13.2.2.4: the ACK for a 2xx: a new branch, the To of the response. */
  static byte[] ackFor2xx(
      SipMessage response, InetSocketAddress from, InetSocketAddress to, String branch) {
    return bytes(
        "ACK sip:bob@"
            + to.getAddress().getHostAddress()
            + ":"
            + to.getPort()
            + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP "
            + from.getAddress().getHostAddress()
            + ":"
            + from.getPort()
            + ";branch="
            + branch
            + "\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: "
            + response.header(HeaderName.FROM)
            + "\r\n"
            + "To: "
            + response.header(HeaderName.TO)
            + "\r\n"
            + "Call-ID: "
            + response.callId()
            + "\r\n"
            + "CSeq: "
            + response.cseqNumber()
            + " ACK\r\n"
            + "Content-Length: 0\r\n\r\n");
  }
}
