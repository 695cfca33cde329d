package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors;
import org.trunkline.sip.Vectors.Vector;

/**
 * Replays every RFC 4475 / RFC 5118 vector against a running server over real UDP, TCP and TLS
 * sockets, asserts the exact answer, and after each one that the server still answers OPTIONS.
 */
class SipServerTortureTest {
  /** The status we answer each vector with over UDP (0 = silently dropped), and why. */
  static final Map<String, Integer> UDP_ANSWERS =
      Map.ofEntries(
          Map.entry("wsinv", 481), // INVITE with a To tag: no such dialog (§12.2.2)
          Map.entry("intmeth", 501),
          Map.entry("esc01", 404),
          Map.entry("escnull", 403), // REGISTER, no registering trunk
          Map.entry("esc02", 501),
          Map.entry("lwsdisp", 200),
          Map.entry("longreq", 404),
          Map.entry("dblreq", 403),
          Map.entry("semiuri", 200),
          Map.entry("transports", 200),
          Map.entry("mpart01", 405), // MESSAGE is not served
          Map.entry("unreason", 0), // responses: no client transaction
          Map.entry("noreason", 0),
          Map.entry("badinv01", 400),
          Map.entry("clerr", 400),
          Map.entry("ncl", 400),
          Map.entry("scalar02", 400),
          Map.entry("scalarlg", 0),
          Map.entry("quotbal", 400),
          Map.entry("ltgtruri", 400),
          Map.entry("lwsruri", 400),
          Map.entry("lwsstart", 400),
          Map.entry("trws", 400),
          Map.entry("escruri", 400),
          Map.entry("baddate", 400), // "acceptable to reject as malformed" (§3.1.2.12)
          Map.entry("regbadct", 400),
          Map.entry("badaspec", 400),
          Map.entry("baddn", 400), // no end of headers: incomplete
          Map.entry("badvers", 505),
          Map.entry("mismatch01", 400),
          Map.entry("mismatch02", 400), // "A 400 Bad Request is also acceptable"
          Map.entry("bigcode", 0),
          Map.entry("badbranch", 200), // OPTIONS; RFC 2543 fallback
          Map.entry("insuf", 400),
          Map.entry("unkscm", 416),
          Map.entry("novelsc", 416),
          Map.entry("unksm2", 400),
          Map.entry("bext01", 420),
          Map.entry("invut", 415),
          Map.entry("regaut01", 403),
          Map.entry("multi01", 400),
          Map.entry("mcl01", 400),
          Map.entry("bcast", 0),
          Map.entry("zeromf", 200),
          Map.entry("cparam01", 403),
          Map.entry("cparam02", 403),
          Map.entry("regescrt", 403),
          Map.entry("sdp01", 406),
          Map.entry("inv2543", 404),
          Map.entry("ipv6-good", 403),
          Map.entry("ipv6-bad", 400),
          Map.entry("port-ambiguous", 403),
          Map.entry("port-unambiguous", 403),
          Map.entry("via-received-param-with-delim", 481), // BYE outside any dialog
          Map.entry("via-received-param-no-delim", 200),
          Map.entry("ipv6-in-sdp", 400), // Content-Length beyond the datagram (§18.3)
          Map.entry("mult-ip-in-header", 481),
          Map.entry("mult-ip-in-sdp", 404),
          Map.entry("ipv4-mapped-ipv6", 404),
          Map.entry("ipv6-bug-abnf-3-colons", 200),
          Map.entry("ipv6-correct-abnf-2-colons", 200));

  /** Over TCP, framing differs (§18.3): these are the vectors answered otherwise. */
  static final Map<String, Integer> TCP_DIFFERENCES =
      Map.of(
          "inv2543", 400, // no Content-Length on a stream
          "clerr", 0, // waits for 9999 body bytes that never come
          "ipv6-in-sdp", 0, // same: Content-Length beyond what was sent
          "baddn", 0); // no end of headers yet

  static SipServer server;
  static InetSocketAddress udp;
  static InetSocketAddress tcp;
  static InetSocketAddress tls;
  static javax.net.ssl.SSLContext tlsClient;
  @org.junit.jupiter.api.io.TempDir static java.nio.file.Path pkiDir;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = new TestPki(pkiDir, "torture");
    TestPki.Issued cert = pki.localhost();
    tlsClient = TestPki.trusting(pki.caCert);
    server =
        new SipServer(
            List.of(
                new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                new ListenPoint(Transport.TCP, "127.0.0.1", 0),
                ListenPoint.tls(
                    "tls", "127.0.0.1", 0, new TlsConfig(cert.certPem(), cert.keyPem()))));
    List<InetSocketAddress> bound = server.start();
    udp = bound.get(0);
    tcp = bound.get(1);
    tls = bound.get(2);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<Vector> vectors() {
    return Vectors.all();
  }

  static String key(Vector v) {
    return v.name().substring(v.name().indexOf('-') + 1);
  }

  @Test
  void everyVectorHasAnExpectedAnswer() {
    assertThat(vectors())
        .extracting(SipServerTortureTest::key)
        .containsExactlyInAnyOrderElementsOf(UDP_ANSWERS.keySet());
    for (Vector v : vectors()) {
      int ours = UDP_ANSWERS.get(key(v));
      // keep to the RFC: what it calls valid is never a 400; what it rejects gets its code
      if (v.expect().equals("accept")) {
        assertThat(ours).as(v.name()).isNotEqualTo(400);
      } else if (v.expect().startsWith("reject:")) {
        int rfc = Integer.parseInt(v.expect().substring(7));
        if (ours != rfc) {
          // only where the RFC itself names 400 as acceptable too
          assertThat(ours).as(v.name()).isEqualTo(400);
          assertThat(v.semantics()).as(v.name()).contains("400 Bad Request is also acceptable");
        }
      } else if (v.expect().equals("drop")) {
        assertThat(ours).as(v.name()).isZero();
      }
    }
  }

  @ParameterizedTest(name = "UDP {0}")
  @MethodSource("vectors")
  void udpAnswerThenStillAlive(Vector v) throws Exception {
    try (SipPeer peer = new SipPeer(udp)) {
      peer.sendUdp(v.bytes());
      String probeCallId = "Call-ID: alive-" + v.name() + "\r\n";
      String probe = SipPeer.options("alive-" + v.name(), peer.udpPort());
      peer.sendUdp(probe.getBytes(StandardCharsets.US_ASCII));
      // UDP keeps no order between Call-IDs (§18): the answers are told apart by Call-ID
      String first = peer.receiveUdp();
      int expected = UDP_ANSWERS.get(key(v));
      if (expected == 0) {
        // dropped: the only thing back is the answer to the probe
        assertThat(first).as("dropped, then the probe's 200").contains(probeCallId);
        assertThat(SipPeer.status(first)).isEqualTo(200);
      } else {
        String second = peer.receiveUdp();
        String answer = first.contains(probeCallId) ? second : first;
        String alive = first.contains(probeCallId) ? first : second;
        assertThat(alive).as("the probe's answer").contains(probeCallId);
        assertThat(answer).as("the vector's answer").doesNotContain(probeCallId);
        assertThat(SipPeer.status(answer))
            .as("%s answered %s", v.name(), firstLine(answer))
            .isEqualTo(expected);
        assertThat(SipPeer.status(alive)).as("still answers OPTIONS").isEqualTo(200);
      }
    }
  }

  @ParameterizedTest(name = "TCP {0}")
  @MethodSource("vectors")
  void tcpAnswerThenStillAlive(Vector v) throws Exception {
    streamAnswerThenStillAlive(v, false);
  }

  /** TLS frames as TCP does (§18.3 under TLS): the same answers. */
  @ParameterizedTest(name = "TLS {0}")
  @MethodSource("vectors")
  void tlsAnswerThenStillAlive(Vector v) throws Exception {
    streamAnswerThenStillAlive(v, true);
  }

  private static void connect(SipPeer peer, boolean overTls) throws Exception {
    if (overTls) {
      peer.connectTls(tls, tlsClient);
    } else {
      peer.connectTcp(tcp);
    }
  }

  private void streamAnswerThenStillAlive(Vector v, boolean overTls) throws Exception {
    int expected = TCP_DIFFERENCES.getOrDefault(key(v), UDP_ANSWERS.get(key(v)));
    try (SipPeer peer = new SipPeer(udp)) {
      connect(peer, overTls);
      peer.sendTcp(v.bytes());
      if (expected != 0) {
        String first = peer.receiveTcp();
        assertThat(SipPeer.status(first))
            .as("%s answered %s", v.name(), firstLine(first))
            .isEqualTo(expected);
      } else if (v.kind().equals("response")) {
        // a dropped response leaves the connection usable: the probe is answered on it
        peer.sendTcp(
            SipPeer.options("alive-tcp-" + v.name(), 5060).getBytes(StandardCharsets.US_ASCII));
        assertThat(peer.receiveTcp()).contains("Call-ID: alive-tcp-" + v.name());
      }
      connect(peer, overTls);
      peer.sendTcp(SipPeer.options("alive-" + v.name(), 5060).getBytes(StandardCharsets.US_ASCII));
      assertThat(SipPeer.status(peer.receiveTcp())).as("still answers OPTIONS").isEqualTo(200);
    }
  }

  static String firstLine(String s) {
    return s == null ? "nothing" : s.substring(0, s.indexOf('\r'));
  }
}
