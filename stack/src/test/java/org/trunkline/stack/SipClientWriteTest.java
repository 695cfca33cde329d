package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
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
