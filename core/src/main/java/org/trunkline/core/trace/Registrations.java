package org.trunkline.core.trace;

import java.util.ArrayList;
import java.util.List;
import org.trunkline.core.trace.Explainer.Context;
import org.trunkline.core.trace.Explainer.Explanation;
import org.trunkline.core.trace.Explainer.Kind;
import org.trunkline.core.trace.Explainer.Parties;
import org.trunkline.core.trace.Explainer.TrunkFacts;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMethod;
import org.trunkline.stack.auth.AuthHeader;

/**
 * The explainer's reading of digest exchanges: REGISTER to us (a customer PBX), REGISTER from us
 * (to a customer's registrar), an INVITE we challenged, and OPTIONS pings.
 */
final class Registrations {
  private Registrations() {}

  /** A request and the final answer to it (by CSeq), the answer {@code null} if none came. */
  private record Exchange(Row request, int sent, Row answer) {}

  /** The requests of {@code method} sent the given way, each with its final answer. */
  private static List<Exchange> exchanges(List<Row> rows, SipMethod method, boolean requestsIn) {
    List<Exchange> out = new ArrayList<>();
    for (Row r : rows) {
      if (r.in() == requestsIn && r.is(method) && !r.retransmission()) {
        int sent = 0;
        Row answer = null;
        for (Row x : rows) {
          if (x.in() == requestsIn
              && x.is(method)
              && x.sip().cseqNumber() == r.sip().cseqNumber()
              && x.callId().equals(r.callId())) {
            sent++;
          } else if (x.in() != requestsIn
              && x.answers(method)
              && x.isFinal()
              && answer == null
              && x.sip().cseqNumber() == r.sip().cseqNumber()
              && x.callId().equals(r.callId())) {
            answer = x;
          }
        }
        out.add(new Exchange(r, sent, answer));
      }
    }
    return out;
  }

  /** A customer PBX registering to us. */
  static Explanation in(List<Row> rows, Parties parties, Context context) {
    List<Exchange> all = exchanges(rows, SipMethod.REGISTER, true);
    Exchange last = all.getLast();
    String who = "The PBX at " + parties.name(last.request().m().remote());
    String user = last.request().toUser();
    if (last.answer() == null) {
      return new Explanation(
          Kind.INCOMPLETE,
          who + " sent REGISTER (#" + last.request().number() + ") and no answer is in the trace.");
    }
    Row answer = last.answer();
    if (answer.status() >= 200 && answer.status() < 300) {
      String expires = answer.header(HeaderName.EXPIRES);
      return new Explanation(
          Kind.REGISTERED,
          who
              + " registered as "
              + user
              + " (200 at #"
              + answer.number()
              + (expires == null ? "" : ", expires in " + expires + " s")
              + ").");
    }
    List<Exchange> withCredentials =
        all.stream().filter(e -> e.request().digest(HeaderName.AUTHORIZATION) != null).toList();
    String challenge = realm(answer.digest(HeaderName.WWW_AUTHENTICATE));
    if (!withCredentials.isEmpty() && (answer.status() == 401 || answer.status() == 403)) {
      AuthHeader creds = withCredentials.getLast().request().digest(HeaderName.AUTHORIZATION);
      return wrongCredentials(
          who + " could not register",
          creds,
          withCredentials.getLast(),
          ourRealm(rows, context, challenge),
          parties);
    }
    if (withCredentials.isEmpty() && answer.status() == 401) {
      long requests = all.stream().filter(e -> e.answer() != null).count();
      if (requests >= 2) {
        return new Explanation(
            Kind.IGNORES_CHALLENGE,
            who
                + " ignores our challenge: it sent REGISTER "
                + requests
                + " times (CSeq "
                + all.getFirst().request().sip().cseqNumber()
                + " to "
                + last.request().sip().cseqNumber()
                + ") without credentials, and each time we answered 401 asking for them in realm \""
                + challenge
                + "\". Configure the PBX with the trunk's username and password (and that"
                + " realm), or check that it supports digest authentication.");
      }
      return new Explanation(
          Kind.INCOMPLETE,
          who
              + " sent REGISTER without credentials and we challenged it (401 at #"
              + answer.number()
              + ", realm \""
              + challenge
              + "\"); its answer to the challenge is not in the trace.");
    }
    String warning = answer.header(HeaderName.WARNING);
    String phrase = answer.sip().reason();
    return new Explanation(
        phrase.contains("matches no trunk") || phrase.contains("not allowed")
            ? Kind.SOURCE_NOT_ALLOWED
            : Kind.REJECTED,
        who
            + " could not register as "
            + user
            + ": we answered "
            + answer.statusLine()
            + Calls.cause(answer)
            + (warning == null ? "" : " (Warning: " + warning + ")")
            + " at #"
            + answer.number()
            + "."
            + (phrase.contains("matches no trunk") && parties.known()
                ? " The configured peers are " + parties.peers() + "."
                : ""));
  }

  /**
   * For an INVITE we challenged because its source is no ip or cross-connect trunk's peer (only a
   * register-in trunk's password could let it in): says so with the configured peers, as a refused
   * source's explanation does; empty when the source is a peer or the trunks are not known.
   */
  private static String notAPeer(List<Row> aLeg, Parties parties) {
    if (aLeg.isEmpty() || !parties.known()) {
      return "";
    }
    java.net.InetSocketAddress source = aLeg.getFirst().m().remote();
    if (parties.trunk(source) != null) {
      return "";
    }
    String peers = parties.peers();
    return " Its source "
        + Row.address(source)
        + " is not among any trunk's peers"
        + (peers.isEmpty() ? "" : " (" + peers + ")")
        + ", so only a register-in trunk's username and password could let it call: add the"
        + " address to an ip trunk's peers if it should call without one.";
  }

  /** An INVITE from a caller that we challenged and that did not get through. */
  static Explanation challengedInvite(String call, List<Row> aLeg, Row fin, Parties parties) {
    List<Exchange> all = exchanges(aLeg, SipMethod.INVITE, true);
    List<Exchange> withCredentials =
        all.stream()
            .filter(e -> e.request().digest(HeaderName.PROXY_AUTHORIZATION) != null)
            .toList();
    String challenge = realm(fin.digest(HeaderName.PROXY_AUTHENTICATE));
    if (challenge.isEmpty()) {
      challenge = realm(fin.digest(HeaderName.WWW_AUTHENTICATE));
    }
    if (!withCredentials.isEmpty()) {
      AuthHeader creds = withCredentials.getLast().request().digest(HeaderName.PROXY_AUTHORIZATION);
      return wrongCredentials(
          call + " was refused", creds, withCredentials.getLast(), challenge, parties);
    }
    return new Explanation(
        all.size() >= 2 ? Kind.IGNORES_CHALLENGE : Kind.INCOMPLETE,
        call
            + " was challenged ("
            + fin.statusLine()
            + " at #"
            + fin.number()
            + ", realm \""
            + challenge
            + "\")"
            + (all.size() >= 2
                ? " "
                    + all.size()
                    + " times and the caller never sent credentials: it ignores our challenge."
                : " and the caller did not send credentials.")
            + notAPeer(aLeg, parties));
  }

  private static Explanation wrongCredentials(
      String what, AuthHeader creds, Exchange tried, String ourRealm, Parties parties) {
    String username = nonNull(creds.param("username"));
    String realm = nonNull(creds.param("realm"));
    Row answer = tried.answer();
    String said =
        what
            + ": it answered our challenge with credentials for user \""
            + username
            + "\" in realm \""
            + realm
            + "\" (#"
            + tried.request().number()
            + "), and we did not accept them ("
            + answer.statusLine()
            + " at #"
            + answer.number()
            + ").";
    if (!ourRealm.isEmpty() && !realm.equals(ourRealm)) {
      return new Explanation(
          Kind.WRONG_REALM,
          said
              + " The realm \""
              + realm
              + "\" is not ours: we challenge in realm \""
              + ourRealm
              + "\". Set the PBX's realm (or authentication domain) to \""
              + ourRealm
              + "\".");
    }
    TrunkFacts owner = null;
    for (TrunkFacts t : parties.trunksWithUsername(username)) {
      owner = t;
    }
    String whose =
        owner != null
            ? " The username is trunk " + owner.name() + "'s, so the password is wrong."
            : parties.known()
                ? " No trunk has the username \"" + username + "\": the username is wrong."
                : " The username or the password is wrong.";
    return new Explanation(Kind.WRONG_CREDENTIALS, said + whose);
  }

  /** Trunkline registering to a customer's registrar. */
  static Explanation out(List<Row> rows, Parties parties) {
    List<Exchange> all = exchanges(rows, SipMethod.REGISTER, false);
    Exchange last = all.getLast();
    String registrar = parties.name(last.request().m().remote());
    String user = last.request().toUser();
    if (last.answer() == null) {
      Row first = rows.stream().filter(r -> !r.in()).toList().getLast();
      return new Explanation(
          Kind.NO_ANSWER,
          "The registrar at "
              + registrar
              + " never answered our REGISTER as "
              + user
              + ": it was sent "
              + last.sent()
              + " times over "
              + Row.seconds(first.micros() - last.request().micros())
              + " without any answer.");
    }
    Row answer = last.answer();
    if (answer.status() >= 200 && answer.status() < 300) {
      return new Explanation(
          Kind.REGISTERED,
          "We registered to " + registrar + " as " + user + " (200 at #" + answer.number() + ").");
    }
    AuthHeader ours = last.request().digest(HeaderName.AUTHORIZATION);
    if (ours == null) {
      ours = last.request().digest(HeaderName.PROXY_AUTHORIZATION);
    }
    if (ours != null) {
      return new Explanation(
          Kind.REGISTRATION_REFUSED,
          "The registrar at "
              + registrar
              + " refused our registration as "
              + user
              + ": it challenged us in realm \""
              + nonNull(ours.param("realm"))
              + "\", we answered with the trunk's credentials (user \""
              + nonNull(ours.param("username"))
              + "\", #"
              + last.request().number()
              + "), and it answered "
              + answer.statusLine()
              + " (#"
              + answer.number()
              + "). The username or password configured for the trunk is not the one the"
              + " registrar expects.");
    }
    return new Explanation(
        Kind.REGISTRATION_REFUSED,
        "The registrar at "
            + registrar
            + " refused our registration as "
            + user
            + " outright: "
            + answer.statusLine()
            + " (#"
            + answer.number()
            + ") without a challenge.");
  }

  /** OPTIONS pings with one peer, one way (each probe may have a Call-ID of its own). */
  static Explanation options(List<Row> rows, Parties parties) {
    Row first = rows.getFirst();
    List<Exchange> all = exchanges(rows, SipMethod.OPTIONS, first.in());
    List<Exchange> answered = all.stream().filter(e -> e.answer() != null).toList();
    String peer = parties.name(first.m().remote());
    if (first.in()) {
      return new Explanation(
          Kind.ANSWERED,
          peer + " sent " + all.size() + " OPTIONS; we answered " + answered.size() + ".");
    }
    TrunkFacts trunk = parties.trunk(first.m().remote());
    String state =
        trunk != null && !trunk.state().isEmpty()
            ? " Trunk " + trunk.name() + " is marked " + trunk.state() + "."
            : "";
    if (answered.isEmpty()) {
      Exchange last = all.getLast();
      long span = rows.getLast().micros() - last.request().micros();
      return new Explanation(
          trunk != null ? Kind.TRUNK_DOWN : Kind.NO_ANSWER,
          peer
              + " answered none of our "
              + all.size()
              + " OPTIONS probe(s): the last (#"
              + last.request().number()
              + ") was sent "
              + last.sent()
              + " times over "
              + Row.seconds(span)
              + " without an answer, so the peer is down or unreachable."
              + state);
    }
    Row a = answered.getLast().answer();
    boolean dead = a.status() == 408 || a.status() == 503;
    return new Explanation(
        dead && trunk != null ? Kind.TRUNK_DOWN : dead ? Kind.REJECTED : Kind.ANSWERED,
        peer
            + " answered "
            + answered.size()
            + " of our "
            + all.size()
            + " OPTIONS probe(s); the last answer was "
            + a.statusLine()
            + " (#"
            + a.number()
            + ")"
            + (dead ? ", which counts as down" : "")
            + "."
            + state);
  }

  /** The realm we challenged in: the context's, else the one our challenge in the trace names. */
  private static String ourRealm(List<Row> rows, Context context, String challenged) {
    if (!challenged.isEmpty()) {
      return challenged;
    }
    for (Row r : rows) {
      if (!r.in() && (r.status() == 401 || r.status() == 407)) {
        String realm = realm(r.digest(HeaderName.WWW_AUTHENTICATE));
        if (!realm.isEmpty()) {
          return realm;
        }
      }
    }
    return context.realm();
  }

  private static String realm(AuthHeader h) {
    return h == null ? "" : nonNull(h.param("realm"));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
