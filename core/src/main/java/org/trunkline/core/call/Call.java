package org.trunkline.core.call;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trunk.ReferPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.NameAddress;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipUri;
import org.trunkline.stack.transaction.ClientInviteTransaction;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.Responses;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * One call: the A-leg (the caller's INVITE, answered through its server transaction) and the B-legs
 * tried in turn towards the routed trunks, each with its own Call-ID, tags, Via, Contact and CSeq,
 * so nothing of one side's topology reaches the other. The SDP passes through unchanged.
 * Provisional and final answers are relayed back; a final code the route fails over on moves the
 * call to the next trunk; BYE from either side ends both; a CANCEL cancels the pending B-leg.
 *
 * <p>Confined to one event loop: the A-leg Call-ID's, and every B-leg Call-ID is chosen to hash to
 * the same loop, so all its transactions' events arrive there.
 */
final class Call implements TransactionUser {
  private static final Logger LOG = LoggerFactory.getLogger(Call.class);

  /**
   * Where a B-leg goes: the Request-URI, the To URI, the peer to send to, and the caller's number
   * as the trunk wants it (its numbering rules applied).
   */
  record Target(String requestUri, String toUri, Peer peer, String caller) {}

  /** How the manager finds targets, Call-IDs and local addresses; implemented by CallManager. */
  interface Env {
    /**
     * Finds the target of {@code trunk} for {@code number} and hands it to {@code then} on this
     * call's loop, or null when the trunk has none (then it is skipped).
     */
    void target(
        Trunk trunk,
        String number,
        String caller,
        String loopCallId,
        java.util.function.Consumer<Target> then);

    /** Takes a channel on {@code trunk}: null when taken, else why not. */
    String acquire(Trunk trunk);

    void release(Trunk trunk);

    String newCallId(String sameLoopAs);

    /** The headers the call policy passes from the A-leg to the B-leg. */
    java.util.List<HeaderName> passHeaders();

    /** How often an answered call checks its dialogs; zero never. */
    java.time.Duration dialogCheck();

    /** RFC 4028: the session interval we ask for and insert, seconds; 0 for no session timers. */
    int sessionExpires();

    /** RFC 4028: the shortest session interval we accept, seconds. */
    int minSe();

    /** The status of a call refused because its trunks are at their limits ({@code 503}). */
    int limitStatus();

    /** {@code callId} is now a leg of {@code call}: requests with it are the call's. */
    void bLeg(Call call, String callId);

    /**
     * {@code host:port} of the local socket requests to {@code peer} leave from, for Via and
     * Contact; null when the server has no such socket.
     */
    String localHost(Peer peer);

    /** Our Contact header line for {@code peer} ({@code Contact: <sip:trunkline@host:port>}). */
    String contactLine(Peer peer);

    void ended(Call call, Cdr cdr);

    /** The RTP relay for calls whose trunks relay media, or null when there is none. */
    default org.trunkline.media.MediaRelay relay() {
      return null;
    }

    /** Whether a relayed call whose media went silent is hung up (issue 8). */
    default boolean hangUpSilent() {
      return true;
    }
  }

  private final String id;
  private final Env env;
  private final ServerTransaction aTx;
  private final SipMessage aInvite;

  /**
   * The caller's body and its type, copied out of its INVITE once: each INVITE to a callee sends it
   * (or the relay's rewrite of it), and it is what the callee's leg has from us until then.
   */
  private final byte[] aOffer;

  private final String aOfferType;

  /** The caller's Call-ID, read once (the message makes a new String each time it is asked). */
  private final String aCallId;

  private final Peer aPeer;
  private final Trunk from;
  private final String number;
  private final Iterator<Trunk> candidates;
  private final String caller;

  private final String callerDialed;
  private final String calledDialed;
  private boolean bHeld;
  private String calledSent = "";
  private Instant ringing;
  private String hangup = "";
  private final java.util.Set<Integer> failoverOn;
  private final java.time.Duration tryingTimeout;

  /** A B-leg given up while its INVITE had no answer: if it answers 2xx late, hang it up. */
  private record Abandoned(String callId, String from, Target target) {}

  /** Made when a leg is first given up (rare): most calls never need it. */
  private java.util.Map<ClientTransaction, Abandoned> abandoned = java.util.Map.of();

  // most calls try one trunk: room for two, not ArrayList's default ten (held calls, issue 6)
  private final List<String> bCallIds = new ArrayList<>(2);
  private boolean bResponded;
  private org.trunkline.stack.transaction.Scheduler.Scheduled tryingTimer;

  /**
   * Set when the caller cancelled while the B-leg INVITE had no final answer: the CDR waits for
   * that answer (a 487, or a 2xx that crossed our CANCEL), at most {@link #CANCEL_OUTCOME_WAIT}.
   * Made only for such calls.
   */
  private CancelWait cancelWait;

  /**
   * How long a cancelled call's CDR waits for the callee's final answer to the cancelled INVITE. On
   * loopback or a LAN it comes within a round trip; 4*T1 also covers a lost CANCEL or 487 and its
   * retransmission. Bounded so that a callee that never answers cannot hold the CDR back (the CDR
   * then says so), and short so that a kill -9 in the wait loses little more than the writer's last
   * second.
   */
  static final java.time.Duration CANCEL_OUTCOME_WAIT = java.time.Duration.ofSeconds(2);

  /** The end the caller's CANCEL gave the call, kept until the callee's answer (or the bound). */
  private record CancelWait(
      Instant at,
      int status,
      String how,
      org.trunkline.stack.transaction.Scheduler.Scheduled bound) {}

  private final Instant start = Instant.now();
  private final List<String> attempts = new ArrayList<>(2);
  private final String aLocalTag;

  private Trunk bTrunk;
  private Target bTarget;
  private String bCallId = "";
  private String bFromTag;

  /** The From of our requests in the callee's dialog (with our tag). */
  private String bFrom;

  private String bRemoteTag;
  private String bRemoteContact;

  /**
   * The callee's early dialog (RFC 3261 §12.1: its latest provisional with a To tag) and whether
   * the caller has one with us (a provisional of ours with our tag reached it): an UPDATE may then
   * cross before the answer (RFC 3311 §5.1).
   */
  private String bEarlyTag;

  private String bEarlyContact;

  /**
   * The callee's latest provisional with a To tag whose Contact is not read into {@link
   * #bEarlyContact} yet: read when a request must go in the early dialog ({@link #bRuri}), or when
   * the next one comes, so most calls (answered before any such request) never parse it; dropped at
   * the answer (issue 6: ~0.4 KB per call).
   */
  private SipMessage bEarlyContactFrom;

  private boolean aEarly;
  private long bCseq = 1;
  private long aCseq = 1;
  private ClientInviteTransaction bTx;
  private byte[] bAck;

  /** The callee's 2xx carrying a late offer: our ACK waits for the caller's answer in its own. */
  private SipMessage lateOk;

  private Instant answered;
  private boolean ended;
  private int lastStatus = 480;
  private String lastReason = "Temporarily Unavailable";

  /** The caller's and the callee's dialog state: session timers, glare, last SDP. */
  private final Leg aLeg;

  private final Leg bLeg;

  /** RFC 4028 §9: the caller's session timer as our 2xx will carry it. */
  private final SessionExpires.Uas aSession;

  /** The Session-Expires and Min-SE of our INVITE to the callee (raised by a 422, §7.4). */
  private int bSessionExpires;

  private int bMinSe;
  private boolean retried422;

  /** RFC 3262 towards the caller: how it wants provisionals, and their reliable sending. */
  private final boolean callerRequires100rel;

  private final boolean callerSupports100rel;
  private ReliableProvisionals aReliable;

  /** The relay's session when either trunk relays media (issue 8), else null. */
  private CallMedia media;

  /** The Q.850 cause of a call refused for its media, else 0. */
  private int mediaCause;

  Call(
      String id,
      Env env,
      ServerTransaction aTx,
      SipMessage aInvite,
      Trunk from,
      String number,
      String caller,
      String callerDialed,
      String calledDialed,
      Router.Routing routing,
      SessionExpires.Uas aSession) {
    this.id = id;
    this.env = env;
    this.aTx = aTx;
    this.aInvite = aInvite;
    this.aCallId = aInvite.callId();
    this.aPeer = aTx.peer();
    this.from = from;
    this.number = number;
    this.caller = caller;
    this.callerDialed = callerDialed;
    this.calledDialed = calledDialed;
    this.candidates = routing.trunks().iterator();
    this.failoverOn = routing.failoverOn();
    this.tryingTimeout = routing.tryingTimeout();
    // marked with the call's loop: the caller's ACK, BYE and re-INVITE come back to it (issue 6)
    this.aLocalTag = aTx.toTag();
    SessionTimer.Schedule schedule = (task, delay) -> aTx.layer().schedule(task, delay);
    this.aLeg = new Leg("caller", false, schedule, this::refresh, this::expired);
    this.bLeg = new Leg("callee", true, schedule, this::refresh, this::expired);
    aLeg.allowsUpdate = SessionExpires.allows(aInvite, "UPDATE");
    this.aOfferType = aInvite.contentType();
    this.aOffer = aInvite.body();
    bLeg.sent(aOfferType, aOffer);
    this.aSession = aSession;
    this.callerRequires100rel = requires(aInvite, "100rel");
    this.callerSupports100rel = SessionExpires.supports(aInvite, "100rel");
  }

  String aCallId() {
    return aCallId;
  }

  /** Whether {@code m}'s Require lists {@code tag} (RFC 3261 §20.32). */
  static boolean requires(SipMessage m, String tag) {
    for (String t : m.headers(HeaderName.REQUIRE)) {
      if (t.equalsIgnoreCase(tag)) {
        return true;
      }
    }
    return false;
  }

  Trunk from() {
    return from;
  }

  /** The trunk of the leg with {@code callId} if {@code source} is that leg's peer's IP. */
  java.util.Optional<Trunk> legTrunk(String callId, InetSocketAddress source) {
    if (callId.equals(aCallId())) {
      return aPeer.address().getAddress().equals(source.getAddress())
          ? java.util.Optional.of(from)
          : java.util.Optional.empty();
    }
    if (callId.equals(bCallId) && bTarget != null) {
      return bTarget.peer().address().getAddress().equals(source.getAddress())
          ? java.util.Optional.of(bTrunk)
          : java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }

  String bCallId() {
    return bCallId;
  }

  /** The Call-IDs of every B-leg this call tried. */
  List<String> bCallIds() {
    return bCallIds;
  }

  boolean isAnswered() {
    return answered != null;
  }

  /**
   * Whether a request in the leg {@code callId} (the caller's, or the current callee's) can cross
   * in the early dialogs (RFC 3311 §5.1): the call is not answered or ended yet and the other side
   * has an early dialog with us (the callee sent a provisional with its tag; the caller got one
   * with ours).
   */
  boolean inEarlyDialog(String callId) {
    if (ended || answered != null || aTx.isAnswered() || bTx == null) {
      return false;
    }
    if (callId.equals(aCallId)) {
      return bEarlyTag != null;
    }
    return aEarly && callId.equals(bCallId); // not a B-leg given up before (failover)
  }

  private TransactionLayer layer() {
    return aTx.layer();
  }

  /** Tries the next candidate trunk, or gives the caller the last failure. */
  void next() {
    if (ended) {
      return;
    }
    if (aTx.isAnswered()) {
      // the caller went away (CANCEL answered 487 already)
      end(487, "Request Terminated", "cancelled by caller");
      return;
    }
    if (!candidates.hasNext()) {
      aTx.respond(
          lastStatus,
          lastReason,
          Q850.reasonHeader(
              !attempts.isEmpty() && attempts.stream().allMatch(a -> a.endsWith("at its limit"))
                  ? Q850.NO_CIRCUIT
                  : Q850.forStatus(lastStatus),
              attempts.isEmpty() ? "no usable trunk" : String.join(", ", attempts)));
      end(
          lastStatus,
          lastReason,
          attempts.isEmpty() ? "no usable trunk" : lastStatus + " " + lastReason);
      return;
    }
    Trunk t = candidates.next();
    releaseB();
    String refused = env.acquire(t);
    if (refused != null) {
      attempts.add(t.name() + ": at its limit");
      LOG.info("call {}: {}", id, refused);
      lastStatus = env.limitStatus();
      lastReason = "Trunk " + t.name() + " at its limit"; // our refusal says why (issue 6)
      next();
      return;
    }
    bTrunk = t;
    bHeld = true;
    env.target(
        t,
        number,
        caller,
        aCallId(),
        target -> {
          if (target == null) {
            attempts.add(t.name() + ": no target");
            next();
            return;
          }
          send(t, target);
        });
  }

  private void send(Trunk t, Target target) {
    bTrunk = t;
    bTarget = target;
    calledSent = userOf(target.toUri()); // a registered PBX's Request-URI is its Contact
    bCallId = env.newCallId(aCallId());
    bCallIds.add(bCallId);
    env.bLeg(this, bCallId);
    bResponded = false;
    lastRseq = -1;
    bOfferedEarly = false;
    bOfferProvisional = null;
    // random, marked with the call's loop: the callee's requests in the dialog come back to it
    bFromTag = layer().newTag();
    bCseq = 1;
    bRemoteTag = null;
    bRemoteContact = null;
    bEarlyTag = null;
    bEarlyContact = null;
    bEarlyContactFrom = null;
    String local = env.localHost(target.peer());
    if (local == null) {
      attempts.add(t.name() + ": no " + target.peer().transport() + " listen point");
      next();
      return;
    }
    String caller = target.caller();
    bFrom = "<sip:" + (caller == null ? "anonymous" : caller) + "@" + local + ">;tag=" + bFromTag;
    bSessionExpires = env.sessionExpires();
    bMinSe = env.minSe();
    retried422 = false;
    sendInvite();
  }

  /** Sends the INVITE of the current B-leg, with its CSeq, Session-Expires and Min-SE. */
  private void sendInvite() {
    Trunk t = bTrunk;
    Target target = bTarget;
    int maxForwards = Math.max(0, aInvite.maxForwards() < 0 ? 69 : aInvite.maxForwards() - 1);
    RequestText sb =
        request(
            "INVITE",
            target.requestUri(),
            target.peer(),
            maxForwards,
            bFrom,
            "<" + target.toUri() + ">",
            bCallId,
            bCseq);
    sb.append(env.contactLine(target.peer())).append("\r\n");
    sb.append("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK\r\n");
    // RFC 3262: we PRACK the callee's reliable provisionals ourselves (and relay them as the
    // caller wants them); RFC 4028: each leg negotiates its own session timer
    if (bSessionExpires > 0) {
      sb.append("Supported: 100rel, timer\r\n");
      sb.append("Session-Expires: ").append(bSessionExpires).append("\r\n");
      sb.append("Min-SE: ").append(bMinSe).append("\r\n");
    } else {
      sb.append("Supported: 100rel\r\n");
    }
    passHeaders(sb, t);
    byte[] body = offerToCallee(t);
    if (body == null) {
      return; // the relay refused the offer: so was the call
    }
    bLeg.sent(aOfferType, body);
    byte[] bytes = withBody(sb, aOfferType, body);
    if (LOG.isDebugEnabled()) { // no varargs array per call when off
      LOG.debug(
          "call {}: INVITE {} via trunk {} to {}",
          id,
          target.requestUri(),
          t.name(),
          target.peer());
    }
    try {
      bTx = (ClientInviteTransaction) sendNew(bytes, target.peer(), this);
      if (!tryingTimeout.isZero()) {
        ClientInviteTransaction leg = bTx;
        tryingTimer = layer().schedule(() -> noAnswer(leg), tryingTimeout);
      }
    } catch (IllegalArgumentException e) {
      attempts.add(t.name() + ": " + e.getMessage());
      next();
    }
  }

  /**
   * The caller's headers the call policy passes, into the B-leg INVITE to {@code to}: an asserted
   * identity only from a trusted trunk to a trusted trunk (RFC 3325: the trust domain is the trunks
   * marked trusted), its number rewritten by both trunks' numbering and the host of a SIP identity
   * made ours, as in the B-leg's From (the caller's address must not cross).
   */
  private void passHeaders(RequestText sb, Trunk to) {
    for (HeaderName h : env.passHeaders()) {
      boolean pai = h.equals(HeaderName.P_ASSERTED_IDENTITY);
      if (pai && (!from.trusted() || !to.trusted())) {
        continue;
      }
      for (String value : aInvite.headers(h)) {
        sb.append(h.name()).append(": ").append(pai ? renumber(value, to) : value).append("\r\n");
      }
    }
  }

  /** A number in a SIP or tel URI, and the host part of a SIP one. */
  private static final java.util.regex.Pattern IDENTITY =
      java.util.regex.Pattern.compile("((?:sips?|tel):)(\\+?[0-9*#]+)(@[^>;?,\\s]*)?");

  /**
   * An identity's number in our form (the caller trunk's in rules), then the callee trunk's; a SIP
   * identity's host replaced by the address the B-leg leaves from.
   */
  private String renumber(String value, Trunk to) {
    java.util.regex.Matcher m = IDENTITY.matcher(value);
    if (!m.find()) {
      return value;
    }
    String ours = from.numbering().in(m.group(2));
    String theirs = to.numbering().out(ours);
    String local = m.group(3) == null ? null : env.localHost(bTarget.peer());
    if (local == null) {
      return value.substring(0, m.start(2)) + theirs + value.substring(m.end(2));
    }
    return value.substring(0, m.start(2)) + theirs + "@" + local + value.substring(m.end(3));
  }

  // ---- B-leg events ----

  /** The route's trying-timeout passed without any answer to {@code leg}'s INVITE. */
  private void noAnswer(ClientInviteTransaction leg) {
    if (leg != bTx || bResponded || answered != null || ended) {
      return;
    }
    attempts.add(bTrunk.name() + ": no answer within " + tryingTimeout.toMillis() + " ms");
    LOG.debug("call {}: trunk {} did not answer within {}", id, bTrunk.name(), tryingTimeout);
    if (abandoned.isEmpty()) {
      abandoned = new java.util.HashMap<>();
    }
    abandoned.put(leg, new Abandoned(bCallId, bFrom, bTarget));
    leg.cancel(); // §9.1: sent only if a provisional comes after all
    bTx = null;
    lastStatus = 408;
    lastReason = "Request Timeout";
    next();
  }

  /** RFC 3262: the last RSeq we acknowledged on the current B-leg. */
  private long lastRseq = -1;

  /**
   * RFC 3262 §5: the callee's reliable provisional whose offer (the caller's INVITE had none) the
   * caller answers in its PRACK; our PRACK to the callee waits for that answer. Null otherwise.
   */
  private SipMessage bOfferProvisional;

  /** The RSeq the callee gave {@link #bOfferProvisional}. */
  private long bOfferRseq;

  /** The RSeq the caller got the callee's offer with, -1 before. */
  private long aOfferRseq = -1;

  /** Whether the current B-leg has made its offer in a reliable provisional. */
  private boolean bOfferedEarly;

  /** What a provisional of the callee is, for RFC 3262. */
  private enum Provisional {
    /** Sent once, without {@code Require: 100rel}. */
    UNRELIABLE,
    /** Reliable, new: PRACKed (or its PRACK waits for the caller's answer). */
    RELIABLE,
    /** Reliable, and already seen: a retransmission our PRACK has not stopped yet. */
    REPEATED
  }

  /**
   * A reliable provisional (Require: 100rel with an RSeq) is acknowledged on the B-leg with a PRACK
   * in its early dialog; the caller gets it as an ordinary provisional, or reliably when it takes
   * 100rel. When it carries the callee's offer and the caller gets it reliably, the caller's PRACK
   * carries the answer (RFC 3262 §5), so our PRACK waits for it ({@link #prack}).
   */
  private Provisional prackIfReliable(SipMessage r) {
    String require = r.header(HeaderName.of("Require"));
    String rseqText = r.header(HeaderName.of("RSeq"));
    if (require == null
        || rseqText == null
        || !require.toLowerCase(java.util.Locale.ROOT).contains("100rel")) {
      return Provisional.UNRELIABLE;
    }
    long rseq;
    try {
      rseq = Long.parseLong(rseqText.strip());
    } catch (NumberFormatException e) {
      return Provisional.UNRELIABLE;
    }
    if (rseq <= lastRseq) {
      return Provisional.REPEATED; // our PRACK is on its way, or waits for the caller's answer
    }
    lastRseq = rseq;
    if (r.bodyLength() > 0
        && aInvite.bodyLength() == 0
        && !bOfferedEarly
        && (callerRequires100rel || callerSupports100rel)
        && !aTx.isAnswered()) {
      bOfferedEarly = true;
      bOfferProvisional = r;
      bOfferRseq = rseq;
      return Provisional.RELIABLE;
    }
    prackCallee(r, rseq, null, new byte[0]);
    return Provisional.RELIABLE;
  }

  /** Our PRACK of the callee's reliable provisional {@code r}, with the answer it may carry. */
  private void prackCallee(SipMessage r, long rseq, String contentType, byte[] body) {
    String contact = firstContact(r);
    RequestText sb =
        request(
            "PRACK",
            contact != null ? contact : bTarget.requestUri(),
            bTarget.peer(),
            70,
            bFrom,
            r.header(HeaderName.TO),
            bCallId,
            ++bCseq);
    sb.append("RAck: ").append(rseq).append(' ').append(r.cseqNumber()).append(" INVITE\r\n");
    send("PRACK", withBody(sb, contentType, body), bTarget.peer(), IGNORED);
  }

  /**
   * The callee's offer went to the caller without a body (the relay refused it) or not reliably:
   * the caller will not answer it, so our PRACK goes now, without an answer.
   */
  private void prackOfferNow() {
    SipMessage r = bOfferProvisional;
    bOfferProvisional = null;
    if (r != null) {
      prackCallee(r, bOfferRseq, null, new byte[0]);
    }
  }

  private void scheduleDialogCheck() {
    java.time.Duration every = env.dialogCheck();
    if (!every.isZero() && !ended) {
      layer().schedule(this::checkDialogs, every);
    }
  }

  /**
   * Dead-call detection: an OPTIONS in each leg's dialog. A leg that answers 481 (it has forgotten
   * the dialog), 408 or nothing ends the call: the other side gets a BYE.
   */
  private void checkDialogs() {
    if (ended || answered == null) {
      return;
    }
    checkLeg(true);
    checkLeg(false);
    scheduleDialogCheck();
  }

  private void checkLeg(boolean callee) {
    Peer to = callee ? bTarget.peer() : aPeer;
    RequestText sb =
        callee
            ? request("OPTIONS", bRuri(), to, 70, bFrom, bTo(), bCallId, ++bCseq)
            : request(
                "OPTIONS",
                aRuri(),
                to,
                70,
                aFrom(),
                aInvite.header(HeaderName.FROM),
                aCallId(),
                aCseq++);
    String side = callee ? "callee" : "caller";
    try {
      layer()
          .sendRequest(
              noBody(sb),
              to,
              new TransactionUser() {
                @Override
                public void onRequest(ServerTransaction t, SipMessage m) {}

                @Override
                public void onResponse(ClientTransaction t, SipMessage m) {
                  if (m.status() == 481 || m.status() == 408) {
                    dead(callee, m.status() + " from the " + side);
                  }
                }

                @Override
                public void onTimeout(Transaction t) {
                  dead(callee, "no answer from the " + side);
                }

                @Override
                public void onTransportError(Transaction t, String reason) {
                  dead(callee, reason);
                }
              });
    } catch (IllegalArgumentException e) {
      LOG.warn("call {}: cannot check the {}'s dialog: {}", id, side, e.getMessage());
    }
  }

  /** A leg's dialog is gone: hang up the other side and end the call. */
  private void dead(boolean calleeGone, String why) {
    if (ended) {
      return;
    }
    LOG.info("call {}: dialog check failed ({}), hanging up", id, why);
    hangup = calleeGone ? "callee" : "caller";
    bye(!calleeGone);
    end(200, "OK", "dialog check failed: " + why);
  }

  /** The owner of requests whose answer changes nothing (PRACK, the BYE to a late leg). */
  private static final TransactionUser IGNORED =
      new TransactionUser() {
        @Override
        public void onRequest(ServerTransaction t, SipMessage m) {}

        @Override
        public void onResponse(ClientTransaction t, SipMessage m) {}

        @Override
        public void onTimeout(Transaction t) {}

        @Override
        public void onTransportError(Transaction t, String reason) {}
      };

  /** Sends a request of ours in a new client transaction; a refusal by the layer is logged. */
  private void send(String what, byte[] bytes, Peer to, TransactionUser owner) {
    try {
      sendNew(bytes, to, owner);
    } catch (IllegalArgumentException e) {
      LOG.warn("call {}: cannot send {}: {}", id, what, e.getMessage());
    }
  }

  /** A given-up leg answered 2xx after all: ACK it and hang it up. */
  private void hangUpLate(Abandoned leg, SipMessage ok) {
    String contact = firstContact(ok);
    String ruri = contact != null ? contact : leg.target().requestUri();
    Peer to = leg.target().peer();
    String toHeader = ok.header(HeaderName.TO);
    layer()
        .sendStateless(
            noBody(
                request("ACK", ruri, to, 70, leg.from(), toHeader, leg.callId(), ok.cseqNumber())),
            to);
    send(
        "BYE to a late leg",
        noBody(
            request("BYE", ruri, to, 70, leg.from(), toHeader, leg.callId(), ok.cseqNumber() + 1)),
        to,
        IGNORED);
  }

  @Override
  public void onResponse(ClientTransaction tx, SipMessage r) {
    if (tx != bTx) {
      Abandoned leg = abandoned.get(tx);
      if (leg != null && r.status() >= 200 && r.status() < 300) {
        abandoned.remove(tx);
        hangUpLate(leg, r);
      }
      return;
    }
    bResponded = true;
    if (tryingTimer != null) {
      tryingTimer.cancel();
      tryingTimer = null;
    }
    int status = r.status();
    if (status >= 200 && status < 300) {
      answeredBy(r);
      return;
    }
    if (status >= 200 && cancelWait != null) {
      calleeOutcome(cancelWait.how()); // the callee's 487 (or other final) to our CANCEL
      return;
    }
    if (status == 100 || answered != null || ended) {
      return;
    }
    if (status < 200) {
      if (ringing == null) {
        ringing = Instant.now();
      }
      String earlyTag = r.toTag();
      if (earlyTag != null) {
        bEarlyTag = earlyTag;
        earlyContact(); // the one before, in order: a provisional without a usable one keeps it
        bEarlyContactFrom = r;
      }
      Provisional kind = prackIfReliable(r);
      if (kind == Provisional.REPEATED) {
        return; // the caller's copy is retransmitted by us when it is reliable
      }
      if (!aTx.isAnswered()) {
        provisionalToCaller(r, kind == Provisional.RELIABLE);
      }
      return;
    }
    if (status == 422 && retriedAfter422(r)) {
      return;
    }
    attempts.add(bTrunk.name() + ": " + status);
    lastStatus = status;
    lastReason = r.reason();
    if (aTx.isAnswered()) {
      end(487, "Request Terminated", "cancelled by caller");
      return;
    }
    if (failoverOn.contains(status) && candidates.hasNext()) {
      LOG.info("call {}: trunk {} answered {}, trying the next", id, bTrunk.name(), status);
      next();
      return;
    }
    aTx.respond(relay(r, status));
    end(status, r.reason(), status + " " + r.reason() + " from " + bTrunk.name());
  }

  /**
   * RFC 4028 §7.4: the callee finds our session interval too small; the INVITE goes again in the
   * same leg (Call-ID and From tag, next CSeq) with the interval its Min-SE asks. Once.
   */
  private boolean retriedAfter422(SipMessage r) {
    int asked = SessionExpires.minSe(r);
    if (retried422 || bSessionExpires == 0 || asked <= 0) {
      return false;
    }
    retried422 = true;
    bSessionExpires = Math.max(bSessionExpires, asked);
    bMinSe = Math.max(bMinSe, asked);
    bCseq++;
    LOG.debug("call {}: trunk {} wants Min-SE {}, INVITE again", id, bTrunk.name(), asked);
    sendInvite();
    return true;
  }

  /**
   * A callee's provisional to the caller: reliably (RFC 3262) when the caller requires it, or
   * supports it and the callee sent it reliably (its choice that this one matters crosses); else as
   * it is.
   */
  private void provisionalToCaller(SipMessage r, boolean reliable) {
    int status = r.status();
    byte[] body = bodyToCaller(r, status);
    aLeg.sent(r.contentType(), body);
    aEarly = true;
    if (r == bOfferProvisional && body.length == 0) {
      prackOfferNow(); // the relay refused the offer: the caller cannot answer it
    }
    if (!callerRequires100rel && !(callerSupports100rel && reliable)) {
      aTx.respond(relayWith(r, status, body));
      return;
    }
    if (aReliable == null) {
      aReliable =
          new ReliableProvisionals(
              (task, delay) -> layer().schedule(task, delay),
              layer().config().t1(),
              aInvite.cseqNumber(),
              bytes -> {
                if (!aTx.isAnswered()) {
                  aTx.respond(bytes);
                }
              },
              this::noPrack);
    }
    aReliable.send(
        rseq -> {
          if (r == bOfferProvisional) {
            aOfferRseq = rseq;
          }
          return relay(r, status, "Require: 100rel", "RSeq: " + rseq);
        },
        r.body().length > 0);
  }

  /** RFC 3262 §3: a reliable provisional got no PRACK within 64*T1: the caller gets a 5xx. */
  private void noPrack() {
    if (ended || aTx.isAnswered()) {
      return;
    }
    LOG.info("call {}: the caller did not PRACK a reliable provisional", id);
    if (bTx != null && bRemoteTag == null) {
      bTx.cancel();
    }
    bye(true);
    aTx.respond(
        500,
        "No PRACK for a reliable provisional",
        Q850.reasonHeader(Q850.forStatus(500), "no PRACK from the caller"));
    end(500, "No PRACK", "no PRACK from the caller");
  }

  /**
   * A PRACK from the caller (RFC 3262 §3): 200 when it acknowledges the reliable provisional that
   * waits for it, else 481.
   */
  void prack(ServerTransaction tx, SipMessage prack) {
    if (aReliable == null || !aReliable.matches(prack)) {
      tx.respond(481, "Call/Transaction Does Not Exist");
      return;
    }
    tx.respond(200, "OK");
    long acked = aReliable.waitingRseq();
    aReliable.acknowledged();
    if (bOfferProvisional != null && acked == aOfferRseq) {
      // RFC 3262 §5: the caller's PRACK answers the callee's offer; ours carries it on
      SipMessage r = bOfferProvisional;
      bOfferProvisional = null;
      String contentType = prack.contentType();
      byte[] body = lateAnswer(prack, true);
      bLeg.sent(contentType, body);
      prackCallee(r, bOfferRseq, contentType, body);
    }
  }

  private void answeredBy(SipMessage ok) {
    if (bAck != null) {
      // a 2xx retransmission: our ACK was lost (RFC 6026)
      layer().sendStateless(bAck, bTarget.peer());
      return;
    }
    if (lateOk != null) {
      return; // a retransmission while we wait for the caller's ACK
    }
    bRemoteTag = ok.toTag();
    bRemoteContact = firstContact(ok);
    if (bRemoteTag != null) {
      bEarlyContactFrom = null; // the early dialog's Contact is never asked for again
    }
    if (aInvite.bodyLength() == 0 && ok.bodyLength() > 0 && !ended && !aTx.isAnswered()) {
      lateOk = ok; // RFC 3261 §13.2.1: the callee offered; the caller answers in its ACK
    } else {
      bAck = ack(ok, null, new byte[0]);
      layer().sendStateless(bAck, bTarget.peer());
    }
    attempts.add(bTrunk.name() + ": " + ok.status());
    if (ended || aTx.isAnswered()) {
      // the caller cancelled while the callee answered (§9.1 race): hang up the callee; the
      // caller has its 487 and hears nothing more of this call
      bye(true);
      end(487, "Request Terminated", "cancelled by caller, callee answered");
      if (cancelWait != null) {
        long ms = java.time.Duration.between(cancelWait.at(), Instant.now()).toMillis();
        LOG.info(
            "call {}: trunk {} answered {} ms after the caller's CANCEL; ACKed and hung up with BYE",
            id,
            bTrunk.name(),
            ms);
        calleeOutcome(
            "cancelled by caller; callee answered "
                + ms
                + " ms after the CANCEL, released with BYE");
      } else if (ended) {
        LOG.info(
            "call {}: trunk {} answered after the call's CDR was written; ACKed and hung up with BYE",
            id,
            bTrunk.name());
      }
      return;
    }
    bLeg.allowsUpdate = SessionExpires.allows(ok, "UPDATE");
    SessionExpires.asUac(ok).ifPresent(bLeg.timer::arm);
    if (aReliable != null) {
      aReliable.success(() -> answerCaller(ok));
    } else {
      answerCaller(ok);
    }
  }

  /** The callee's 2xx to the caller, with the caller's session timer (RFC 4028 §9). */
  private void answerCaller(SipMessage ok) {
    if (ended || aTx.isAnswered()) {
      return;
    }
    if (!mediaAnswered(ok)) {
      return;
    }
    answered = Instant.now();
    byte[] body = bodyToCaller(ok, ok.status());
    aLeg.sent(ok.contentType(), body);
    if (aSession instanceof SessionExpires.Agreed agreed) {
      aTx.respond(relayWith(ok, ok.status(), body, agreed.lines().toArray(String[]::new)));
      aLeg.timer.arm(agreed);
    } else {
      aTx.respond(relayWith(ok, ok.status(), body));
    }
    scheduleDialogCheck();
    if (LOG.isDebugEnabled()) { // no varargs array per call when off
      LOG.debug("call {}: {} -> {} answered by trunk {}", id, from.name(), number, bTrunk.name());
    }
  }

  @Override
  public void onTimeout(Transaction tx) {
    if (tx != bTx || answered != null || ended) {
      return;
    }
    attempts.add(bTrunk.name() + ": timeout");
    lastStatus = 408;
    lastReason = "Request Timeout";
    if (candidates.hasNext() && !aTx.isAnswered()) {
      next();
    } else {
      if (!aTx.isAnswered()) {
        aTx.respond(
            408,
            "Request Timeout",
            Q850.reasonHeader(Q850.forStatus(408), "no answer from trunk " + bTrunk.name()));
      }
      end(408, "Request Timeout", "no answer from " + bTrunk.name());
    }
  }

  @Override
  public void onTransportError(Transaction tx, String reason) {
    if (tx != bTx || answered != null || ended) {
      return;
    }
    attempts.add(bTrunk.name() + ": " + reason);
    lastStatus = 503;
    lastReason = "Service Unavailable";
    if (candidates.hasNext() && !aTx.isAnswered()) {
      next();
    } else {
      if (!aTx.isAnswered()) {
        aTx.respond(
            503,
            "Service Unavailable",
            Q850.reasonHeader(Q850.forStatus(503), "cannot reach trunk " + bTrunk.name()));
      }
      end(503, "Service Unavailable", "cannot reach " + bTrunk.name() + ": " + reason);
    }
  }

  @Override
  public void onRequest(ServerTransaction tx, SipMessage request) {
    throw new IllegalStateException("a call leg got a server transaction");
  }

  // ---- caller events ----

  /** The caller cancelled (the layer answered the CANCEL 200 and the INVITE 487). */
  void cancelled() {
    if (bTx != null && answered == null) {
      bTx.cancel();
    }
    if (answered == null && !ended) {
      attempts.add("cancelled by caller");
      end(487, "Request Terminated", "cancelled by caller");
    }
  }

  /**
   * A request inside the answered call other than BYE and PRACK (re-INVITE for hold/resume or a
   * codec change, UPDATE, INFO, OPTIONS, MESSAGE, NOTIFY, REFER): sent on to the other side in that
   * side's dialog, its answers relayed back. A 2xx to a re-INVITE is ACKed towards its sender by
   * us; the originator's ACK ends at us (each leg's INVITE transactions are our own).
   *
   * <p>Answered here instead: a REFER the trunks' policy refuses (403); a re-INVITE while one of
   * ours is in progress in the same dialog (491, RFC 3261 §14.2) or while its previous one is
   * unanswered (500 with Retry-After, §14.2); a Session-Expires below our Min-SE (422, RFC 4028);
   * an UPDATE without a body, which only refreshes that leg's session (RFC 4028 §10).
   */
  void inDialog(ServerTransaction tx, SipMessage req, boolean fromCaller) {
    String method = req.method().name();
    Leg origin = fromCaller ? aLeg : bLeg;
    Leg other = fromCaller ? bLeg : aLeg;
    // RFC 3311 §5.1: an UPDATE before the answer; the session timers start with the 2xx
    boolean early = answered == null;
    boolean invite = method.equals("INVITE");
    boolean offerCapable = invite || method.equals("UPDATE");
    if (method.equals("REFER")) {
      String refused = referRefusedBy(fromCaller);
      if (refused != null) {
        LOG.debug("call {}: REFER from the {} refused by trunk {}", id, origin.side, refused);
        tx.respond(403, "REFER not allowed on trunk " + refused);
        return;
      }
    }
    boolean updateOffer = method.equals("UPDATE") && req.bodyLength() > 0;
    if ((invite || updateOffer) && (origin.invitesOut > 0 || origin.updateOffersOut > 0)) {
      // §14.2: a re-INVITE while ours is in progress in this dialog: glare; RFC 3311 §5.2: an
      // offer (UPDATE or re-INVITE) while one of ours (in an UPDATE or a re-INVITE) is unanswered
      tx.respond(491, "Request Pending");
      return;
    }
    if (invite && origin.invitesIn > 0) {
      // §14.2: a second re-INVITE before we answered its first one
      tx.respond(
          500,
          "Server Internal Error",
          "Retry-After: " + ThreadLocalRandom.current().nextInt(0, 11));
      return;
    }
    SessionExpires.Uas session = new SessionExpires.None();
    if (offerCapable && !early) {
      session = SessionExpires.asUas(req, env.sessionExpires(), env.minSe());
      if (session instanceof SessionExpires.TooSmall small) {
        tx.respond(422, "Session Interval Too Small", "Min-SE: " + small.minSe());
        return;
      }
      if (method.equals("UPDATE") && req.bodyLength() == 0) {
        refreshedByPeer(tx, origin, session);
        return;
      }
    }
    byte[] body = req.body();
    if (media != null && offerCapable && CallMedia.isSdp(req.contentType(), body)) {
      try {
        body = media.offer(fromCaller, body);
      } catch (RuntimeException e) {
        org.trunkline.media.MediaException m = CallMedia.failure(e);
        LOG.info("call {}: {} from the {} refused by the relay: {}", id, method, origin.side, m);
        tx.respond(
            m.sipStatus(),
            CallMedia.phrase(m),
            Q850.reasonHeader(CallMedia.cause(m), m.getMessage()));
        return;
      }
    }
    Peer to = fromCaller ? bTarget.peer() : aPeer;
    long cseq = fromCaller ? ++bCseq : aCseq++;
    String ruri = fromCaller ? bRuri() : aRuri();
    String fromHeader = fromCaller ? bFrom : aFrom();
    String callId = fromCaller ? bCallId : aCallId();
    RequestText sb =
        request(
            method,
            ruri,
            to,
            70,
            fromHeader,
            fromCaller ? bTo() : aInvite.header(HeaderName.FROM),
            callId,
            cseq);
    if (offerCapable) {
      sb.append(env.contactLine(to)).append("\r\n");
      String se = early ? null : other.timer.requestLine();
      if (se != null) {
        // RFC 4028 §7.4: a request that may refresh carries the other dialog's own interval
        sb.append("Supported: timer\r\n").append(se).append("\r\n");
      }
    }
    for (HeaderName h :
        List.of(
            HeaderName.EVENT,
            HeaderName.of("Subscription-State"),
            HeaderName.REFER_TO,
            HeaderName.REFERRED_BY)) {
      String v = req.header(h);
      if (v != null) {
        sb.append(h.name()).append(": ").append(v).append("\r\n");
      }
    }
    byte[] bytes = withBody(sb, req.contentType(), body);
    if (offerCapable) {
      other.sent(req.contentType(), body);
    }
    // a re-INVITE without an offer: the other side offers in its 2xx, the origin answers in its ACK
    boolean lateOffer = invite && body.length == 0;
    long originCseq = req.cseqNumber();
    if (invite) {
      origin.invitesIn++;
      other.invitesOut++;
    }
    if (updateOffer) {
      other.updateOffersOut++;
    }
    SessionExpires.Uas originSession = session;
    Peer back = tx.peer();
    try {
      layer()
          .sendRequest(
              bytes,
              to,
              new TransactionUser() {
                private boolean done;

                @Override
                public void onRequest(ServerTransaction t, SipMessage r) {}

                @Override
                public void onResponse(ClientTransaction t, SipMessage r) {
                  int status = r.status();
                  if (status >= 200 && status < 300 && invite) {
                    if (lateOffer && r.bodyLength() > 0) {
                      // its offer: our ACK carries the origin's answer, from the origin's ACK
                      Leg.LateAck wait = origin.lateAck;
                      if (wait == null || wait.ourCseq() != cseq) {
                        origin.lateAck =
                            new Leg.LateAck(originCseq, r, to, ruri, fromHeader, callId, cseq);
                        origin.lateAckSent = null;
                      } else if (origin.lateAckSent != null) {
                        layer().sendStateless(origin.lateAckSent, to); // a 2xx retransmission
                      }
                    } else {
                      // every 2xx of a re-INVITE is ACKed, its retransmissions too (RFC 6026)
                      layer()
                          .sendStateless(
                              ackInDialog(r, to, ruri, fromHeader, callId, cseq, null, new byte[0]),
                              to);
                    }
                  }
                  if (status < 200 || done) {
                    if (status > 100 && status < 200 && !tx.isAnswered()) {
                      byte[] rb = answerBody(fromCaller, offerCapable, r);
                      tx.respond(
                          relayed(req, r, rb == null ? new byte[0] : rb, back, offerCapable));
                    }
                    return;
                  }
                  finished();
                  byte[] rb = status < 300 ? answerBody(fromCaller, offerCapable, r) : r.body();
                  if (rb == null) {
                    // the relay cannot take the answer: the offerer keeps its old session
                    if (!tx.isAnswered()) {
                      tx.respond(
                          488,
                          "Not Acceptable Here",
                          Q850.reasonHeader(65, "the relay refused the answer"));
                    }
                    return;
                  }
                  if (status < 300 && offerCapable) {
                    // RFC 4028 §10: a successful re-INVITE or UPDATE refreshes that dialog
                    if (!early) {
                      other.timer.refreshed(SessionExpires.asUac(r));
                    }
                    origin.sent(r.contentType(), rb);
                  }
                  if (tx.isAnswered()) {
                    return;
                  }
                  List<String> extra = new ArrayList<>();
                  if (status < 300 && originSession instanceof SessionExpires.Agreed agreed) {
                    extra.addAll(agreed.lines());
                    origin.timer.arm(agreed);
                  }
                  tx.respond(relayed(req, r, rb, back, offerCapable, extra.toArray(String[]::new)));
                }

                @Override
                public void onTimeout(Transaction t) {
                  finished();
                  if (!tx.isAnswered()) {
                    tx.respond(408, "Request Timeout");
                  }
                }

                @Override
                public void onTransportError(Transaction t, String reason) {
                  finished();
                  if (!tx.isAnswered()) {
                    tx.respond(503, "Service Unavailable");
                  }
                }

                private void finished() {
                  if (!done && invite) {
                    origin.invitesIn--;
                    other.invitesOut--;
                  }
                  if (!done && updateOffer) {
                    other.updateOffersOut--;
                  }
                  done = true;
                }
              });
    } catch (IllegalArgumentException e) {
      if (invite) {
        origin.invitesIn--;
        other.invitesOut--;
      }
      if (updateOffer) {
        other.updateOffersOut--;
      }
      LOG.warn("call {}: cannot send {}: {}", id, method, e.getMessage());
      tx.respond(500, "Server Internal Error");
    }
  }

  /** The other side's answer {@code r} to {@code req}, for {@code req}'s sender at {@code back}. */
  private byte[] relayed(
      SipMessage req, SipMessage r, byte[] rb, Peer back, boolean offerCapable, String... extra) {
    int status = r.status();
    List<String> headers = new ArrayList<>(List.of(extra));
    if (status < 300 && offerCapable) {
      headers.add(env.contactLine(back));
    }
    return Responses.build(
        req,
        status,
        r.reason(),
        back.address(),
        rb.length > 0 ? r.contentType() : null,
        rb,
        headers.toArray(String[]::new));
  }

  /**
   * The trunk whose {@code refer} policy refuses a REFER from the caller's ({@code fromCaller}) or
   * the callee's side, or null when both trunks pass it.
   */
  private String referRefusedBy(boolean fromCaller) {
    Trunk sender = fromCaller ? from : bTrunk;
    Trunk receiver = fromCaller ? bTrunk : from;
    if (sender.refer() != ReferPolicy.PASS) {
      return sender.name();
    }
    return receiver.refer() != ReferPolicy.PASS ? receiver.name() : null;
  }

  /**
   * RFC 4028 §10: an UPDATE without a body refreshes only its own leg's session: answered here with
   * the interval agreed, nothing crosses to the other side (which may not even allow UPDATE).
   */
  private void refreshedByPeer(ServerTransaction tx, Leg leg, SessionExpires.Uas session) {
    Peer back = tx.peer();
    List<String> headers = new ArrayList<>();
    headers.add(env.contactLine(back));
    if (session instanceof SessionExpires.Agreed agreed) {
      headers.addAll(agreed.lines());
      leg.timer.arm(agreed);
    }
    tx.respond(200, "OK", headers.toArray(String[]::new));
  }

  // ---- session timers (RFC 4028) ----

  /**
   * A refresh of ours is due in {@code leg}'s dialog: an UPDATE when its peer allows UPDATE, else a
   * re-INVITE offering the session description it has from us again, unchanged (RFC 3264 §8).
   * Postponed by the §14.1 glare time while another INVITE transaction runs in the dialog.
   */
  private void refresh(Leg leg) {
    if (ended || answered == null) {
      return;
    }
    if (leg.inviting() || leg.refreshing) {
      leg.timer.retryRefresh(leg.glareDelay());
      return;
    }
    refresh(leg, leg.timer.seconds());
  }

  private void refresh(Leg leg, int seconds) {
    boolean update = leg.allowsUpdate || leg.sdp == null;
    String method = update ? "UPDATE" : "INVITE";
    boolean callee = leg == bLeg;
    Peer to = callee ? bTarget.peer() : aPeer;
    String ruri = callee ? bRuri() : aRuri();
    String fromHeader = callee ? bFrom : aFrom();
    String callId = callee ? bCallId : aCallId();
    long cseq = callee ? ++bCseq : aCseq++;
    RequestText sb =
        request(
            method,
            ruri,
            to,
            70,
            fromHeader,
            callee ? bTo() : aInvite.header(HeaderName.FROM),
            callId,
            cseq);
    sb.append(env.contactLine(to)).append("\r\n");
    sb.append("Supported: timer\r\n");
    sb.append(new SessionExpires(seconds, SessionExpires.UAC).line()).append("\r\n");
    sb.append("Min-SE: ").append(Math.min(env.minSe(), seconds)).append("\r\n");
    byte[] bytes = update ? noBody(sb) : withBody(sb, leg.sdpType, leg.sdp);
    leg.refreshing = true;
    if (!update) {
      leg.invitesOut++;
    }
    LOG.debug("call {}: refreshing the {}'s session ({} s) by {}", id, leg.side, seconds, method);
    TransactionUser owner =
        new TransactionUser() {
          private boolean done;

          @Override
          public void onRequest(ServerTransaction t, SipMessage m) {}

          @Override
          public void onResponse(ClientTransaction t, SipMessage r) {
            int status = r.status();
            if (status >= 200 && status < 300 && !update) {
              layer()
                  .sendStateless(
                      ackInDialog(r, to, ruri, fromHeader, callId, cseq, null, new byte[0]), to);
            }
            if (status < 200 || done) {
              return;
            }
            finished();
            refreshAnswered(leg, update, seconds, r);
          }

          @Override
          public void onTimeout(Transaction t) {
            finished();
            refreshFailed(leg, "no answer from the " + leg.side);
          }

          @Override
          public void onTransportError(Transaction t, String reason) {
            finished();
            refreshFailed(leg, reason);
          }

          private void finished() {
            if (!done) {
              leg.refreshing = false;
              if (!update) {
                leg.invitesOut--;
              }
            }
            done = true;
          }
        };
    try {
      layer().sendRequest(bytes, to, owner);
    } catch (IllegalArgumentException e) {
      owner.onTransportError(null, e.getMessage());
    }
  }

  /** The final answer to a refresh of ours in {@code leg}'s dialog. */
  private void refreshAnswered(Leg leg, boolean update, int seconds, SipMessage r) {
    if (ended) {
      return;
    }
    int status = r.status();
    if (status < 300) {
      leg.timer.refreshed(SessionExpires.asUac(r));
      return;
    }
    int asked = SessionExpires.minSe(r);
    if (status == 422 && asked > seconds) {
      refresh(leg, asked); // §7.4: again with the interval the peer's Min-SE asks
    } else if (status == 491) {
      leg.timer.retryRefresh(leg.glareDelay()); // RFC 3261 §14.1
    } else if (update && (status == 405 || status == 501)) {
      leg.allowsUpdate = false; // it does not take UPDATE after all: re-INVITE
      refresh(leg, seconds);
    } else if (status == 408 || status == 481) {
      refreshFailed(leg, status + " from the " + leg.side); // §10: the session is gone
    } else {
      // the session ends at its expiry unless a later refresh (ours or a relayed one) succeeds
      LOG.info("call {}: session refresh of the {} answered {}", id, leg.side, status);
    }
  }

  /** RFC 4028 §10: a refresh timed out or was answered 408 or 481: BYE to both legs. */
  private void refreshFailed(Leg leg, String why) {
    if (ended) {
      return;
    }
    LOG.info("call {}: session refresh failed ({}), hanging up", id, why);
    hangUp(leg, "session refresh failed: " + why);
  }

  /** RFC 4028 §10: no refresh came (or none of ours succeeded) before the session expired. */
  private void expired(Leg leg) {
    if (ended || answered == null) {
      return;
    }
    String why =
        leg.timer.weRefresh()
            ? "no refresh of the " + leg.side + "'s session succeeded within "
            : "no refresh from the " + leg.side + " within ";
    LOG.info("call {}: session expired ({}{} s), hanging up", id, why, leg.timer.seconds());
    hangUp(leg, "session expired: " + why + leg.timer.seconds() + " s");
  }

  /**
   * The caller ({@code fromCaller}) or the callee never ACKed our 2xx to its INVITE or re-INVITE
   * ({@code tx}, CSeq number {@code cseq}) within 64*T1: the call ends with a BYE in both dialogs
   * (RFC 3261 §13.3.1.4). When that 2xx carried the other side's late offer, the other side's 2xx
   * is ACKed first, without an answer, so it stops retransmitting.
   */
  void unacked(ServerTransaction tx, long cseq, boolean fromCaller) {
    if (ended || answered == null) {
      return;
    }
    Leg origin = fromCaller ? aLeg : bLeg;
    String what = tx == aTx ? "our 200" : "our 2xx to its re-INVITE";
    LOG.info("call {}: the {} never ACKed {}, hanging up", id, origin.side, what);
    Leg.LateAck wait = origin.lateAck;
    if (wait != null && origin.lateAckSent == null && wait.cseq() == cseq) {
      ackLateReInvite(origin, null, new byte[0]);
    }
    hangUp(origin, "no ACK from the " + origin.side + " for " + what);
  }

  /** Ends the call for {@code dead}'s sake: a BYE in both dialogs (§10), the CDR says why. */
  private void hangUp(Leg dead, String reason) {
    hangup = dead.side;
    bye(true);
    bye(false);
    end(200, "OK", reason);
  }

  private byte[] ackInDialog(
      SipMessage ok,
      Peer to,
      String ruri,
      String fromHeader,
      String callId,
      long cseq,
      String contentType,
      byte[] body) {
    String target = firstContact(ok);
    return withBody(
        request(
            "ACK",
            target != null ? target : ruri,
            to,
            70,
            fromHeader,
            ok.header(HeaderName.TO),
            callId,
            cseq),
        contentType,
        body);
  }

  /** A BYE in this call: from the caller ({@code fromCaller}) or the callee. */
  void bye(ServerTransaction tx, boolean fromCaller) {
    hangup = fromCaller ? "caller" : "callee";
    // the hanging-up side's dialog is over whatever the other side does: answer at once
    tx.respond(200, "OK");
    bye(fromCaller);
    end(200, "OK", "BYE from " + (fromCaller ? "caller" : "callee"));
  }

  /** Sends a BYE to the other side of the call (nothing when the callee never answered). */
  private void bye(boolean toCallee) {
    if (toCallee) {
      if (bRemoteTag != null) {
        Peer to = bTarget.peer();
        send(
            "BYE",
            noBody(request("BYE", bRuri(), to, 70, bFrom, bTo(), bCallId, ++bCseq)),
            to,
            IGNORED);
      }
      return;
    }
    send(
        "BYE",
        noBody(
            request(
                "BYE",
                aRuri(),
                aPeer,
                70,
                aFrom(),
                aInvite.header(HeaderName.FROM),
                aCallId(),
                aCseq++)),
        aPeer,
        IGNORED);
  }

  // ---- media (issue 8): the relay's hooks ----

  /**
   * The caller's body for the INVITE to {@code t}: rewritten by the relay when either trunk relays;
   * null when the relay refused it, and with it the call (488 bad SDP, 503 no ports).
   */
  private byte[] offerToCallee(Trunk t) {
    byte[] body = aOffer;
    org.trunkline.media.MediaRelay relay = env.relay();
    boolean relayed = media != null || (relay != null && CallMedia.wanted(from, t));
    if (!relayed || (body.length > 0 && !CallMedia.isSdp(aOfferType, body))) {
      return body; // a body other than SDP crosses as it is
    }
    try {
      if (media == null) {
        media = new CallMedia(relay, id, from, this::mediaSilent);
      }
      return media.offerToCallee(t, body);
    } catch (RuntimeException e) {
      org.trunkline.media.MediaException m = CallMedia.failure(e);
      LOG.info("call {}: refused by the relay: {}", id, m.getMessage());
      attempts.add(t.name() + ": media " + m.sipStatus());
      mediaCause = CallMedia.cause(m);
      if (!aTx.isAnswered()) {
        aTx.respond(
            m.sipStatus(), CallMedia.phrase(m), Q850.reasonHeader(mediaCause, m.getMessage()));
      }
      end(m.sipStatus(), CallMedia.phrase(m), "media: " + m.getMessage());
      return null;
    }
  }

  /** The body of the callee's provisional or final answer {@code r} as the caller gets it. */
  private byte[] bodyToCaller(SipMessage r, int status) {
    if (media == null || status >= 300) {
      return r.body();
    }
    try {
      return media.answerToCaller(r);
    } catch (RuntimeException e) {
      // a provisional's early answer: the caller gets the provisional without it
      LOG.info("call {}: {} body refused by the relay: {}", id, status, e.getMessage());
      return new byte[0];
    }
  }

  /**
   * Whether the relay takes the callee's 2xx answer; if not, the callee is hung up and the caller
   * refused (488).
   */
  private boolean mediaAnswered(SipMessage ok) {
    if (media == null) {
      return true;
    }
    try {
      media.answerToCaller(ok);
      return true;
    } catch (RuntimeException e) {
      org.trunkline.media.MediaException m = CallMedia.failure(e);
      LOG.info("call {}: the callee's answer refused by the relay: {}", id, m.getMessage());
      if (lateOk != null) {
        ackLate(null, new byte[0]);
      }
      bye(true);
      mediaCause = CallMedia.cause(m);
      aTx.respond(
          m.sipStatus(), CallMedia.phrase(m), Q850.reasonHeader(mediaCause, m.getMessage()));
      end(m.sipStatus(), CallMedia.phrase(m), "media: " + m.getMessage());
      return false;
    }
  }

  /**
   * The body of {@code r}, the other side's answer inside the call, for the side whose request it
   * answers; null when the relay refused it.
   */
  private byte[] answerBody(boolean fromCaller, boolean offerCapable, SipMessage r) {
    if (media == null || !offerCapable) {
      return r.body();
    }
    try {
      return media.answer(fromCaller, r);
    } catch (RuntimeException e) {
      LOG.info("call {}: an answer refused by the relay: {}", id, e.getMessage());
      return null;
    }
  }

  /** On the relay's loop: the media went silent; the call's own loop decides. */
  private void mediaSilent(String why) {
    layer().schedule(() -> silent(why), java.time.Duration.ZERO);
  }

  /** The media timeout: BYE to both sides, the CDR says why. */
  private void silent(String why) {
    if (ended || answered == null || !env.hangUpSilent()) {
      return;
    }
    LOG.info("call {}: {}, hanging up", id, why);
    hangup = "media";
    bye(true);
    bye(false);
    end(200, "OK", why);
  }

  // ---- helpers ----

  /** The caller's copy of a B-leg response: our To tag and Contact, the body as it came. */
  private byte[] relay(SipMessage r, int status, String... extra) {
    return relayWith(r, status, bodyToCaller(r, status), extra);
  }

  /**
   * {@link #relay} with the body the caller gets ({@link #bodyToCaller}), already made by the
   * caller of this (not copied from the response again).
   */
  private byte[] relayWith(SipMessage r, int status, byte[] body, String... extra) {
    String contact = env.contactLine(aPeer);
    // the extra lines, then our Contact (1xx, 2xx) or the Reason (3xx-6xx): one array, no list
    String[] headers = java.util.Arrays.copyOf(extra, extra.length + (status > 100 ? 1 : 0));
    if (status > 100 && status < 300) {
      headers[extra.length] = contact;
    }
    if (status >= 300) {
      // RFC 3326: the callee's own Reason crosses; else the cause RFC 3398 gives its status
      String reason = r.header(HeaderName.REASON);
      headers[extra.length] =
          reason != null
              ? "Reason: " + reason
              : Q850.reasonHeader(Q850.forStatus(status), status + " from trunk " + bTrunk.name());
    }
    return Responses.buildTagged(
        aInvite,
        aLocalTag, // aTx.toTag(), not derived again per answer
        status,
        r.reason(),
        aPeer.address(),
        body.length > 0 ? r.contentType() : null,
        body,
        headers);
  }

  private byte[] ack(SipMessage ok, String contentType, byte[] body) {
    return withBody(
        request(
            "ACK",
            bRuri(),
            bTarget.peer(),
            70,
            bFrom,
            ok.header(HeaderName.TO),
            bCallId,
            ok.cseqNumber()),
        contentType,
        body);
  }

  /**
   * The caller's ACK of our 2xx: when the callee made a late offer, it carries the caller's answer,
   * which our ACK to the callee carries on (through the relay when the call is relayed).
   */
  void ackFromCaller(SipMessage ack) {
    if (lateOk == null) {
      ackOfLateReInvite(ack, true);
      return;
    }
    ackLate(ack.contentType(), lateAnswer(ack, true));
  }

  /**
   * The answer an ACK of the caller ({@code fromCaller}) or the callee carries to the other side's
   * late offer, for the other side: through the relay when relayed, nothing when it refuses it.
   */
  private byte[] lateAnswer(SipMessage ack, boolean fromCaller) {
    if (media == null) {
      return ack.body();
    }
    try {
      return media.lateAnswer(fromCaller, ack.contentType(), ack.body());
    } catch (RuntimeException e) {
      LOG.info(
          "call {}: the {}'s answer refused by the relay: {}",
          id,
          fromCaller ? "caller" : "callee",
          e.getMessage());
      return new byte[0];
    }
  }

  /**
   * The ACK of the caller ({@code fromCaller}) or the callee for our 2xx to its re-INVITE without a
   * body: when the other side's 2xx brought an offer, this ACK carries the answer, and our ACK to
   * the other side carries it on (through the relay when relayed; RFC 3264 §5).
   */
  void ackOfLateReInvite(SipMessage ack, boolean fromCaller) {
    Leg origin = fromCaller ? aLeg : bLeg;
    Leg.LateAck wait = origin.lateAck;
    if (wait == null || origin.lateAckSent != null || ack.cseqNumber() != wait.cseq()) {
      return;
    }
    String contentType = ack.contentType();
    byte[] body = lateAnswer(ack, fromCaller);
    (fromCaller ? bLeg : aLeg).sent(contentType, body);
    ackLateReInvite(origin, contentType, body);
  }

  /** Our ACK of the other side's 2xx that {@code origin}'s late-offer re-INVITE waits for. */
  private void ackLateReInvite(Leg origin, String contentType, byte[] body) {
    Leg.LateAck wait = origin.lateAck;
    origin.lateAckSent =
        ackInDialog(
            wait.ok(),
            wait.to(),
            wait.ruri(),
            wait.from(),
            wait.callId(),
            wait.ourCseq(),
            contentType,
            body);
    layer().sendStateless(origin.lateAckSent, wait.to());
  }

  private void ackLate(String contentType, byte[] body) {
    SipMessage ok = lateOk;
    lateOk = null;
    bAck = ack(ok, contentType, body);
    layer().sendStateless(bAck, bTarget.peer());
  }

  /**
   * Sends the request {@link #request} began last, written whole by us, in a new client
   * transaction: the layer takes its method and branch from us instead of parsing it again.
   */
  private ClientTransaction sendNew(byte[] bytes, Peer to, TransactionUser owner) {
    SipMethod method = SipMethod.valueOf(outMethod);
    String branch = outBranch;
    outMethod = outBranch = null;
    return layer().sendRequest(bytes, method, branch, to, owner);
  }

  /** The method and top Via branch of the request {@link #request} began last, until sent. */
  private String outMethod;

  private String outBranch;

  /**
   * The start of a request we send in one of the legs: the request line, a Via of ours with a new
   * branch, Max-Forwards, From, To, Call-ID and CSeq.
   */
  private RequestText request(
      String method,
      String ruri,
      Peer to,
      int maxForwards,
      String from,
      String toHeader,
      String callId,
      long cseq) {
    RequestText sb = RequestText.begin();
    sb.append(method).append(' ').append(ruri).append(" SIP/2.0\r\n");
    outMethod = method;
    via(sb, to, env.localHost(to));
    sb.append("Max-Forwards: ").append(maxForwards).append("\r\n");
    sb.append("From: ").append(from).append("\r\n");
    sb.append("To: ").append(toHeader).append("\r\n");
    sb.append("Call-ID: ").append(callId).append("\r\n");
    sb.append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n");
    return sb;
  }

  /**
   * Where requests in the callee's dialog go: its Contact (of its 2xx, or before the answer of its
   * provisional), else the Request-URI we used.
   */
  private String bRuri() {
    if (bRemoteTag == null && earlyContact() != null) {
      return bEarlyContact;
    }
    return bRemoteContact != null ? bRemoteContact : bTarget.requestUri();
  }

  /** {@link #bEarlyContact}, with the Contact of {@link #bEarlyContactFrom} read first. */
  private String earlyContact() {
    SipMessage r = bEarlyContactFrom;
    if (r != null) {
      bEarlyContactFrom = null;
      String contact = firstContact(r);
      if (contact != null) {
        bEarlyContact = contact;
      }
    }
    return bEarlyContact;
  }

  /** The To of requests in the callee's dialog (its early dialog before the answer). */
  private String bTo() {
    return "<" + bTarget.toUri() + ">;tag=" + (bRemoteTag != null ? bRemoteTag : bEarlyTag);
  }

  /** Where requests in the caller's dialog go: its Contact, else its From URI. */
  private String aRuri() {
    String contact = firstContact(aInvite);
    return contact != null ? contact : aInvite.header(HeaderName.FROM).replaceAll("^.*<|>.*$", "");
  }

  /** The From of our requests in the caller's dialog: its To with our tag. */
  private String aFrom() {
    return aInvite.header(HeaderName.TO) + ";tag=" + aLocalTag;
  }

  private static byte[] noBody(RequestText sb) {
    return sb.finish(null, NO_BODY);
  }

  /** Ends the headers (Content-Type when there is a body, Content-Length) and appends the body. */
  private static byte[] withBody(RequestText sb, String contentType, byte[] body) {
    return sb.finish(contentType, body);
  }

  private static final byte[] NO_BODY = new byte[0];

  private void via(RequestText sb, Peer to, String local) {
    outBranch = layer().newBranch();
    sb.append("Via: SIP/2.0/")
        .append(to.transport().name())
        .append(' ')
        .append(local)
        .append(";branch=")
        .append(outBranch)
        .append(";rport\r\n");
  }

  static String transportParam(Peer p) {
    return switch (p.transport()) {
      case UDP -> "";
      default -> ";transport=" + p.transport().token();
    };
  }

  private static String firstContact(SipMessage m) {
    try {
      List<NameAddress> c = m.contacts();
      return c.isEmpty() || c.get(0).wildcard() ? null : c.get(0).uri().toString();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String userOf(String uri) {
    try {
      return org.trunkline.sip.UriParser.parse(uri) instanceof SipUri s && s.user() != null
          ? s.user()
          : "";
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String userOf(NameAddress a) {
    try {
      return a != null && a.uri() instanceof SipUri s ? s.user() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String userOrAnon(NameAddress a) {
    String u = userOf(a);
    return u == null ? "anonymous" : u;
  }

  private void releaseB() {
    if (bHeld) {
      env.release(bTrunk);
      bHeld = false;
    }
  }

  /**
   * The B-leg INVITE transaction outlives the call: RFC 6026 Accepted (Timer M, 32 s) or Completed
   * (Timer D). Its events then need only our ACK for a 2xx retransmission, so the layer keeps just
   * that (the key, the ACK's bytes, the peer: not the transaction, nor an owner object), and the
   * call (the caller's INVITE, both dialogs) is not kept 32 s after its end. A transaction still
   * waiting for its final answer stays ours: a 2xx racing a CANCEL is answered with ACK and BYE
   * (§9.1).
   */
  private void handOverB() {
    ClientInviteTransaction tx = bTx;
    if (tx == null) {
      return;
    }
    switch (tx.state()) {
      case ACCEPTED -> {
        if (bAck != null) {
          tx.ackEach2xx(bAck, bTarget.peer()); // the layer keeps the key, ACK and peer only
        }
      }
      case COMPLETED, TERMINATED -> tx.owner(IGNORED);
      default -> {}
    }
  }

  private void end(int status, String reason, String how) {
    if (ended) {
      return;
    }
    ended = true;
    if (lateOk != null) {
      ackLate(null, new byte[0]); // the caller never ACKed: the callee's 2xx still needs ours
    }
    aLeg.timer.stop();
    bLeg.timer.stop();
    if (aReliable != null) {
      aReliable.stop();
    }
    releaseB();
    handOverB();
    if (status == 487 && answered == null && bTx != null && pending(bTx)) {
      // §9.1: the callee may still answer 2xx across our CANCEL, and then we ACK and BYE it; the
      // CDR waits (bounded) to say so
      Instant at = Instant.now();
      cancelWait =
          new CancelWait(
              at, status, how, layer().schedule(this::noCalleeOutcome, CANCEL_OUTCOME_WAIT));
      return;
    }
    record(status, how, Instant.now());
  }

  private static boolean pending(ClientInviteTransaction tx) {
    ClientInviteTransaction.State s = tx.state();
    return s == ClientInviteTransaction.State.CALLING
        || s == ClientInviteTransaction.State.PROCEEDING;
  }

  /** The callee gave its final answer to the INVITE we cancelled: the CDR, saying {@code how}. */
  private void calleeOutcome(String how) {
    CancelWait w = cancelWait;
    cancelWait = null;
    w.bound().cancel();
    record(w.status(), how, w.at());
  }

  /** No final answer from the callee within {@link #CANCEL_OUTCOME_WAIT} of the CANCEL. */
  private void noCalleeOutcome() {
    CancelWait w = cancelWait;
    if (w == null) {
      return;
    }
    cancelWait = null;
    record(
        w.status(),
        w.how()
            + "; no final answer from the callee within "
            + CANCEL_OUTCOME_WAIT.toMillis()
            + " ms",
        w.at());
  }

  /** The CDR of the ended call, once its media's stats are in. */
  private void record(int status, String how, Instant endedAt) {
    Cdr cdr =
        new Cdr(
            id,
            from.name(),
            bTrunk == null ? "" : bTrunk.name(),
            caller == null ? "anonymous" : caller,
            number,
            aCallId(),
            bCallId,
            start,
            answered,
            endedAt,
            answered != null ? 200 : status,
            how,
            String.join(", ", attempts),
            callerDialed == null ? "" : callerDialed,
            calledDialed == null ? "" : calledDialed,
            calledSent,
            ringing,
            answered != null
                ? 16
                : mediaCause != 0
                    ? mediaCause
                    : (how.endsWith("at its limit") ? Q850.NO_CIRCUIT : Q850.forStatus(status)),
            answered != null ? hangup : "");
    if (media == null) {
      env.ended(this, cdr);
      return;
    }
    // the CDR waits for the media's stats (and a recording to be on disk): ports freed first
    media
        .close()
        .whenComplete((stats, err) -> {
          Cdr done = stats == null ? cdr : cdr.withMedia(CdrMedia.of(stats));
          if (done.media() != null) {
            CdrMedia m = done.media();
            LOG.info(
                "call {}: media caller->callee {} packets {} lost jitter {} ms MOS {};"
                    + " callee->caller {} packets {} lost jitter {} ms MOS {}{}",
                id,
                m.caller().packets(),
                m.caller().lost(),
                m.caller().jitterMs(),
                m.caller().mos(),
                m.callee().packets(),
                m.callee().lost(),
                m.callee().jitterMs(),
                m.callee().mos(),
                m.recording().isEmpty() ? "" : "; recorded to " + m.recording());
          }
          try {
            layer().schedule(() -> env.ended(this, done), java.time.Duration.ZERO);
          } catch (RuntimeException e) {
            env.ended(this, done); // the loop is shutting down
          }
        });
  }
}
