package org.trunkline.stack.transaction;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.SipParser;

/**
 * The transaction layer (RFC 3261 §17): matches what arrives to client and server transactions,
 * absorbs or answers retransmissions, opens server transactions for new requests and hands them to
 * the {@link TransactionUser}, answers CANCEL (§9.2), and sends requests in client transactions.
 *
 * <p>Confined to one thread: every call, and every task of its {@link Scheduler}, must run on the
 * same thread (the event loop of an {@link EventLoopScheduler}). The transport hands received
 * messages to {@link #receive} on that thread. Messages given to {@link #receive} must have parsed
 * ({@link SipMessage#isOk()}); answering malformed ones is the transport's job.
 */
public final class TransactionLayer {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionLayer.class);

  final TransactionConfig config;
  final Scheduler scheduler;
  final MessageSink sink;
  final TransactionUser tu;
  final TransactionCounters counters;
  private final SipParser parser;
  private final Map<String, ServerTransaction> servers = new HashMap<>();

  /**
   * Client transactions by their top Via branch (§17.1.3: a response matches by branch and CSeq
   * method; the method is checked on the transaction found), every method but CANCEL, whose branch
   * is its INVITE's (§9.1): those are in {@link #cancels}. The branch String the response's parse
   * made is the key: no key String per response or request (issue 6).
   */
  private final Map<String, ClientTransaction> clients = new HashMap<>();

  private final Map<String, ClientTransaction> cancels = new HashMap<>();
  private final Map<String, ServerInviteTransaction> acks = new HashMap<>();

  /**
   * Completed UDP non-INVITE server transactions (key and response, Timer J), and ACKed Accepted
   * INVITE server transactions (key, nothing to resend, Timer L: {@link #keepAcked}).
   */
  private final CompletedTransactions completed;

  /** The ACK keys of the ACKed Accepted INVITE server transactions in {@link #completed}. */
  private final CompletedTransactions ackedInvites;

  /**
   * Accepted INVITE client transactions whose TU is done (key, its ACK, the peer, Timer M: {@link
   * #keepAccepted}).
   */
  private final CompletedTransactions acceptedClients;

  private String branchPrefix;
  private long branches;
  private String tagPrefix = "";

  public TransactionLayer(
      TransactionConfig config, Scheduler scheduler, MessageSink sink, TransactionUser tu) {
    this(config, scheduler, sink, tu, new SipParser());
  }

  public TransactionLayer(
      TransactionConfig config,
      Scheduler scheduler,
      MessageSink sink,
      TransactionUser tu,
      SipParser parser) {
    this(config, scheduler, sink, tu, parser, new TransactionCounters());
  }

  /**
   * A layer that counts into {@code counters}, which several layers (one per event loop) may share:
   * the counters are thread-safe.
   */
  public TransactionLayer(
      TransactionConfig config,
      Scheduler scheduler,
      MessageSink sink,
      TransactionUser tu,
      SipParser parser,
      TransactionCounters counters) {
    this.counters = counters;
    this.config = config;
    this.scheduler = scheduler;
    this.sink = sink;
    this.tu = tu;
    this.parser = parser;
    this.completed = new CompletedTransactions(scheduler);
    this.ackedInvites = new CompletedTransactions(scheduler);
    this.acceptedClients = new CompletedTransactions(scheduler, true);
    this.branchPrefix =
        TransactionKeys.MAGIC_COOKIE
            + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
            + ".";
    branchScratch(branchPrefix);
  }

  public TransactionCounters counters() {
    return counters;
  }

  /**
   * Default bound on open server transactions per layer (one layer per event loop). A completed UDP
   * non-INVITE transaction stays 32 s (Timer J), so the bound is also a rate: 200,000 per loop
   * sustains about 6,000 new transactions/s per loop (50,000 capped a 2-loop server near 3,100/s,
   * bench/RESULTS.md perf2) and holds at most about 125 MB per loop (~620 B per transaction).
   */
  public static final int DEFAULT_MAX_SERVER_TRANSACTIONS = 200_000;

  /** Seconds a peer is asked to wait when this layer is full (Retry-After of the 503). */
  static final int RETRY_AFTER_SECONDS = 5;

  private int maxServerTransactions = DEFAULT_MAX_SERVER_TRANSACTIONS;

  /**
   * Bounds the open server transactions of this layer: a new request beyond it is answered {@code
   * 503 Service Unavailable} with {@code Retry-After} at once, without state, while retransmissions
   * of open transactions are still absorbed (issue 4 overload control; RFC 3261 §21.5.4).
   *
   * @return this
   */
  public TransactionLayer maxServerTransactions(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxServerTransactions: must be >= 1, got " + max);
    }
    this.maxServerTransactions = max;
    return this;
  }

  public TransactionConfig config() {
    return config;
  }

  /** Client and server transactions not yet terminated. */
  public int openTransactions() {
    return servers.size()
        + completed.size()
        + clients.size()
        + cancels.size()
        + acceptedClients.size();
  }

  /**
   * Client transactions to {@code peer} over UDP that may still retransmit their request on their
   * own: an INVITE in Calling (Timer A, §17.1.1.2), another request in Trying or Proceeding (Timer
   * E, §17.1.2.2); each stops within 64*T1. For tests that give a peer's port to a new process,
   * which must not receive the requests meant for the one before. On the layer's thread.
   */
  public int retransmittingTo(InetSocketAddress peer) {
    int n = 0;
    for (Map<String, ClientTransaction> table : List.of(clients, cancels)) {
      for (ClientTransaction tx : table.values()) {
        if (!tx.peer.reliable() && tx.peer.address().equals(peer) && retransmits(tx)) {
          n++;
        }
      }
    }
    return n;
  }

  private static boolean retransmits(ClientTransaction tx) {
    return switch (tx) {
      case ClientInviteTransaction i -> i.state() == ClientInviteTransaction.State.CALLING;
      case ClientNonInviteTransaction o ->
          o.state() == ClientNonInviteTransaction.State.TRYING
              || o.state() == ClientNonInviteTransaction.State.PROCEEDING;
    };
  }

  /**
   * Runs {@code task} on this layer's thread after {@code delay}, e.g. a transaction user's own
   * deadline (a call's "no 100 Trying within ..."). The handle cancels it.
   */
  public Scheduler.Scheduled schedule(Runnable task, java.time.Duration delay) {
    return scheduler.schedule(task, delay.toNanos());
  }

  /**
   * Sets what every branch of {@link #newBranch()} starts with, e.g. a mark of the event loop this
   * layer runs on, so that the transport routes a response to this layer by its top Via alone; call
   * before the layer sends. The default is the magic cookie and a random number.
   *
   * @param prefix starts with the magic cookie, and no other layer's prefix starts with it
   * @return this
   */
  public TransactionLayer branchPrefix(String prefix) {
    if (!prefix.startsWith(TransactionKeys.MAGIC_COOKIE)) {
      throw new IllegalArgumentException("branch prefix must start with z9hG4bK, got " + prefix);
    }
    this.branchPrefix = prefix;
    branchScratch(prefix);
    return this;
  }

  /**
   * Sets what the tags this layer makes where a dialog may follow start with ({@link #newTag}, and
   * the To tag of its answers to an INVITE or CANCEL, {@link ServerTransaction#toTag}), e.g. a mark
   * of the event loop this layer runs on, so that the transport routes a request inside the dialog
   * to this layer by the tag the peer echoes; call before the layer answers or sends. The default
   * is none: tags are only random (or derived) as before.
   *
   * @param prefix characters of a {@code token} (§25.1), none of them a separator
   * @return this
   */
  public TransactionLayer tagPrefix(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
        throw new IllegalArgumentException("tag prefix must be letters and digits, got " + prefix);
      }
    }
    this.tagPrefix = prefix;
    return this;
  }

  /** What this layer's tags start with ({@link #tagPrefix(String)}), empty by default. */
  public String tagPrefix() {
    return tagPrefix;
  }

  /**
   * A new tag for a From (or To) header of ours (§19.3: unique, random): the tag prefix, then 63
   * random bits in base 36.
   */
  public String newTag() {
    return tagPrefix + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  }

  /**
   * A branch for a new request's top Via: magic cookie, unique in this layer (§8.1.1.7): the prefix
   * and a counter in base 36.
   */
  public String newBranch() {
    long n = ++branches;
    byte[] b = branchScratch;
    if (b == null) {
      return branchPrefix + Long.toString(n, 36);
    }
    // the digits written behind the prefix kept in the scratch array: one array and one String per
    // branch, not the counter's String and the concatenation's
    int digits = 1;
    for (long d = n; d >= 36; d /= 36) {
      digits++;
    }
    int end = branchPrefixLength + digits;
    for (int i = end - 1; i >= branchPrefixLength; i--) {
      b[i] = DIGITS36[(int) (n % 36)];
      n /= 36;
    }
    return new String(b, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static final byte[] DIGITS36 =
      "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.ISO_8859_1);

  /** The branch prefix's bytes with room for 13 base-36 digits, or null if it is not ASCII. */
  private byte[] branchScratch;

  private int branchPrefixLength;

  private void branchScratch(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (prefix.charAt(i) >= 0x80) {
        branchScratch = null;
        return;
      }
    }
    branchPrefixLength = prefix.length();
    branchScratch =
        java.util.Arrays.copyOf(
            prefix.getBytes(StandardCharsets.ISO_8859_1), branchPrefixLength + 13);
  }

  /** A message from the transport. */
  public void receive(SipMessage m, Peer source) {
    if (!m.isOk()) {
      LOG.debug("transaction layer: ignored malformed message from {}: {}", source, m);
      return;
    }
    if (m.isRequest()) {
      receiveRequest(m, source);
    } else {
      receiveResponse(m, source);
    }
  }

  /**
   * Sends {@code request} in a new client transaction. Its top Via must carry a branch with the
   * magic cookie that no open transaction uses ({@link #newBranch()}); not for ACK (see {@link
   * #sendStateless}).
   *
   * @return a {@link ClientInviteTransaction} for INVITE, else a {@link ClientNonInviteTransaction}
   */
  public ClientTransaction sendRequest(byte[] request, Peer to) {
    return sendRequest(request, to, tu);
  }

  /**
   * Sends {@code request} like {@link #sendRequest(byte[], Peer)}, but its responses, timeout and
   * transport error go to {@code owner} instead of the layer's TU (a request the stack sends on its
   * own behalf, e.g. a registration or a probe). Only the client-side methods of {@code owner} are
   * called.
   */
  public ClientTransaction sendRequest(byte[] request, Peer to, TransactionUser owner) {
    java.util.Objects.requireNonNull(owner, "owner");
    SipMessage m = parse(request);
    if (!m.isOk() || !m.isRequest()) {
      throw new IllegalArgumentException("not a well-formed request: " + m);
    }
    SipMethod method = m.method();
    String branch = m.topViaBranch();
    if (method.equals(SipMethod.ACK)) {
      throw new IllegalArgumentException("an ACK has no client transaction; use sendStateless");
    }
    if (branch == null || !branch.startsWith(TransactionKeys.MAGIC_COOKIE)) {
      throw new IllegalArgumentException(
          method + " to " + to + ": top Via branch must start with z9hG4bK, got " + branch);
    }
    if (!method.equals(m.cseqMethod())) {
      throw new IllegalArgumentException(
          method + " to " + to + ": CSeq method is " + m.cseqMethod());
    }
    return open(request, method, branch, to, owner);
  }

  /**
   * Sends {@code request} like {@link #sendRequest(byte[], Peer, TransactionUser)} without parsing
   * it again: for a TU that wrote it whole and names its method (the CSeq method too) and its top
   * Via branch, which must come from {@link #newBranch()}.
   */
  public ClientTransaction sendRequest(
      byte[] request, SipMethod method, String branch, Peer to, TransactionUser owner) {
    java.util.Objects.requireNonNull(owner, "owner");
    if (method.equals(SipMethod.ACK)) {
      throw new IllegalArgumentException("an ACK has no client transaction; use sendStateless");
    }
    if (branch == null || !branch.startsWith(TransactionKeys.MAGIC_COOKIE)) {
      throw new IllegalArgumentException(
          method + " to " + to + ": top Via branch must start with z9hG4bK, got " + branch);
    }
    return open(request, method, branch, to, owner);
  }

  private ClientTransaction open(
      byte[] request, SipMethod method, String branch, Peer to, TransactionUser owner) {
    String key = branch;
    ClientTransaction tx =
        method.equals(SipMethod.INVITE)
            ? new ClientInviteTransaction(this, key, to, request)
            : new ClientNonInviteTransaction(this, key, to, method, request);
    ClientTransaction open = clientTable(method).putIfAbsent(key, tx);
    if (open != null) {
      throw new IllegalArgumentException(
          method + " to " + to + ": branch " + branch + " is in use by " + open);
    }
    tx.user = owner;
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction: the ACK for a 2xx (§13.2.2.4), stateless answers. */
  public void sendStateless(byte[] message, Peer to) {
    sink.send(to, message, statelessFailure);
  }

  /** One for every stateless send (not a new lambda per message). */
  private final MessageSink.SendFailure statelessFailure = this::statelessSendFailed;

  private void statelessSendFailed(Peer peer, String reason) {
    counters.transportErrors.increment();
    LOG.debug("stateless send to {} failed: {}", peer, reason);
  }

  private void receiveResponse(SipMessage m, Peer source) {
    String branch = m.topViaBranch();
    SipMethod method = m.cseqMethod();
    ClientTransaction tx =
        branch == null || method == null ? null : clientTable(method).get(branch);
    if (tx != null && !tx.method.equals(method)) {
      tx = null; // §17.1.3: the branch of a transaction of another method
    }
    if (tx == null
        && branch != null
        && SipMethod.INVITE.equals(method)
        && acceptedClients.size() > 0) {
      // only INVITE transactions are kept there, by their branch
      byte[] ack = acceptedClients.find(branch);
      if (ack != null) {
        respondedInAccepted(m, branch, ack);
        return;
      }
    }
    if (tx == null) {
      // §17.1.3, RFC 6026 on §18.1.2: no match, discarded (counted; the TU may log it).
      counters.strayResponses.increment();
      LOG.debug("stray response from {}: {} (branch {})", source, m, branch);
      tu.onStray(m, source);
      return;
    }
    tx.onResponse(m);
  }

  /**
   * RFC 6026 on §17.1.1.2: a response to an Accepted INVITE whose TU is done ({@link
   * #keepAccepted}): a 2xx gets the TU's ACK again, anything else is absorbed.
   */
  private void respondedInAccepted(SipMessage m, String key, byte[] ack) {
    int status = m.status();
    if (status >= 200 && status < 300) {
      counters.retransmissionsIn.increment();
      sendStateless(ack, acceptedClients.peer(key));
    }
  }

  private void receiveRequest(SipMessage m, Peer source) {
    SipMethod method = m.method();
    boolean ack = method.equals(SipMethod.ACK);
    String key;
    try {
      key = TransactionKeys.server(m, ack ? SipMethod.INVITE : method, source);
    } catch (SipParseException e) {
      LOG.debug(
          "transaction layer: ignored {} from {}: bad top Via: {}", m, source, e.getMessage());
      return;
    }
    ServerTransaction tx = servers.get(key);
    if (ack) {
      receiveAck(m, source, key, tx);
      return;
    }
    if (tx != null) {
      tx.onRetransmission();
      return;
    }
    byte[] answered = completed.find(key);
    if (answered != null) {
      // §17.2.2: a retransmission in Completed gets the final response again
      counters.retransmissionsIn.increment();
      if (answered.length > 0) { // none: an ACKed INVITE (RFC 6026 on §17.2.1: absorbed)
        sink.send(source, answered, completedResendFailure);
      }
      return;
    }
    if (!method.equals(SipMethod.INVITE)
        && !method.equals(SipMethod.CANCEL)
        && answeredStateless(m, source)) {
      return;
    }
    int open = servers.size() + completed.size();
    if (open >= maxServerTransactions) {
      counters.overloaded.increment();
      LOG.debug("transaction layer full ({} open): 503 to {} from {}", open, m, source);
      sendStateless(
          Responses.build(
              m, 503, "Service Unavailable", source.address(), "Retry-After: " + retryAfterSeconds),
          source);
      return;
    }
    byte[] raw = bytesOf(m);
    if (method.equals(SipMethod.CANCEL)) {
      receiveCancel(m, source, key, raw);
      return;
    }
    if (method.equals(SipMethod.INVITE)) {
      ServerInviteTransaction invite = new ServerInviteTransaction(this, key, source, raw);
      // the key its 2xx's ACK will be found by, while the request is parsed (not parsed again then)
      invite.ackKey = TransactionKeys.ackForSuccess(m);
      servers.put(key, invite);
      invite.startTimers();
      toUser(invite, m);
    } else {
      ServerNonInviteTransaction other =
          new ServerNonInviteTransaction(this, key, source, method, raw);
      try {
        toUser(other, m);
      } finally {
        enter(other);
      }
    }
  }

  /**
   * Enters a new non-INVITE server transaction in the table after its TU's call, if it is still
   * waiting for its final answer: one answered within the call (a REGISTER, an OPTIONS: the rule)
   * is in Completed already, kept by {@link #complete} (UDP) or ended (TCP), and never needed the
   * table's entry nor the answer timer (a map entry and a timer made and dropped per request).
   * Nothing on this thread can look for it during the call: a copy of the request arrives after it.
   * The answer timer runs from the end of the call (STYLE 9: the TU's time to answer).
   */
  private void enter(ServerNonInviteTransaction tx) {
    if (!tx.isAnswered() && !tx.isTerminated()) {
      servers.put(tx.key, tx);
      tx.startAnswerTimer(config.nonInviteAnswer().toNanos());
    }
  }

  /**
   * §8.2.7: the TU's stateless answer, if it gives one (before the bound on open transactions: it
   * holds no state). Whether the new request was answered so.
   */
  private boolean answeredStateless(SipMessage m, Peer source) {
    StatelessAnswer a = tu.answerStateless(m, source);
    if (a == null) {
      return false;
    }
    counters.statelessAnswers.increment();
    sendStateless(
        Responses.build(
            m, a.status(), a.reason(), source.address(), a.headers().toArray(String[]::new)),
        source);
    return true;
  }

  /** The TU's call; an answer given within it is built from {@code m}, not from a second parse. */
  private void toUser(ServerTransaction tx, SipMessage m) {
    tx.received = m;
    try {
      tu.onRequest(tx, m);
    } finally {
      tx.received = null;
    }
  }

  /** §17.2.3: an ACK matches the INVITE transaction; one for a 2xx matches the dialog. */
  private void receiveAck(SipMessage m, Peer source, String key, ServerTransaction tx) {
    if (tx instanceof ServerInviteTransaction invite) {
      invite.onAck(m);
      return;
    }
    String ackKey = TransactionKeys.ackForSuccess(m);
    ServerInviteTransaction accepted = acks.get(ackKey);
    if (accepted != null) {
      accepted.ackForSuccess(m);
      return;
    }
    if (ackedInvites.size() > 0
        && (completed.find(key) != null || ackedInvites.find(ackKey) != null)) {
      // RFC 6026 on §17.2.1: a copy of the ACK of an Accepted INVITE's 2xx (keepAcked), with the
      // INVITE's branch or one of its own: absorbed
      counters.retransmissionsIn.increment();
      return;
    }
    strayAck(m, source);
  }

  /** §9.2: a CANCEL is a transaction of its own; 200 if it matches, 481 if not. */
  private void receiveCancel(SipMessage m, Peer source, String key, byte[] raw) {
    ServerNonInviteTransaction cancel =
        new ServerNonInviteTransaction(this, key, source, SipMethod.CANCEL, raw);
    servers.put(key, cancel);
    String inviteKey = TransactionKeys.server(m, SipMethod.INVITE, source);
    ServerTransaction target = servers.get(inviteKey);
    // an ACKed Accepted INVITE (keepAcked) is answered, so its CANCEL gets 200 and goes no further
    if (target == null && (ackedInvites.size() == 0 || completed.find(inviteKey) == null)) {
      counters.unmatchedCancels.increment();
      cancel.received = m;
      try {
        cancel.respond(481, "Call/Transaction Does Not Exist");
      } finally {
        cancel.received = null;
      }
      return;
    }
    cancel.received = m;
    try {
      cancel.respond(200, "OK");
    } finally {
      cancel.received = null;
    }
    if (target instanceof ServerInviteTransaction invite && !invite.isAnswered()) {
      tu.onCancel(invite, m);
    }
  }

  // ---- called by the transactions ----

  SipMessage parse(byte[] b) {
    return parser.parseDatagram(b);
  }

  void remove(Transaction tx) {
    if (tx instanceof ClientTransaction c) {
      clientTable(c.method).remove(c.key, c);
      if (c instanceof ClientInviteTransaction invite && invite.detached) {
        acceptedClients.remove(invite.key, invite.timerMDeadline());
      }
    } else if (tx instanceof ServerTransaction s) {
      servers.remove(s.key, s);
      if (s instanceof ServerInviteTransaction invite && invite.ackKey != null) {
        acks.remove(invite.ackKey, invite);
        if (invite.detached) {
          completed.remove(invite.key, invite.timerLDeadline());
          ackedInvites.remove(invite.ackKey, invite.timerLDeadline());
        }
      }
    }
  }

  /**
   * §17.2.2: {@code tx} sent its final response over UDP: it leaves the table and its Completed
   * state (key, response, Timer J) is kept apart, without the transaction object.
   *
   * @return when Timer J fires
   */
  long complete(ServerNonInviteTransaction tx, byte[] response) {
    servers.remove(tx.key, tx);
    return completed.add(tx.key, response, config.timeoutNanos());
  }

  /** A completed transaction ended by a transport error before Timer J. */
  void forgetCompleted(String key, long timerJDeadline) {
    completed.remove(key, timerJDeadline);
  }

  /**
   * Resending a completed transaction's response failed: counted and logged. The layer no longer
   * holds the transaction object, so its TU is not told (unlike a failure of the first send of the
   * final response), and the entry stays until Timer J: a later retransmission tries again.
   */
  private final MessageSink.SendFailure completedResendFailure = this::completedResendFailed;

  private void completedResendFailed(Peer peer, String reason) {
    counters.transportErrors.increment();
    LOG.debug("resending a completed transaction's response to {} failed: {}", peer, reason);
  }

  private static final byte[] NOTHING = new byte[0];

  /**
   * RFC 6026 on §17.2.1: {@code tx} is Accepted and its 2xx was ACKed; until Timer L it only
   * absorbs copies of the INVITE and of the ACK (and a CANCEL gets 200). The layer keeps its key
   * and its ACK key, not the object (its peer, timer, strings and map entries): what the collector
   * traces for 32 s per call (bench/RESULTS.md, stop 17, branch live).
   */
  void keepAcked(ServerInviteTransaction tx) {
    servers.remove(tx.key, tx);
    acks.remove(tx.ackKey, tx);
    long left = tx.timerLDeadline() - scheduler.nanoTime();
    completed.add(tx.key, NOTHING, left);
    ackedInvites.add(tx.ackKey, NOTHING, left);
  }

  /**
   * RFC 6026 on §17.1.1.2: the TU is done with Accepted {@code tx}; until Timer M each copy of the
   * 2xx gets {@code ack} sent to {@code to} again, anything else is absorbed, and nothing reaches a
   * TU. The layer keeps the key, the ACK's bytes and the peer, not the object.
   */
  void keepAccepted(ClientInviteTransaction tx, byte[] ack, Peer to, long timerMDeadline) {
    clients.remove(tx.key, tx);
    acceptedClients.add(tx.key, ack, timerMDeadline - scheduler.nanoTime(), to);
  }

  /** A server INVITE transaction sent a 2xx: its ACK will come with a branch of its own. */
  void awaitAck(ServerInviteTransaction tx) {
    if (tx.ackKey == null) {
      tx.ackKey = TransactionKeys.ackForSuccess(tx.parsed());
    }
    acks.put(tx.ackKey, tx);
  }

  /** Where client transactions of {@code method} are found by their branch. */
  private Map<String, ClientTransaction> clientTable(SipMethod method) {
    return SipMethod.CANCEL.equals(method) ? cancels : clients;
  }

  void timedOut(Transaction tx) {
    counters.timeouts.increment();
    LOG.debug("{} timed out", tx);
    tx.user.onTimeout(tx);
  }

  void unanswered(ServerTransaction tx) {
    counters.unanswered.increment();
    LOG.warn(
        "{}: the transaction user gave no final answer in time; answering 500 (state {})",
        tx,
        tx.stateName());
  }

  void strayAck(SipMessage m, Peer source) {
    counters.strayAcks.increment();
    LOG.debug("ACK from {} matches no transaction: {}", source, m);
    tu.onStray(m, source);
  }

  /** The message's bytes without a copy when it fills its array (a UDP datagram). */
  private static byte[] bytesOf(SipMessage m) {
    byte[] a = m.array();
    return m.offset() == 0 && m.length() == a.length ? a : m.toBytes();
  }

  private int retryAfterSeconds = RETRY_AFTER_SECONDS;

  /**
   * The {@code Retry-After} of the 503 sent when this layer is full (default 5).
   *
   * @return this
   */
  public TransactionLayer retryAfterSeconds(int seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds: must be >= 0, got " + seconds);
    }
    this.retryAfterSeconds = seconds;
    return this;
  }
}
