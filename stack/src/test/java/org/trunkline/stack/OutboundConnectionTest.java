package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.transaction.MessageSink;
import org.trunkline.stack.transaction.Peer;

/**
 * Requests (and orphaned responses) the server sends over TCP and TLS to a peer it has no
 * connection to: it connects, reuses the connection, reports failures, binds to a listen point.
 */
class OutboundConnectionTest {
  @TempDir Path dir;
  SipServer server;
  final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
  final MessageSink.SendFailure recordFailure = (to, why) -> failures.add(to + ": " + why);

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static byte[] request(Transport t, String callId) {
    return SipPeer.options(callId, 5060)
        .replace("SIP/2.0/UDP", "SIP/2.0/" + t.name())
        .getBytes(StandardCharsets.US_ASCII);
  }

  private List<InetSocketAddress> start(ListenPoint... lps) throws Exception {
    server = new SipServer(List.of(lps));
    return server.start();
  }

  @Test
  void twoTcpRequestsShareOneConnectionAndTheAnswerComesBackOnIt() throws Exception {
    start(new ListenPoint(Transport.UDP, "127.0.0.1", 0));
    try (TestListener far = new TestListener()) {
      Peer to = new Peer(Transport.TCP, far.address());

      server.sink().send(to, request(Transport.TCP, "out-1"), recordFailure);
      server.sink().send(to, request(Transport.TCP, "out-2"), recordFailure);

      TestListener.Accepted c = far.next();
      assertThat(c.read()).startsWith("OPTIONS ").contains("Call-ID: out-1");
      assertThat(c.read()).startsWith("OPTIONS ").contains("Call-ID: out-2");
      assertThat(far.accepts()).isEqualTo(1);
      assertThat(server.counters().connectionsOpened.sum()).isEqualTo(1);
      // the far side answers on that connection: the server reads it (a stray, no transaction)
      c.write(
          "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-out-1\r\n"
              + "From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1>;tag=far\r\n"
              + "Call-ID: out-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.counters().droppedStrayResponses.sum() == 1);
      // a later request still reuses it
      server.sink().send(to, request(Transport.TCP, "out-3"), recordFailure);
      assertThat(c.read()).contains("Call-ID: out-3");
      assertThat(far.accepts()).isEqualTo(1);
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aRequestToAPeerThatConnectedToUsUsesItsConnection() throws Exception {
    InetSocketAddress tcp = start(new ListenPoint(Transport.TCP, "127.0.0.1", 0)).get(0);
    try (SipPeer peer = new SipPeer(tcp)) {
      var socket = peer.connectTcp(tcp);
      peer.sendTcp(request(Transport.TCP, "in-1"));
      assertThat(SipPeer.status(peer.receiveTcp())).isEqualTo(200);

      InetSocketAddress them = (InetSocketAddress) socket.getLocalSocketAddress();
      server
          .sink()
          .send(new Peer(Transport.TCP, them), request(Transport.TCP, "back"), recordFailure);

      assertThat(peer.receiveTcp()).startsWith("OPTIONS ").contains("Call-ID: back");
      assertThat(server.counters().connectionsOpened.sum()).isZero();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aRefusedConnectIsReportedToTheSender() throws Exception {
    start(new ListenPoint(Transport.UDP, "127.0.0.1", 0));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Peer to = new Peer(Transport.TCP, new InetSocketAddress("127.0.0.1", closedPort));

    server.sink().send(to, request(Transport.TCP, "nobody"), recordFailure);

    String failure = failures.poll(5, TimeUnit.SECONDS);
    assertThat(failure)
        .startsWith("tcp:127.0.0.1:" + closedPort + ": connect to tcp:127.0.0.1:" + closedPort)
        .containsIgnoringCase("refused");
    assertThat(server.counters().connectFailures.sum()).isEqualTo(1);
    // the failed connection is forgotten: the next send tries again
    server.sink().send(to, request(Transport.TCP, "nobody-2"), recordFailure);
    assertThat(failures.poll(5, TimeUnit.SECONDS)).containsIgnoringCase("refused");
    assertThat(server.counters().connectionsOpened.sum()).isEqualTo(2);
  }

  @Test
  void aRequestThroughANamedListenPointLeavesFromItsAddress() throws Exception {
    start(
        new ListenPoint("main", Transport.TCP, "127.0.0.1", 0),
        new ListenPoint("xc", Transport.TCP, "127.0.0.2", 0));
    try (TestListener far = new TestListener()) {
      server
          .sink()
          .send(
              new Peer(Transport.TCP, far.address(), "xc"),
              request(Transport.TCP, "xc-1"),
              recordFailure);
      TestListener.Accepted viaXc = far.next();
      assertThat(viaXc.read()).contains("Call-ID: xc-1");
      assertThat(viaXc.socket().getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");

      // the other listen point does not share that connection: it opens its own
      server
          .sink()
          .send(
              new Peer(Transport.TCP, far.address(), "main"),
              request(Transport.TCP, "main-1"),
              recordFailure);
      TestListener.Accepted viaMain = far.next();
      assertThat(viaMain.read()).contains("Call-ID: main-1");
      assertThat(viaMain.socket().getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(far.accepts()).isEqualTo(2);
    }
    server
        .sink()
        .send(
            new Peer(Transport.TCP, new InetSocketAddress("127.0.0.1", 9), "nope"),
            request(Transport.TCP, "x"),
            recordFailure);
    assertThat(failures.poll(5, TimeUnit.SECONDS))
        .isEqualTo(
            "tcp:127.0.0.1:9: cannot connect to tcp:127.0.0.1:9: no listen point named nope");
  }

  @Test
  void aResponseWhoseConnectionIsGoneGoesToTheViaSentByPort() throws Exception {
    start(new ListenPoint("main", Transport.TCP, "127.0.0.1", 0));
    try (TestListener far = new TestListener()) {
      // §18.2.2: the request came from an ephemeral port on a connection since closed
      Peer gone = new Peer(Transport.TCP, new InetSocketAddress("127.0.0.1", 40999), "main");
      String response =
          "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:"
              + far.address().getPort()
              + ";branch=z9hG4bK-gone;received=127.0.0.1\r\n"
              + "From: <sip:a@127.0.0.1>;tag=a\r\nTo: <sip:b@127.0.0.1>;tag=b\r\n"
              + "Call-ID: gone\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

      server.sink().send(gone, response.getBytes(StandardCharsets.US_ASCII), recordFailure);

      assertThat(far.next().read()).startsWith("SIP/2.0 200 OK").contains("Call-ID: gone");
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void tlsRequestsVerifyTheServerSendSniAndShareOneConnection() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    TestPki.Issued ours = pki.issue("trunkline", new String[] {"trunkline.test"}, new String[0]);
    TestPki.Issued theirs = pki.issue("carrier", new String[] {"sip.carrier.test"}, new String[0]);
    start(
        ListenPoint.tls(
            "tls",
            "127.0.0.1",
            0,
            new TlsConfig(
                ours.certPem(), ours.keyPem(), pki.caPem, TlsConfig.VerifyPeer.NONE, List.of())));
    try (TestListener far = new TestListener(theirs.sslContext(pki.caCert))) {
      // a host name with the address: SNI and the certificate check use it (the certificate has
      // no IP address, so without the name the check would fail)
      InetSocketAddress named =
          new InetSocketAddress(
              InetAddress.getByAddress("sip.carrier.test", new byte[] {127, 0, 0, 1}),
              far.address().getPort());
      Peer to = new Peer(Transport.TLS, named);

      server.sink().send(to, request(Transport.TLS, "tls-1"), recordFailure);
      server.sink().send(to, request(Transport.TLS, "tls-2"), recordFailure);

      TestListener.Accepted c = far.next();
      assertThat(c.sni()).isEqualTo("sip.carrier.test");
      assertThat(c.read()).contains("Call-ID: tls-1");
      assertThat(c.read()).contains("Call-ID: tls-2");
      assertThat(far.accepts()).isEqualTo(1);
      // we presented our certificate as the client's
      assertThat(((javax.net.ssl.SSLSocket) c.socket()).getSession().getPeerCertificates()[0])
          .isEqualTo(ours.cert());
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aTlsServerWithAnUntrustedCertificateGetsNothing() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    TestPki.Issued ours = pki.localhost();
    TestPki rogue = new TestPki(dir, "rogue");
    TestPki.Issued theirs = rogue.localhost();
    start(
        ListenPoint.tls(
            "tls",
            "127.0.0.1",
            0,
            new TlsConfig(
                ours.certPem(), ours.keyPem(), pki.caPem, TlsConfig.VerifyPeer.NONE, List.of())));
    try (TestListener far = new TestListener(theirs.sslContext(rogue.caCert))) {
      Peer to = new Peer(Transport.TLS, far.address());

      server.sink().send(to, request(Transport.TLS, "secret"), recordFailure);

      assertThat(failures.poll(5, TimeUnit.SECONDS))
          .startsWith("tls:127.0.0.1:" + far.address().getPort() + ": connect to ")
          .contains("SSLHandshakeException");
      assertThat(far.nextFailure()).isNotNull();
      assertThat(server.counters().connectFailures.sum()).isEqualTo(1);
    }
  }
}
