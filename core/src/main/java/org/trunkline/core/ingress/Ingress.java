package org.trunkline.core.ingress;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * The ingress pipeline, assembled in one visible place: banned sources are dropped; then {@code
 * cross-connect}, {@code ip-peer}, {@code registered-source}, {@code register-out}, {@code digest};
 * an OPTIONS no stage claims from a monitoring source is answered by the server itself; any other
 * request no stage claims is refused {@code 403} (or dropped, by policy) and counted per source.
 * Immutable once built; a reload builds a new one. Thread-safe.
 */
public final class Ingress {
  /** Sources whose unknown requests are counted one by one; the rest go to {@code other}. */
  static final int MAX_COUNTED_SOURCES = 10_000;

  private final List<IngressStage> stages;
  private final IngressPolicy policy;
  private final BanList bans;
  private final Map<String, LongAdder> unknownBySource;
  private final LongAdder unknownOther;

  public Ingress(
      List<IngressStage> stages,
      IngressPolicy policy,
      BanList bans,
      Map<String, LongAdder> unknownBySource,
      LongAdder unknownOther) {
    this.stages = List.copyOf(stages);
    this.policy = policy;
    this.bans = bans;
    this.unknownBySource = unknownBySource;
    this.unknownOther = unknownOther;
  }

  /** A fresh per-source counter map for {@link #Ingress} (kept across reloads by the caller). */
  public static Map<String, LongAdder> newSourceCounts() {
    return new ConcurrentHashMap<>();
  }

  /** The stages' names in order, for logs and the API. */
  public List<String> stageNames() {
    return stages.stream().map(IngressStage::name).toList();
  }

  /**
   * The digest challenge for a REGISTER without credentials (no {@code Authorization} header) from
   * a source that is not banned, when no stage before {@code digest} claims it; else null. Such a
   * challenge needs no state, so the caller may send it without a server transaction (RFC 3261
   * §8.2.7, as Kamailio does). Over UDP a copy of the request within 64*T1 gets the same challenge
   * (the same nonce, {@link org.trunkline.stack.auth.DigestChallenger#challengeLinesForCopies}), as
   * a transaction would resend its response (§17.2.2); over TCP or TLS, where the client does not
   * retransmit, a repeated request gets a fresh one. Counts nothing: a challenge is not a failed
   * authentication, and a request this returns null for goes through {@link #classify}, which
   * counts (bans, unknown sources) as usual. The stages run as there; for a REGISTER without
   * credentials none of them has a side effect.
   */
  public Verdict.Reject challengeWithoutState(Inbound in) {
    SipMessage m = in.request();
    if (!m.method().equals(SipMethod.REGISTER)
        || m.indexOf(HeaderName.AUTHORIZATION) >= 0
        || bans.any() && bans.isBanned(in.sourceIp())) {
      return null;
    }
    // the stages are told: a copy of this request over UDP is not absorbed by a transaction
    Inbound stateless = in.withoutTransaction() ? in : new Inbound(m, in.source(), true);
    for (IngressStage s : stages) {
      Verdict v = s.apply(stateless);
      if (v instanceof Verdict.Continue) {
        continue;
      }
      return s instanceof DigestStage && v instanceof Verdict.Reject r && r.status() == 401
          ? r
          : null;
    }
    return null;
  }

  public Verdict classify(Inbound in) {
    // no ban at all (the usual case): no text of the source address to make
    if (bans.any() && bans.banned(in.sourceIp())) {
      return new Verdict.Drop("source " + in.sourceIp() + " is banned");
    }
    for (IngressStage s : stages) {
      Verdict v = s.apply(in);
      if (!(v instanceof Verdict.Continue)) {
        return v;
      }
    }
    if (in.request().method().equals(org.trunkline.sip.SipMethod.OPTIONS)) {
      for (org.trunkline.core.trunk.AddressRange r : policy.monitors()) {
        if (r.matches(in.source().address())) {
          return new Verdict.Local("monitoring source " + r);
        }
      }
    }
    String ip = in.sourceIp();
    LongAdder count = unknownBySource.get(ip);
    if (count == null && unknownBySource.size() < MAX_COUNTED_SOURCES) {
      count = unknownBySource.computeIfAbsent(ip, k -> new LongAdder());
    }
    (count != null ? count : unknownOther).increment();
    if (policy.dropUnknown()) {
      return new Verdict.Drop(in.request().method() + " from " + in.source() + " matches no trunk");
    }
    return Verdict.Reject.lazily(
        403,
        "Source " + ip + " matches no trunk",
        List.of(
            org.trunkline.core.call.Q850.reasonHeader(
                org.trunkline.core.call.Q850.CALL_REJECTED, "source " + ip + " matches no trunk")),
        () -> in.request().method() + " from " + in.source() + " matches no trunk");
  }
}
