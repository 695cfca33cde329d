package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.TrunkView;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.config.TrunklineConfig;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;
import org.trunkline.stack.TestTimers;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * The four trunk modes end to end: the running server (in this JVM, its real sockets and H2
 * database) against SIPp customer PBXs, registrars and carriers on loopback. Sources are told apart
 * by their 127.0.0.x address: .10/.11 register (acme), .20 is carrier1's peer, .30 is nobody's, .40
 * is gamma's peer on its cross-connect socket 127.0.0.2.
 */
class TrunksEndToEndTest {
  private static final TransactionConfig FAST = TestTimers.FAST;

  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TrunklineServer start(String trunks) throws Exception {
    return start(trunks, TransactionConfig.DEFAULT);
  }

  private TrunklineServer start(String trunks, TransactionConfig timers) throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + "  - {name: xc, transport: udp, address: 127.0.0.2, port: 0}\n"
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + trunks);
    TrunklineConfig config = ConfigLoader.load(file);
    server = TrunklineServer.start(config, Clock.systemUTC(), timers);
    return server;
  }

  private InetSocketAddress socket(String name) {
    for (ListenPoint lp : server.listening()) {
      if (lp.name().equals(name)) {
        return new InetSocketAddress(lp.address(), lp.port());
      }
    }
    throw new AssertionError("no listen point " + name + " in " + server.listening());
  }

  private TrunkView trunk(String name) {
    return server.core().trunks().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private Path run(String tag) throws Exception {
    Path d = dir.resolve(tag);
    Files.createDirectories(d);
    return d;
  }

  private void sipp(String scenario, String from, InetSocketAddress to, String... extra)
      throws Exception {
    Sipp.runAndExpectSuccess(
        run(scenario + "-" + from + "-" + System.nanoTime()),
        scenario,
        to,
        from,
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of(extra));
  }

  // ---- register-in ----

  @Test
  void registerInWithTheRightPasswordBindsTheContactAndKeepsItAcrossRestarts() throws Exception {
    String trunks =
        "trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret, max-contacts: 2}\n";
    start(trunks);

    sipp(
        "register-in",
        "127.0.0.10",
        socket("public"),
        "-s",
        "acme",
        "-au",
        "acme",
        "-ap",
        "s3cret");

    TrunkView acme = trunk("acme");
    assertThat(acme.state()).isEqualTo("registered");
    assertThat(acme.reason()).isEqualTo("1 of 2 contacts");
    assertThat(acme.endpoints()).singleElement().asString().contains("from udp:127.0.0.10:");

    // kept in the database: a new server on the same file knows the contact
    server.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(startQuietly(trunks)).isTrue());
    assertThat(trunk("acme").state()).isEqualTo("registered");
    assertThat(trunk("acme").endpoints()).singleElement().asString().contains("127.0.0.10");
  }

  private boolean startQuietly(String trunks) {
    try {
      start(trunks);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aWrongPasswordIsChallengedAgainAndRepeatedFailuresBanTheSource() throws Exception {
    start(
        "trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret}\n"
            + "ingress: {ban: {failures: 2, window: 60s, duration: 10m}}\n");

    sipp(
        "register-in-refused",
        "127.0.0.12",
        socket("public"),
        "-s",
        "acme",
        "-au",
        "acme",
        "-ap",
        "nope");
    assertThat(trunk("acme").state()).isEqualTo("unregistered");
    assertThat(server.core().counters())
        .containsEntry("ingress_bans", 0L)
        .containsEntry("ingress_auth_failures", 1L);

    sipp(
        "register-in-refused",
        "127.0.0.12",
        socket("public"),
        "-s",
        "acme",
        "-au",
        "acme",
        "-ap",
        "nope");
    assertThat(server.core().counters()).containsEntry("ingress_bans", 1L);

    // banned: even the right password is not answered now
    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress("127.0.0.12", 0))) {
      pbx.setSoTimeout(300);
      send(pbx, socket("public"), register("acme", pbx, 1, null));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.core().counters().get("ingress_banned_drops") >= 1);
      assertThat(receiveOrNull(pbx)).as("no answer to a banned source").isNull();
    }
  }

  @Test
  void aRegisterWithoutCredentialsIsChallengedWithoutATransactionAndNeverBans() throws Exception {
    start(
        "trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret}\n"
            + "ingress: {ban: {failures: 2, window: 60s, duration: 10m}}\n");

    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress("127.0.0.13", 0))) {
      pbx.setSoTimeout(5000);
      String register = register("acme", pbx, 1, null);
      List<String> challenges = new ArrayList<>();
      // the same request 5 times, byte for byte (a client retransmitting it: same branch, Call-ID,
      // CSeq and source): each copy is challenged without a transaction (RFC 3261 §8.2.7), and
      // gets the first answer again, byte for byte, its nonce too (§17.2.2); a client that got a
      // second, different 401 would take it for a new one (SIPp aborts on it)
      for (int i = 0; i < 5; i++) {
        send(pbx, socket("public"), register);
        String challenge = receiveOrNull(pbx);
        assertThat(challenge).startsWith("SIP/2.0 401 Unauthorized\r\n").contains(";tag=");
        challenges.add(challenge);
      }
      assertThat(challenges).hasSize(5).containsOnly(challenges.get(0));
      // a new request (new branch, the rest the same) is a new transaction: a new nonce
      send(pbx, socket("public"), register.replace("branch=z9hG4bK-sha-1;", "branch=z9hG4bK-new;"));
      String fresh = receiveOrNull(pbx);
      assertThat(fresh).startsWith("SIP/2.0 401 Unauthorized\r\n");
      assertThat(param(fresh, "nonce")).isNotEqualTo(param(challenges.get(0), "nonce"));
    }
    // nothing in the transaction layer: every copy was answered by the TU, which remembered only
    // the nonce
    assertThat(server.sip().snapshot())
        .containsEntry("tx_stateless_answers", 6L)
        .containsEntry("tx_retransmissions_in", 0L);
    // a challenge is not a failed authentication
    assertThat(server.core().counters())
        .containsEntry("ingress_auth_failures", 0L)
        .containsEntry("ingress_bans", 0L)
        .containsEntry("ingress_rejected", 6L);
  }

  @Test
  void aRetransmittedInviteWithoutCredentialsGetsTheSame407() throws Exception {
    start("trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret}\n");

    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress("127.0.0.14", 0))) {
      pbx.setSoTimeout(5000);
      InetSocketAddress to = socket("public");
      String local = pbx.getLocalAddress().getHostAddress() + ":" + pbx.getLocalPort();
      String host = to.getAddress().getHostAddress() + ":" + to.getPort();
      String invite =
          "INVITE sip:+74951234567@"
              + host
              + " SIP/2.0\r\n"
              + "Via: SIP/2.0/UDP "
              + local
              + ";branch=z9hG4bK-inv-1;rport\r\n"
              + "Max-Forwards: 70\r\n"
              + "From: <sip:acme@"
              + host
              + ">;tag=inv1\r\n"
              + "To: <sip:+74951234567@"
              + host
              + ">\r\n"
              + "Call-ID: inv-"
              + pbx.getLocalPort()
              + "@test\r\n"
              + "CSeq: 1 INVITE\r\n"
              + "Contact: <sip:acme@"
              + local
              + ">\r\n"
              + "Content-Length: 0\r\n\r\n";
      // the INVITE's server transaction (§17.2.1) resends its final response to a copy of the
      // request: the same bytes, the same nonce
      send(pbx, to, invite);
      String challenge = receiveOrNull(pbx);
      assertThat(challenge)
          .startsWith("SIP/2.0 407 Proxy Authentication Required\r\n")
          .contains("Proxy-Authenticate: Digest ");
      send(pbx, to, invite);
      // (or Timer G's copy of it, which is the same bytes too)
      assertThat(receiveOrNull(pbx)).isEqualTo(challenge);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(server.sip().snapshot()).containsEntry("tx_retransmissions_in", 1L));
    }
  }

  /**
   * A copy of a REGISTER without credentials gets the same challenge for 64*T1 of the server's
   * transaction timers (Timer F), not a fixed 32 s: with T1 of 20 ms a copy 1.28 s later is
   * challenged anew.
   */
  @Test
  void aCopyOfARegisterGetsTheSameNonceFor64TimesT1() throws Exception {
    start("trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret}\n", FAST);
    long window = 64 * FAST.t1().toMillis();
    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress("127.0.0.12", 0))) {
      pbx.setSoTimeout(5000);
      String register = register("acme", pbx, 1, null);
      long sent = System.nanoTime();
      send(pbx, socket("public"), register);
      String first = receiveOrNull(pbx);
      assertThat(first).startsWith("SIP/2.0 401 ");
      send(pbx, socket("public"), register);
      assertThat(receiveOrNull(pbx)).isEqualTo(first);
      String nonce = param(first.substring(first.indexOf("WWW-Authenticate: ")), "nonce");
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> {
            send(pbx, socket("public"), register);
            String again = receiveOrNull(pbx);
            assertThat(again).startsWith("SIP/2.0 401 ");
            assertThat(param(again.substring(again.indexOf("WWW-Authenticate: ")), "nonce"))
                .isNotEqualTo(nonce);
          });
      assertThat((System.nanoTime() - sent) / 1_000_000).isGreaterThanOrEqualTo(window);
    }
  }

  @Test
  void registerInWithSha256() throws Exception {
    start(
        "trunks:\n  - {name: acme, mode: register-in, username: acme, password: s3cret}\n"
            + "ingress: {digest-algorithms: [sha-256, md5]}\n");

    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress("127.0.0.11", 0))) {
      pbx.setSoTimeout(5000);
      send(pbx, socket("public"), register("acme", pbx, 1, null));
      String challenge = receiveOrNull(pbx);
      assertThat(challenge).startsWith("SIP/2.0 401 ");
      Matcher sha =
          Pattern.compile("WWW-Authenticate: (Digest [^\r\n]*algorithm=SHA-256[^\r\n]*)")
              .matcher(challenge);
      assertThat(sha.find()).as("a SHA-256 challenge among %s", challenge).isTrue();
      String nonce = param(sha.group(1), "nonce");
      String realm = param(sha.group(1), "realm");
      String opaque = param(sha.group(1), "opaque");
      String uri =
          "sip:"
              + socket("public").getAddress().getHostAddress()
              + ":"
              + socket("public").getPort();
      // RFC 7616 §3.4.1, computed here independently of the server's code
      String ha1 = sha256("acme:" + realm + ":s3cret");
      String ha2 = sha256("REGISTER:" + uri);
      String response = sha256(ha1 + ":" + nonce + ":00000001:c0ffee:auth:" + ha2);
      String auth =
          "Authorization: Digest username=\"acme\", realm=\""
              + realm
              + "\", nonce=\""
              + nonce
              + "\", uri=\""
              + uri
              + "\", response=\""
              + response
              + "\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c0ffee\", opaque=\""
              + opaque
              + "\"";
      send(pbx, socket("public"), register("acme", pbx, 2, auth));
      String ok = receiveOrNull(pbx);
      assertThat(ok).startsWith("SIP/2.0 200 OK\r\n").contains(";expires=");
    }
    assertThat(trunk("acme").state()).isEqualTo("registered");
  }

  // ---- ip and cross-connect ----

  @Test
  void ipPeersAreMatchedAndAnUnknownSourceIsRefusedAndCounted() throws Exception {
    start(
        "trunks:\n  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\", \"127.0.0.21/32\"]}\n"
            + "ingress: {monitors: [\"127.0.0.50\"]}\n");

    sipp("options-200", "127.0.0.20", socket("public"));
    sipp("options-403", "127.0.0.30", socket("public"));
    // a monitoring host gets its OPTIONS answered, without being anybody's trunk
    sipp("options-200", "127.0.0.50", socket("public"));

    assertThat(server.core().unknownBySource()).containsOnlyKeys("127.0.0.30");
    assertThat(server.core().counters()).containsEntry("ingress_unknown", 1L);
  }

  @Test
  void aCrossConnectSocketIsItsTrunksAloneAndNeverAnotherTrunks() throws Exception {
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: gamma, mode: cross-connect, listen: xc, peers: [\"127.0.0.40\"],"
            + " health: off, target: \"sip:127.0.0.3:5060\"}\n"
            + "ingress: {monitors: []}\n");

    // gamma's peer on gamma's socket
    sipp("options-200", "127.0.0.40", socket("xc"));
    // carrier1's peer on gamma's socket: not carrier1's traffic, not gamma's either
    sipp("options-403", "127.0.0.20", socket("xc"));
    // gamma's peer on the public socket: unknown there
    sipp("options-403", "127.0.0.40", socket("public"));

    assertThat(server.core().unknownBySource()).containsOnlyKeys("127.0.0.40");
  }

  // ---- register-out ----

  private Process registrar(String scenario, int port, String... keys) throws Exception {
    Path d = run("registrar-" + scenario);
    return Sipp.startUas(d, scenario, port, "u1", 1, List.of(keys));
  }

  private String beta(int port, String extra) {
    return "trunks:\n  - {name: beta, mode: register-out, registrar: \"sip:127.0.0.1:"
        + port
        + "\", username: trunk77, password: pw, expires: 600"
        + extra
        + "}\n";
  }

  @Test
  void registerOutAnswersTheRegistrarsChallenge() throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = registrar("uas-register-challenge", port);
    Sipp.awaitBound(port, sipp, dir.resolve("registrar-uas-register-challenge"));
    start(beta(port, ""));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(trunk("beta").state()).isEqualTo("registered"));
    assertThat(trunk("beta").reason())
        .startsWith("200 OK from udp:127.0.0.1:" + port)
        .contains("expires in 600 s");
    Sipp.expectSuccess(
        sipp, dir.resolve("registrar-uas-register-challenge"), Duration.ofSeconds(20));
  }

  @Test
  void registerOutFollowsA423sMinExpires() throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = registrar("uas-register-423", port);
    Sipp.awaitBound(port, sipp, dir.resolve("registrar-uas-register-423"));
    start(beta(port, ""));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(trunk("beta").state()).isEqualTo("registered"));
    assertThat(trunk("beta").reason()).contains("expires in 1200 s");
    Sipp.expectSuccess(sipp, dir.resolve("registrar-uas-register-423"), Duration.ofSeconds(20));
  }

  @Test
  void registerOutShowsWhyWhenRefusedAndDoesNotHammer() throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = registrar("uas-register-403", port);
    Sipp.awaitBound(port, sipp, dir.resolve("registrar-uas-register-403"));
    start(beta(port, ", retry-min: 1s, retry-max: 1h"));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(trunk("beta").state()).isEqualTo("failed"));
    assertThat(trunk("beta").reason()).isEqualTo("403 Forbidden from udp:127.0.0.1:" + port);
    assertThat(trunk("beta").since()).isNotNull();
    Sipp.expectSuccess(sipp, dir.resolve("registrar-uas-register-403"), Duration.ofSeconds(20));
  }

  @Test
  void aSilentRegistrarIsRetriedWithGrowingBackoff() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      start(beta(silent.getLocalPort(), ", retry-min: 1s, retry-max: 4s"), FAST);
      silent.setSoTimeout(15_000);
      // the first packet of each new CSeq starts an attempt
      List<Long> starts = new ArrayList<>();
      List<String> cseqs = new ArrayList<>();
      byte[] buf = new byte[4096];
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (starts.size() < 4 && System.nanoTime() < deadline) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        silent.receive(p);
        String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        Matcher c = Pattern.compile("CSeq: (\\d+) REGISTER").matcher(m);
        if (c.find() && !cseqs.contains(c.group(1))) {
          cseqs.add(c.group(1));
          starts.add(System.nanoTime() / 1_000_000);
        }
      }
      assertThat(starts).hasSize(4);
      long gap1 = starts.get(1) - starts.get(0);
      long gap2 = starts.get(2) - starts.get(1);
      long gap3 = starts.get(3) - starts.get(2);
      // Timer F 1.28 s + backoff 1 s, 2 s, 4 s (each +-20 %)
      assertThat(gap1).isBetween(1800L, 3500L);
      assertThat(gap2).isGreaterThan(gap1).isBetween(2800L, 5000L);
      assertThat(gap3).isGreaterThan(gap1).isBetween(4200L, 7000L);
      assertThat(trunk("beta").state()).isEqualTo("failed");
      assertThat(trunk("beta").reason()).startsWith("408 Request Timeout");
    }
  }

  /**
   * A reload that changes a registered register-out trunk removes the old binding (un-REGISTER)
   * before it registers the same contact again: a registrar that got the un-REGISTER after the new
   * REGISTER would drop the new binding (RFC 3261 §10.3), and we would believe we are registered
   * while calls to us fail.
   */
  @Test
  void aReloadedRegistrationWaitsForTheOldUnRegisterBeforeRegisteringAgain() throws Exception {
    try (DatagramSocket registrar = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      registrar.setSoTimeout(10_000);
      int port = registrar.getLocalPort();
      start(beta(port, ""));
      InetSocketAddress[] from = new InetSocketAddress[1];
      String first = receiveFrom(registrar, from);
      assertThat(first).contains("Expires: 600");
      send(registrar, from[0], answer(first, 200, "OK", ";expires=600"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(trunk("beta").state()).isEqualTo("registered"));

      Files.writeString(
          dir.resolve("trunkline.yaml"),
          Files.readString(dir.resolve("trunkline.yaml")).replace("expires: 600", "expires: 300"));
      assertThat(server.admin().reload())
          .isInstanceOf(org.trunkline.server.api.ReloadResult.Applied.class);

      String unregister = receiveFrom(registrar, from);
      assertThat(unregister).contains("Expires: 0").contains(callId(first));
      // unanswered, only its retransmissions come: the new REGISTER waits for its answer
      long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      for (long left = 1500; left > 0; left = (until - System.nanoTime()) / 1_000_000) {
        registrar.setSoTimeout((int) Math.max(1, left));
        String m = receiveOrNull(registrar);
        if (m != null) {
          assertThat(m).as("only the un-REGISTER until it is answered").contains("Expires: 0");
        }
      }
      send(registrar, from[0], answer(unregister, 200, "OK", ""));
      registrar.setSoTimeout(10_000);
      String again = receiveFrom(registrar, from);
      while (again.contains("Expires: 0")) {
        again = receiveFrom(registrar, from); // a retransmission that crossed our 200
      }
      assertThat(again).contains("Expires: 300").doesNotContain(callId(first));
    }
  }

  @Test
  void aRegistrationThatNeverSucceededIsNotUnregisteredOnReload() throws Exception {
    try (DatagramSocket registrar = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      registrar.setSoTimeout(10_000);
      start(beta(registrar.getLocalPort(), ", retry-min: 1s, retry-max: 1h"));
      InetSocketAddress[] from = new InetSocketAddress[1];
      String first = receiveFrom(registrar, from);
      send(registrar, from[0], answer(first, 403, "Forbidden", null));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(trunk("beta").state()).isEqualTo("failed"));

      Files.writeString(
          dir.resolve("trunkline.yaml"),
          Files.readString(dir.resolve("trunkline.yaml")).replace("password: pw", "password: pw2"));
      assertThat(server.admin().reload())
          .isInstanceOf(org.trunkline.server.api.ReloadResult.Applied.class);

      String next = receiveFrom(registrar, from);
      assertThat(next)
          .as("no un-REGISTER of a contact no registrar holds")
          .contains("Expires: 600")
          .doesNotContain(callId(first));
    }
  }

  private static String receiveFrom(DatagramSocket s, InetSocketAddress[] from) throws Exception {
    byte[] buf = new byte[8192];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    from[0] = (InetSocketAddress) p.getSocketAddress();
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static String callId(String m) {
    Matcher c = Pattern.compile("(?m)^Call-ID: ([^\r\n]+)").matcher(m);
    assertThat(c.find()).as("Call-ID in %s", m).isTrue();
    return c.group(1);
  }

  /** A registrar's answer to {@code req}; a 2xx binds its Contact with {@code contactParams}. */
  private static String answer(String req, int status, String reason, String contactParams) {
    StringBuilder sb = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
    for (String line : req.split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("via:")
          || lower.startsWith("from:")
          || lower.startsWith("call-id:")
          || lower.startsWith("cseq:")) {
        sb.append(line).append("\r\n");
      } else if (lower.startsWith("to:")) {
        sb.append(line).append(";tag=reg1\r\n");
      } else if (lower.startsWith("contact:") && contactParams != null && status < 300) {
        sb.append(line).append(contactParams).append("\r\n");
      }
    }
    return sb.append("Content-Length: 0\r\n\r\n").toString();
  }

  // ---- health ----

  @Test
  void optionsProbesBringATrunkUpAndDown() throws Exception {
    int port = Sipp.freePortFor("u1");
    Process alive = registrar("uas-options-200", port);
    Sipp.awaitBound(port, alive, dir.resolve("registrar-uas-options-200"));
    start(
        "trunks:\n  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], target: \"sip:127.0.0.1:"
            + port
            + "\", health: {interval: 1s, up-after: 1, down-after: 1}}\n",
        FAST);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(trunk("carrier1").state()).isEqualTo("up"));
    assertThat(trunk("carrier1").reason()).contains("OPTIONS answered 200 OK");
    Sipp.expectSuccess(alive, dir.resolve("registrar-uas-options-200"), Duration.ofSeconds(20));

    Path d = run("unavailable");
    Process busy = Sipp.startUas(d, "uas-options-503", port, "u1", 1, List.of());
    // the reason is read with the state: once this SIPp is gone, later probes time out
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> {
          TrunkView t = trunk("carrier1");
          assertThat(t.state()).isEqualTo("down");
          assertThat(t.reason()).contains("OPTIONS answered 503 Service Unavailable");
        });
    Sipp.expectSuccess(busy, d, Duration.ofSeconds(20));
  }

  @Test
  void aProbedTrunkSaysHowFarItIsFromDownBeforeItGetsThere() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      start(
          "trunks:\n  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], target: \"sip:127.0.0.1:"
              + silent.getLocalPort()
              + "\", health: {interval: 1s, up-after: 1, down-after: 2}}\n",
          FAST);
      assertThat(trunk("carrier1").state()).isEqualTo("probing");
      // the first probe times out (64*T1 = 1.28 s): still probing, and the count is shown
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .untilAsserted(() -> {
            TrunkView t = trunk("carrier1");
            assertThat(t.state()).isEqualTo("probing");
            assertThat(t.reason())
                .startsWith("OPTIONS to sip:127.0.0.1:" + silent.getLocalPort())
                .endsWith("; 1 of 2 failed probes before down");
          });
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(trunk("carrier1").state()).isEqualTo("down"));
      assertThat(trunk("carrier1").reason()).doesNotContain("before down");
    }
  }

  // ---- helpers ----

  private String register(String user, DatagramSocket from, int cseq, String auth) {
    InetSocketAddress to = socket("public");
    String local = from.getLocalAddress().getHostAddress() + ":" + from.getLocalPort();
    String host = to.getAddress().getHostAddress();
    return "REGISTER sip:"
        + host
        + ":"
        + to.getPort()
        + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP "
        + local
        + ";branch=z9hG4bK-sha-"
        + cseq
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:"
        + user
        + "@"
        + host
        + ">;tag=sha1\r\n"
        + "To: <sip:"
        + user
        + "@"
        + host
        + ">\r\n"
        + "Call-ID: sha256-"
        + from.getLocalPort()
        + "@test\r\n"
        + "CSeq: "
        + cseq
        + " REGISTER\r\n"
        + "Contact: <sip:"
        + user
        + "@"
        + local
        + ">\r\n"
        + "Expires: 300\r\n"
        + (auth == null ? "" : auth + "\r\n")
        + "Content-Length: 0\r\n\r\n";
  }

  private static void send(DatagramSocket s, InetSocketAddress to, String m) throws Exception {
    byte[] b = m.getBytes(StandardCharsets.UTF_8);
    s.send(new DatagramPacket(b, b.length, to));
  }

  private static String receiveOrNull(DatagramSocket s) throws Exception {
    byte[] buf = new byte[8192];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  private static String param(String challenge, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(challenge);
    assertThat(m.find()).as("%s in %s", name, challenge).isTrue();
    return m.group(1);
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
