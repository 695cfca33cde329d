import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.*;
import org.trunkline.core.ingress.*;
import org.trunkline.core.registrar.*;
import org.trunkline.core.trunk.*;
import org.trunkline.sip.*;
import org.trunkline.stack.Transport;
import org.trunkline.stack.auth.DigestAlgorithm;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.TransactionConfig;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;
import org.trunkline.stack.transaction.VirtualScheduler;

/**
 * bench/registrar/AllocPieces.java: the bytes one thread allocates per call of the registrar's own pieces (exact,
 * ThreadMXBean; no CPU figure, no lock needed): the 401's challenge (DigestStage on a REGISTER without credentials,
 * as sent without a transaction), the digest check (DigestStage on the REGISTER with credentials, MD5, qop=auth) and
 * Registrar.register (a refresh of the user's one binding), and the transaction layer's part of the REGISTER with
 * credentials (TransactionLayer.receive, its TU answering 200 with two fixed header lines in the call: the key, the
 * transaction, the 200's bytes, the Completed ring; virtual time, Timer J passed between rounds, sends dropped).
 * 2,000 register-in trunks, ROUNDS (30) rounds of one
 * registration each; messages are parsed outside the measured loops. Prints the median of the last 10 rounds.
 *
 *   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 *   $JAVA -XX:+UseSerialGC -Xmx512m -cp server/target/trunkline.jar bench/registrar/AllocPieces.java 60 | tail -1
 *
 * The figures move by 30-100 B between JVM runs (what the JIT's escape analysis removes): compare jars over
 * several runs each (RESULTS.md, stop 18, branch reg9).
 */
public class AllocPieces {
  static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  static long now = 1_800_000_000_000L;
  public static void main(String[] a) throws Exception {
    int users = 2000, rounds = Integer.parseInt(a.length > 0 ? a[0] : "30");
    InstantSource clock = () -> java.time.Instant.ofEpochMilli(now);
    List<Trunk> trunks = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String u = String.format("u%06d", i);
      trunks.add(new Trunk(u, TrunkMode.REGISTER_IN, new TrunkAccess.RegisterIn(u, "secret", "trunkline", 1, 60, 3600),
          Optional.empty(), Optional.empty(), 0, 0, List.of()));
    }
    byte[] secret = new byte[32];
    DigestStage stage = new DigestStage(trunks, List.of(DigestAlgorithm.MD5), secret, clock, new BanList(BanPolicy.DEFAULT, clock));
    Registrar reg = new Registrar(clock, new LocationStore() {
      public List<Binding> loadAll() { return List.of(); }
      public void save(Binding b) {}
      public void remove(String t, String c) {}
    });
    Peer peer = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070), null);
    SipParser p = new SipParser();
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    long[] chal = new long[rounds], ver = new long[rounds], regb = new long[rounds], layerb = new long[rounds];
    VirtualScheduler vt = new VirtualScheduler();
    String[] okLines = {"Contact: <sip:u000000@127.0.0.1:5070>;expires=3600", "Date: Fri, 15 Jan 2027 08:01:00 GMT"};
    TransactionLayer layer = new TransactionLayer(TransactionConfig.DEFAULT, vt, (to, msg, f) -> {}, new TransactionUser() {
      public void onRequest(ServerTransaction tx, SipMessage m) { tx.respond(200, "OK", okLines); }
      public void onResponse(org.trunkline.stack.transaction.ClientTransaction tx, SipMessage m) {}
      public void onTimeout(org.trunkline.stack.transaction.Transaction tx) {}
      public void onTransportError(org.trunkline.stack.transaction.Transaction tx, String reason) {}
    });
    int cseq = 1;
    for (int r = 0; r < rounds; r++) {
      SipMessage[] first = new SipMessage[users], second = new SipMessage[users];
      Inbound[] in1 = new Inbound[users], in2 = new Inbound[users];
      for (int i = 0; i < users; i++) {
        String u = trunks.get(i).name();
        String head = "REGISTER sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + r + "-" + i
            + "\r\nFrom: <sip:" + u + "@127.0.0.1>;tag=1R" + i + "\r\nTo: <sip:" + u + "@127.0.0.1>\r\nCall-ID: " + r + "-" + i + "@127.0.0.1\r\n";
        String tail = "Contact: <sip:" + u + "@127.0.0.1:5070>\r\nExpires: 3600\r\nMax-Forwards: 70\r\nUser-Agent: sipp-reg-bench\r\nContent-Length: 0\r\n\r\n";
        first[i] = p.parseDatagram((head + "CSeq: 1 REGISTER\r\n" + tail).getBytes(StandardCharsets.UTF_8));
        in1[i] = new Inbound(first[i], peer, true);
      }
      List<String>[] lines = new List[users];
      long t0 = T.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < users; i++) {
        Verdict v = stage.apply(in1[i]);
        lines[i] = ((Verdict.Reject) v).headers();
      }
      chal[r] = T.getCurrentThreadAllocatedBytes() - t0;
      for (int i = 0; i < users; i++) {
        String u = trunks.get(i).name();
        String l = lines[i].get(0);
        int s = l.indexOf("nonce=\"") + 7;
        String nonce = l.substring(s, l.indexOf('"', s));
        int o = l.indexOf("opaque=\"") + 8;
        String opaque = l.substring(o, l.indexOf('"', o));
        String ha1 = hex(md5, u + ":trunkline:secret"), ha2 = hex(md5, "REGISTER:sip:127.0.0.1:5060");
        String resp = hex(md5, ha1 + ":" + nonce + ":00000001:abcdef01:auth:" + ha2);
        String auth = "Authorization: Digest username=\"" + u + "\",realm=\"trunkline\",cnonce=\"abcdef01\",nc=00000001,qop=auth,uri=\"sip:127.0.0.1:5060\",nonce=\""
            + nonce + "\",response=\"" + resp + "\",algorithm=MD5,opaque=\"" + opaque + "\"\r\n";
        String head = "REGISTER sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-b" + r + "-" + i
            + "\r\nFrom: <sip:" + u + "@127.0.0.1>;tag=1R" + i + "\r\nTo: <sip:" + u + "@127.0.0.1>\r\nCall-ID: " + r + "-" + i + "@127.0.0.1\r\nCSeq: 2 REGISTER\r\n";
        String tail = "Contact: <sip:" + u + "@127.0.0.1:5070>\r\n" + auth + "Expires: 3600\r\nMax-Forwards: 70\r\nUser-Agent: sipp-reg-bench\r\nContent-Length: 0\r\n\r\n";
        second[i] = p.parseDatagram((head + tail).getBytes(StandardCharsets.UTF_8));
        in2[i] = new Inbound(second[i], peer, false);
      }
      SipMessage[] third = new SipMessage[users];
      for (int i = 0; i < users; i++) {
        third[i] = p.parseDatagram(second[i].toBytes());
        SipValidator.validate(third[i]); // as the decoder does: the top Via is kept by the validator
      }
      Trunk[] who = new Trunk[users];
      t0 = T.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < users; i++) {
        Verdict v = stage.apply(in2[i]);
        who[i] = v instanceof Verdict.Identified id ? id.trunk() : null;
      }
      ver[r] = T.getCurrentThreadAllocatedBytes() - t0;
      for (int i = 0; i < users; i++) if (who[i] == null) throw new IllegalStateException("not identified " + i + " " + stage.apply(in2[i]));
      now += 1000;
      Registrar.Reply[] out = new Registrar.Reply[users];
      t0 = T.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < users; i++) {
        out[i] = reg.register(who[i], second[i], peer);
      }
      regb[r] = T.getCurrentThreadAllocatedBytes() - t0;
      for (int i = 0; i < users; i++) if (out[i].status() != 200) throw new IllegalStateException("" + out[i]);
      vt.advance(java.time.Duration.ofSeconds(40)); // Timer J of the last round's transactions
      t0 = T.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < users; i++) {
        layer.receive(third[i], peer);
      }
      layerb[r] = T.getCurrentThreadAllocatedBytes() - t0;
      if (layer.openTransactions() != users) throw new IllegalStateException("open " + layer.openTransactions());
      if (r == rounds - 1) System.out.println("sample 401: " + lines[0] + "\nsample 200: " + out[0]);
    }
    System.out.printf("B/call, last 10 rounds' median: challenge %d, digest check %d, register %d, layer %d%n",
        med(chal, users), med(ver, users), med(regb, users), med(layerb, users));
  }
  static long med(long[] v, int n) { long[] s = Arrays.copyOfRange(v, v.length - 10, v.length); Arrays.sort(s); return s[5] / n; }
  static String hex(MessageDigest md, String s) { return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8))); }
}
