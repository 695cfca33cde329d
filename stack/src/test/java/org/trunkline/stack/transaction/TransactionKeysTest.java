package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/** The cheap key and tag builders give what the plain ones gave. */
class TransactionKeysTest {
  private static SipMessage options(String branch) {
    String s =
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP Host.Example:5070;branch="
            + branch
            + "\r\n"
            + "From: <sip:a@x>;tag=f1\r\nTo: <sip:b@y>\r\nCall-ID: c1\r\nCSeq: 7 OPTIONS\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    return new SipParser().parseDatagram(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void newBranchIsThePrefixAndTheCounterInBase36() {
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            new VirtualScheduler(),
            (to, m, f) -> {},
            new RecordingUser());
    String first = layer.newBranch();
    assertThat(first).startsWith("z9hG4bK").endsWith(".1");
    String prefix = first.substring(0, first.length() - 1);
    for (long n = 2; n <= 40; n++) {
      assertThat(layer.newBranch()).isEqualTo(prefix + Long.toString(n, 36));
    }
    layer.branchPrefix("z9hG4bKxy7q0");
    assertThat(layer.newBranch()).isEqualTo("z9hG4bKxy7q0" + Long.toString(41, 36));
    // a prefix that is not ASCII is still written as given
    layer.branchPrefix("z9hG4bK\u00e9");
    assertThat(layer.newBranch()).isEqualTo("z9hG4bK\u00e9" + Long.toString(42, 36));
  }

  @Test
  void unsignedBase36MatchesTheJdkForEveryRange() {
    SplittableRandom r = new SplittableRandom(4);
    long[] edges = {0, 1, 35, 36, -1, Long.MIN_VALUE, Long.MAX_VALUE, -36, -37};
    for (long h : edges) {
      assertThat(Responses.unsignedBase36(h)).isEqualTo(Long.toUnsignedString(h, 36));
    }
    for (int i = 0; i < 100_000; i++) {
      long h = r.nextLong();
      assertThat(Responses.unsignedBase36(h)).as("%d", h).isEqualTo(Long.toUnsignedString(h, 36));
    }
  }

  @Test
  void theConcatenatedServerKeyIsTheGeneralOne() {
    SplittableRandom r = new SplittableRandom(15);
    for (int i = 0; i < 2_000; i++) {
      String host = "127." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
      Transport t = Transport.values()[r.nextInt(Transport.values().length)];
      Peer p = new Peer(t, new InetSocketAddress(host, r.nextInt(65536)));
      SipMethod method = r.nextBoolean() ? SipMethod.INVITE : SipMethod.BYE;
      SipMessage m = options(r.nextBoolean() ? "z9hG4bK-" + r.nextLong() : "old" + r.nextInt());
      assertThat(TransactionKeys.server(m, method, p))
          .as("%s %s", p, m.topViaBranch())
          .isEqualTo(TransactionKeys.serverGeneral(m, method, p));
    }
  }

  @Test
  void serverKeyTellsSourcesApartAndIgnoresHostCase() {
    Peer a = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070));
    Peer a2 = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070), "lp2");
    Peer otherPort = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.1", 5071));
    Peer otherIp = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070));
    Peer tcp = new Peer(Transport.TCP, new InetSocketAddress("127.0.0.1", 5070));
    Peer v6 = new Peer(Transport.UDP, new InetSocketAddress("::1", 5070));
    SipMessage m = options("z9hG4bK-1");
    String key = TransactionKeys.server(m, SipMethod.OPTIONS, a);
    assertThat(key).isEqualTo(TransactionKeys.server(options("z9hG4bK-1"), SipMethod.OPTIONS, a2));
    assertThat(key)
        .startsWith("s|z9hG4bK-1|host.example:5070|OPTIONS|")
        .isNotEqualTo(TransactionKeys.server(m, SipMethod.OPTIONS, otherPort))
        .isNotEqualTo(TransactionKeys.server(m, SipMethod.OPTIONS, otherIp))
        .isNotEqualTo(TransactionKeys.server(m, SipMethod.OPTIONS, tcp))
        .isNotEqualTo(TransactionKeys.server(m, SipMethod.OPTIONS, v6))
        .isNotEqualTo(TransactionKeys.server(m, SipMethod.INVITE, a))
        .isNotEqualTo(TransactionKeys.server(options("z9hG4bK-2"), SipMethod.OPTIONS, a));
    assertThat(TransactionKeys.server(options("rfc2543"), SipMethod.OPTIONS, a)).startsWith("o|");
  }
}
