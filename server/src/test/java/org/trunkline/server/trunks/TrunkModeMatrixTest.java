package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * Every trunk mode calling every mode (issue 6): one server with two trunks of each mode, each
 * trunk's SIPp on its own loopback address, and for each ordered pair of modes the call cases
 * (answered and hung up by either side, cancelled while ringing, held and resumed by the caller,
 * held by the callee, a reliable 183 PRACKed). Each call dials a national number that the calling
 * trunk's {@code numbering.in} makes E.164 and the called trunk's {@code numbering.out} makes
 * national again (and the caller's {@code +1...} becomes {@code 001...}); its CDR is checked, and
 * so is topology hiding on the wire: no address, Call-ID or Via branch of one leg in any header the
 * other leg's SIPp received.
 */
class TrunkModeMatrixTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** The national form of the numbers both ways: {@code 8} + 10 digits is {@code +7} + 10. */
  private static final String NATIONAL =
      " numbering: {in: [{match: '^8(\\d{10})$', replace: '+7$1'}],"
          + " out: [{match: '^\\+7(\\d+)$', replace: '8$1'},"
          + " {match: '^\\+(1\\d{10})$', replace: '00$1'}]}";

  /** The four trunk modes. */
  enum Mode {
    REGISTER_IN,
    REGISTER_OUT,
    IP,
    CROSS_CONNECT
  }

  /**
   * A trunk of the server and where its far side sits: its mode, its SIPp's address, and the digit
   * that routes a number to it ({@code +7495<digit>00...}). Each mode has two trunks, so that a
   * mode can call itself.
   */
  enum End {
    RIN(Mode.REGISTER_IN, "rin", "127.0.0.11", 1),
    ROUT(Mode.REGISTER_OUT, "rout", "127.0.0.31", 2),
    IP(Mode.IP, "ip", "127.0.0.21", 3),
    XC(Mode.CROSS_CONNECT, "xc", "127.0.0.41", 4),
    RIN2(Mode.REGISTER_IN, "rin2", "127.0.0.12", 5),
    ROUT2(Mode.REGISTER_OUT, "rout2", "127.0.0.32", 6),
    IP2(Mode.IP, "ip2", "127.0.0.22", 7),
    XC2(Mode.CROSS_CONNECT, "xc2", "127.0.0.43", 8);

    final Mode mode;
    final String trunk;
    final String ip;
    final int digit;

    End(Mode mode, String trunk, String ip, int digit) {
      this.mode = mode;
      this.trunk = trunk;
      this.ip = ip;
      this.digit = digit;
    }

    /** The first trunk of {@code mode}. */
    static End first(Mode mode) {
      return values()[mode.ordinal()];
    }

    /** The cross-connect trunk's own listen point: one address per trunk. */
    String listenAddress() {
      return this == XC ? "127.0.0.42" : "127.0.0.44";
    }
  }

  /** What happens in the call, and what the CDR then says. */
  enum Case {
    CALLER_HANGS_UP("uac-call", "uac-call-auth", "uas-any-call", 200, "BYE from caller"),
    CALLEE_HANGS_UP(
        "uac-call-hungup", "uac-auth-call-hungup", "uas-any-hangup", 200, "BYE from callee"),
    CANCEL_WHILE_RINGING(
        "uac-call-cancel", "uac-auth-call-cancel", "uas-call-cancel", 487, "cancelled by caller"),
    HOLD_AND_RESUME(
        "uac-call-hold-resume",
        "uac-auth-call-hold-resume",
        "uas-call-hold-resume",
        200,
        "BYE from caller"),
    CALLEE_HOLDS("uac-call-held", "uac-auth-call-held", "uas-call-holds", 200, "BYE from caller"),
    PRACKED_183("uac-call-183", "uac-auth-call-183", "uas-any-100rel", 200, "BYE from caller");

    final String caller;
    final String authenticatedCaller;
    final String callee;
    final int status;
    final String reason;

    Case(String caller, String authenticatedCaller, String callee, int status, String reason) {
      this.caller = caller;
      this.authenticatedCaller = authenticatedCaller;
      this.callee = callee;
      this.status = status;
      this.reason = reason;
    }
  }

  /**
   * Every ordered pair of modes, 16: a mode calls another's first trunk, and its own second trunk.
   */
  private static final List<End[]> PAIRS =
      Stream.of(Mode.values())
          .flatMap(from ->
              Stream.of(Mode.values())
                  .map(to ->
                      new End[] {
                        End.first(from), to == from ? End.values()[to.ordinal() + 4] : End.first(to)
                      }))
          .toList();

  static Stream<Arguments> calls() {
    List<Arguments> all = new ArrayList<>();
    for (End[] pair : PAIRS) {
      for (Case c : Case.values()) {
        all.add(Arguments.of(pair[0], pair[1], c));
      }
    }
    return all.stream();
  }

  @TempDir static Path dir;
  private static TrunklineServer server;

  /** Where each trunk's callee SIPp listens (register-in and -out: where it registered). */
  private static final java.util.Map<End, Integer> PORTS = new java.util.EnumMap<>(End.class);

  private static final AtomicInteger serial = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    for (End e : End.values()) {
      PORTS.put(e, Sipp.freePortFor("u1"));
    }
    // register-out: our registrations to the PBXs' registrars (SIPps that challenge, then 200)
    List<Process> registrars = new ArrayList<>();
    List<String> registrarDirs = new ArrayList<>();
    for (End e : List.of(End.ROUT, End.ROUT2)) {
      Path regDir = Files.createDirectories(dir.resolve(e.trunk + "-registrar"));
      registrarDirs.add(regDir.getFileName().toString());
      Process registrar =
          Sipp.startUas(
              regDir, "uas-register-challenge", PORTS.get(e), "u1", 1, List.of("-i", e.ip));
      Sipp.awaitBound(e.ip, PORTS.get(e), registrar, regDir);
      registrars.add(registrar);
    }

    StringBuilder yaml =
        new StringBuilder()
            .append("listen:\n")
            .append("  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n");
    for (End e : List.of(End.XC, End.XC2)) {
      yaml.append("  - {name: ")
          .append(e.trunk)
          .append(", transport: udp, address: ")
          .append(e.listenAddress())
          .append(", port: 0}\n");
    }
    yaml.append("database: {url: \"jdbc:h2:file:")
        .append(dir.resolve("db"))
        .append("\"}\n")
        .append("api: {enabled: false}\n")
        .append("trunks:\n");
    StringBuilder routes = new StringBuilder("routes:\n");
    for (End e : End.values()) {
      String target = "\"sip:" + e.ip + ":" + PORTS.get(e) + "\"";
      yaml.append("  - {name: ").append(e.trunk).append(", mode: ");
      yaml.append(
          switch (e.mode) {
            case REGISTER_IN ->
                "register-in, username: "
                    + e.trunk
                    + ", password: pw, numbers: [\"+7495"
                    + e.digit
                    + "00*\"],";
            case REGISTER_OUT ->
                "register-out, registrar: "
                    + target
                    + ", username: trunk77, password: pw, expires: 600,";
            case IP -> "ip, peers: [\"" + e.ip + "\"], target: " + target + ", health: off,";
            case CROSS_CONNECT ->
                "cross-connect, listen: "
                    + e.trunk
                    + ", peers: [\""
                    + e.ip
                    + "\"], target: "
                    + target
                    + ", health: off,";
          });
      yaml.append(NATIONAL).append("}\n");
      if (e.mode != Mode.REGISTER_IN) {
        routes.append("  - {prefix: \"+7495").append(e.digit).append("00\", trunks: [");
        routes.append(e.trunk).append("]}\n");
      }
    }
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(file, yaml.append(routes).toString());
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
    for (Process registrar : registrars) {
      Sipp.expectSuccess(registrar, dir.resolve(registrarDirs.removeFirst()), LIMIT);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            server.core().trunks().stream()
                    .filter(t -> t.name().startsWith("rout") && t.state().equals("registered"))
                    .count()
                == 2);

    // register-in: each PBX registers from the address and port where its callee SIPp will listen
    for (End e : List.of(End.RIN, End.RIN2)) {
      Path reg = Files.createDirectories(dir.resolve(e.trunk + "-register"));
      Sipp.runAndExpectSuccess(
          reg,
          "register-in",
          address("public"),
          e.ip,
          "u1",
          1,
          LIMIT,
          List.of(
              "-s", e.trunk, "-au", e.trunk, "-ap", "pw", "-p", Integer.toString(PORTS.get(e))));
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0} calls {1}: {2}")
  @MethodSource("calls")
  void aCallBetweenTwoTrunkModes(End from, End to, Case c) throws Exception {
    int n = serial.incrementAndGet();
    String e164 = String.format("+7495%d00%04d", to.digit, n);
    String dialed = "8" + e164.substring(2);
    String name = from.trunk + "-" + to.trunk + "-" + c.name().toLowerCase();
    Path calleeDir = Files.createDirectories(dir.resolve(name + "-callee"));
    Path callerDir = Files.createDirectories(dir.resolve(name + "-caller"));
    int port = PORTS.get(to);
    // The callee's port is the trunk's (its target, its registered contact), the same for every
    // case toward it. A case that failed may have left client transactions toward it that still
    // retransmit (a CANCEL or BYE nobody answered, for up to 64*T1); this case's SIPp (-m 1) would
    // take such a late copy, of a Call-ID it does not know, for its one call and fail too. So the
    // cases stay independent: none starts until the server can send that port nothing old.
    InetSocketAddress calleeAddress = new InetSocketAddress(to.ip, port);
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> server.sip().clientTransactionsRetransmittingTo(calleeAddress) == 0);
    Process callee =
        Sipp.startUas(calleeDir, c.callee, port, "u1", 1, List.of("-i", to.ip, "-trace_msg"));
    try {
      Sipp.awaitBound(to.ip, port, callee, calleeDir);
      call(from, to, c, dialed, e164, port, callerDir, callee, calleeDir);
    } finally {
      // a failed case must not leave its SIPp on the port the next case's callee needs
      if (callee.isAlive()) {
        callee.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  private static void call(
      End from,
      End to,
      Case c,
      String dialed,
      String e164,
      int port,
      Path callerDir,
      Process callee,
      Path calleeDir)
      throws Exception {
    List<String> extra = new ArrayList<>(List.of("-s", dialed, "-trace_msg"));
    String scenario = c.caller;
    if (from.mode == Mode.REGISTER_IN) {
      scenario = c.authenticatedCaller;
      extra.addAll(List.of("-au", from.trunk, "-ap", "pw"));
    }
    Sipp.runAndExpectSuccess(
        callerDir,
        scenario,
        address(from.mode == Mode.CROSS_CONNECT ? from.trunk : "public"),
        from.ip,
        "u1",
        1,
        LIMIT,
        extra);
    Sipp.expectSuccess(callee, calleeDir, LIMIT);

    Cdr cdr = cdr(dialed);
    assertThat(cdr.fromTrunk()).isEqualTo(from.trunk);
    assertThat(cdr.toTrunk()).isEqualTo(to.trunk);
    assertThat(cdr.called()).as("in our form, by %s's numbering.in", from.trunk).isEqualTo(e164);
    assertThat(cdr.calledDialed()).isEqualTo(dialed);
    assertThat(cdr.calledSent()).as("by %s's numbering.out", to.trunk).isEqualTo(dialed);
    assertThat(cdr.caller()).isEqualTo("+15551230000");
    assertThat(cdr.status()).isEqualTo(c.status);
    assertThat(cdr.reason()).isEqualTo(c.reason);
    assertThat(cdr.ringing()).isNotNull();
    if (c.status == 200) {
      assertThat(cdr.answer()).isNotNull().isAfterOrEqualTo(cdr.ringing());
      assertThat(cdr.cause()).isEqualTo(16);
      assertThat(cdr.hangup()).isEqualTo(c == Case.CALLEE_HANGS_UP ? "callee" : "caller");
      assertThat(cdr.attempts()).isEqualTo(to.trunk + ": 200");
    } else {
      assertThat(cdr.answer()).isNull();
      assertThat(cdr.cause()).as("normal clearing: the caller gave up").isEqualTo(16);
      assertThat(cdr.hangup()).isEmpty();
    }
    assertThat(cdr.bCallId()).isNotEqualTo(cdr.aCallId());

    String calleeSaw = SippTrace.headersReceived(calleeDir);
    String callerSaw = SippTrace.headersReceived(callerDir);
    // the number as the callee's trunk wants it: in the Request-URI, or for a registered PBX
    // the Request-URI is the Contact it registered and the number is in the To
    if (to.mode == Mode.REGISTER_IN) {
      assertThat(calleeSaw)
          .contains("INVITE sip:" + to.trunk + "@" + to.ip + ":" + port + " SIP/2.0");
    } else {
      assertThat(calleeSaw).contains("INVITE sip:" + dialed + "@");
    }
    assertThat(calleeSaw).containsPattern("(?m)^To: <sip:" + dialed + "@");
    assertThat(calleeSaw)
        .as("the caller's number by %s's numbering.out", to.trunk)
        .containsPattern("(?m)^From: <sip:0015551230000@");
    assertHidden(calleeSaw, from.ip, cdr.aCallId(), branches(callerDir), "the callee");
    assertHidden(callerSaw, to.ip, cdr.bCallId(), branches(calleeDir), "the caller");
  }

  /** Nothing of the other leg (its address, Call-ID, Via branches) in the headers one side saw. */
  private static void assertHidden(
      String seen, String otherIp, String otherCallId, List<String> otherBranches, String who) {
    assertThat(seen)
        .as("headers %s received: no address of the other side", who)
        .doesNotContainPattern(Pattern.quote(otherIp) + "(?![0-9])")
        .as("headers %s received: not the other leg's Call-ID", who)
        .doesNotContain(otherCallId);
    for (String branch : otherBranches) {
      assertThat(seen)
          .as("headers %s received: not the other leg's Via", who)
          .doesNotContain(branch);
    }
  }

  /** The Via branches a SIPp run put in the requests it sent. */
  private static List<String> branches(Path run) throws Exception {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^Via: [^\\r\\n]*branch=([^;\\s]+)")
            .matcher(SippTrace.headersSent(run));
    while (m.find()) {
      out.add(m.group(1));
    }
    assertThat(out).as("requests sent by the SIPp run in %s", run).isNotEmpty();
    return out;
  }

  private static Cdr cdr(String dialed) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                server.core().calls().cdrs(1000).stream()
                    .filter(c -> c.calledDialed().equals(dialed))
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }

  private static InetSocketAddress address(String listen) {
    ListenPoint lp =
        server.listening().stream().filter(l -> l.name().equals(listen)).findFirst().orElseThrow();
    return new InetSocketAddress(lp.address(), lp.port());
  }
}
