package org.trunkline.server.warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The warm-up's registering PBXs: users {@code w000001...} REGISTER with digest (REGISTER, 401,
 * REGISTER with Authorization, 200), up to {@link #WINDOW} at a time from one socket. Half the
 * users keep their Call-ID across passes, CSeq going up, as most PBXs refresh; the other half make
 * a new one per pass (as a rebooted PBX, some makes on every refresh, and SIPp do: the registrar
 * replaces the binding's Call-ID then, another path than the first half's, stop 24); a {@link
 * Kind#REMOVE} pass un-registers them ({@code Expires: 0}), so that the next round's registrations
 * store new contacts again.
 */
final class Registrations extends Exchanges<Registrations.Pending> {
  /** What a pass does. */
  enum Kind {
    /** Contacts the server does not have. */
    NEW,
    /** The same contacts again. */
    REFRESH,
    /** {@code Expires: 0}. */
    REMOVE
  }

  /** Registrations in flight at once. */
  static final int WINDOW = 64;

  private final Peer peer;
  private InetSocketAddress server;
  private final String password;
  private String registrarUri;
  private boolean removing;
  private boolean refreshing;
  private int firstCseq;
  private int sequence;

  static final class Pending extends Exchanges.Sent {
    final int user;
    int cseq;

    Pending(int user, int cseq, long sentAt) {
      super(sentAt);
      this.user = user;
      this.cseq = cseq;
    }
  }

  Registrations(Selector selector, Peer peer, String password, Failures failures) {
    super(selector, WINDOW, "REGISTER without an answer", failures);
    this.peer = peer;
    this.password = password;
  }

  /** The server registered with from now on (each round runs on a new one). */
  void target(InetSocketAddress server) {
    this.server = server;
    this.registrarUri = "sip:" + server.getHostString() + ":" + server.getPort();
  }

  static String user(int n) {
    return "w" + SipText.digits(n, 6);
  }

  /**
   * Registers users {@code 1..count} once, until done or {@code deadline} ({@link
   * System#nanoTime}). {@code sequence} numbers the passes so far (each takes two CSeqs per user).
   * False when the deadline stopped it.
   */
  boolean pass(int count, Kind kind, int sequence, long deadline) throws IOException {
    this.removing = kind == Kind.REMOVE;
    this.refreshing = kind == Kind.REFRESH;
    this.firstCseq = 2 * sequence + 1;
    this.sequence = sequence;
    return run(count, deadline);
  }

  @Override
  void start(int n, long now) throws IOException {
    inFlight.put(callId(n, sequence), new Pending(n, firstCseq, now));
    peer.send(register(n, firstCseq, null), server);
  }

  @Override
  void drain() throws IOException {
    for (Peer.Received r; (r = peer.receive()) != null; ) {
      answer(r.message());
    }
  }

  private void answer(SipText response) throws IOException {
    Pending p = inFlight.get(response.header("Call-ID"));
    int status = response.status();
    if (p == null || status < 200 || !"REGISTER".equals(response.cseqMethod())) {
      return;
    }
    if ((status == 401 || status == 407) && p.cseq % 2 == 1) {
      String challenge = response.header(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
      p.cseq++;
      p.sentAt = System.nanoTime();
      peer.send(register(p.user, p.cseq, authorization(status, challenge, p.user)), server);
      return;
    }
    inFlight.remove(response.header("Call-ID"));
    if (status >= 200 && status < 300) {
      ok++;
    } else {
      failed++;
      failures.add("REGISTER " + response.startLine().substring(8), 1);
    }
  }

  /**
   * A REGISTER as PBXs of several makes write it: the variant (from the user number) decides rport,
   * User-Agent, Allow, a display name, the lifetime (header or Contact parameter, 120 s to 2 h) and
   * the Call-ID's form, so that the JIT does not compile the server for one shape only.
   */
  private String register(int n, int cseq, String authorization) {
    String user = user(n);
    String host = "127.0.0.1:" + peer.port();
    int v = variant(n);
    // a refresh asks for the next make's lifetime: half of them longer than the first grant, so
    // the store writes the binding's new expiry (the UPDATE a real server runs once the clock
    // passes its expiry grid: stop 25 saw it compile 155 methods in a real refresh run otherwise),
    // half shorter (nothing written)
    int lifetime = removing ? 0 : LIFETIMES[(v + (refreshing ? 1 : 0)) % LIFETIMES.length];
    boolean inContact = v % 5 == 4;
    StringBuilder b = new StringBuilder(640);
    b.append("REGISTER ").append(registrarUri).append(" SIP/2.0\r\n");
    b.append("Via: SIP/2.0/UDP ").append(host).append(";branch=z9hG4bK-wr").append(n);
    b.append('-').append(cseq).append(v % 2 == 0 ? ";rport\r\n" : "\r\n");
    if (v % 3 != 1) {
      b.append("Max-Forwards: 70\r\n");
    }
    b.append("From: ").append(v % 4 == 1 ? "\"PBX " + n + "\" " : "").append("<sip:");
    b.append(user).append("@127.0.0.1>;tag=wr").append(n).append("\r\n");
    b.append("To: <sip:").append(user).append("@127.0.0.1>\r\n");
    b.append("Call-ID: ").append(callId(n, sequence)).append("\r\n");
    b.append("CSeq: ").append(cseq).append(" REGISTER\r\n");
    b.append("Contact: <sip:").append(user).append('@').append(host);
    b.append(v % 3 == 2 ? ";transport=udp>" : ">");
    b.append(inContact ? ";expires=" + lifetime + "\r\n" : "\r\n");
    if (authorization != null) {
      b.append(authorization).append("\r\n");
    }
    if (!inContact) {
      b.append("Expires: ").append(lifetime).append("\r\n");
    }
    if (v % 4 != 3) {
      b.append("User-Agent: trunkline-warmup/").append(v).append("\r\n");
    }
    if (v % 3 == 0) {
      b.append("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER\r\n");
    }
    b.append("Content-Length: 0\r\n\r\n");
    return b.toString();
  }

  private static final int[] LIFETIMES = {3600, 600, 120, 1800, 7200, 300};

  /** A user's make of PBX: 0..59. */
  private static int variant(int n) {
    return (n * 37) % 60;
  }

  /**
   * A Call-ID of the user's own in pass {@code sequence}: three forms, lengths 14 to 52; the same
   * in every pass for users of an even variant, a new one per pass for the others.
   */
  static String callId(int n, int sequence) {
    String id =
        switch (n % 3) {
          case 0 -> "wr-" + n + "@warmup";
          case 1 -> SipText.hex((long) n * 0x9E3779B97F4A7C15L, 32) + "@127.0.0.1";
          default -> Integer.toHexString(n * 0x45d9f3b) + "-" + n;
        };
    return variant(n) % 2 == 0 ? id : sequence + "." + id;
  }

  /**
   * RFC 7616 / 2617 digest with qop=auth when offered (MD5, SHA-256 or SHA-512-256, as challenged).
   */
  private String authorization(int status, String challenge, int n) {
    String realm = SipText.param(challenge, "realm");
    String nonce = SipText.param(challenge, "nonce");
    String opaque = SipText.param(challenge, "opaque");
    String algorithm = SipText.param(challenge, "algorithm");
    boolean auth = SipText.param(challenge, "qop").contains("auth");
    String digest =
        switch (algorithm.toUpperCase(java.util.Locale.ROOT)) {
          case "SHA-256" -> "SHA-256";
          case "SHA-512-256" -> "SHA-512/256";
          default -> "MD5";
        };
    String user = user(n);
    String cnonce = "wc" + n;
    String ha1 = hash(digest, user + ":" + realm + ":" + password);
    String ha2 = hash(digest, "REGISTER:" + registrarUri);
    String response =
        auth
            ? hash(digest, ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2)
            : hash(digest, ha1 + ":" + nonce + ":" + ha2);
    return (status == 401 ? "Authorization" : "Proxy-Authorization")
        + ": Digest username=\""
        + user
        + "\", realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + registrarUri
        + "\", response=\""
        + response
        + "\", algorithm="
        + (algorithm.isEmpty() ? "MD5" : algorithm)
        + (auth ? ", cnonce=\"" + cnonce + "\", qop=auth, nc=00000001" : "")
        + (opaque.isEmpty() ? "" : ", opaque=\"" + opaque + "\"");
  }

  private static String hash(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm, e);
    }
  }
}
