package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.HeaderName;
import org.trunkline.stack.auth.AuthorizationLine;
import org.trunkline.stack.transaction.Peer;

/**
 * What {@link SipClient} refuses to write (it no longer parses what it wrote): the cases the
 * layer's parse of the written request used to catch, answered as a local 503 "cannot send".
 */
class SipClientWriteTest {
  private static final Peer PEER =
      new Peer(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060));

  private static OutboundRequest req(String method, String uri, String from, String callId) {
    return OutboundRequest.to(
        PEER, method, uri, from, "<sip:b@example.com>", callId, 1, List.of(), null);
  }

  @Test
  void aWellFormedRequestIsWritable() {
    assertThat(
            SipClient.unwritable(
                req("OPTIONS", "sip:b@example.com", "<sip:a@{local}>;tag=1", "c1@x")))
        .isNull();
    assertThat(SipClient.unwritable(req("X-CUSTOM.1", "sip:b@example.com", "<sip:a@x>", "c")))
        .isNull();
  }

  @Test
  void badMethodsAndLinesAreRefusedWithTheReason() {
    assertThat(SipClient.unwritable(req("OPT IONS", "sip:b@example.com", "<sip:a@x>", "c")))
        .isEqualTo("method is not a token: OPT IONS");
    assertThat(SipClient.unwritable(req("ACK", "sip:b@example.com", "<sip:a@x>", "c")))
        .startsWith("an ACK has no client transaction");
    assertThat(
            SipClient.unwritable(
                req("OPTIONS", "sip:b@example.com", "<sip:a@x>\r\nX-Evil: 1", "c")))
        .startsWith("From is empty or has CR/LF");
    assertThat(SipClient.unwritable(req("OPTIONS", "sip:b@example.com", "<sip:a@x>", " ")))
        .startsWith("Call-ID is empty or has CR/LF");
    assertThat(SipClient.unwritable(req("OPTIONS", "sip:b @example.com", "<sip:a@x>", "c")))
        .startsWith("Request-URI or Call-ID with a space");
  }

  @Test
  void writesTheRequestLineByLineAsUtf8WithTheLocalAddressFilledIn() {
    OutboundRequest r =
        new OutboundRequest(
            "MESSAGE",
            "sip:b@example.com",
            "\"Zo\u00eb \ud83d\ude00\" <sip:a@{local}>;tag=t1",
            "<sip:b@example.com>",
            "c1@x",
            7,
            List.of("Contact: <sip:a@{local}>;q=1 <sip:{local}>", "Expires: 60"),
            "text/plain",
            "h\u00e9".getBytes(StandardCharsets.UTF_8),
            PEER,
            null,
            null,
            null);
    byte[] b =
        SipClient.write(
            r,
            Transport.TCP,
            "10.0.0.1:5070",
            "z9hG4bKab.1",
            8,
            List.of(new AuthorizationLine(HeaderName.AUTHORIZATION, "Digest username=\"\u00e9\"")));
    String expected =
        "MESSAGE sip:b@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 10.0.0.1:5070;branch=z9hG4bKab.1;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: \"Zo\u00eb \ud83d\ude00\" <sip:a@10.0.0.1:5070>;tag=t1\r\n"
            + "To: <sip:b@example.com>\r\n"
            + "Call-ID: c1@x\r\n"
            + "CSeq: 8 MESSAGE\r\n"
            + "Contact: <sip:a@10.0.0.1:5070>;q=1 <sip:10.0.0.1:5070>\r\n"
            + "Expires: 60\r\n"
            + "Authorization: Digest username=\"\u00e9\"\r\n"
            + "User-Agent: Trunkline\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 3\r\n"
            + "\r\n"
            + "h\u00e9";
    assertThat(b).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesABodilessRequestWithContentLengthZero() {
    byte[] b =
        SipClient.write(
            req("OPTIONS", "sip:b@example.com", "<sip:a@{local}>;tag=1", "c2@x"),
            Transport.UDP,
            "[::1]:5060",
            "z9hG4bKx",
            1,
            List.of());
    assertThat(new String(b, StandardCharsets.UTF_8))
        .isEqualTo(
            "OPTIONS sip:b@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bKx;rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:a@[::1]:5060>;tag=1\r\n"
                + "To: <sip:b@example.com>\r\n"
                + "Call-ID: c2@x\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "User-Agent: Trunkline\r\n"
                + "Content-Length: 0\r\n\r\n");
  }

  @Test
  void anUnwritableRequestCompletesWith503CannotSend() throws Exception {
    try (SipServer server =
        new SipServer(List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0)))) {
      server.start();
      ClientResult r =
          server
              .client()
              .send(req("OPTIONS", "sip:b@example.com", "<sip:a@x>\nX: y", "c-bad@x"))
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.detail()).startsWith("cannot send: From is empty or has CR/LF");
    }
  }
}
