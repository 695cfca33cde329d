package org.trunkline.core.trace;

import java.util.ArrayList;
import java.util.List;
import org.trunkline.core.trace.Explainer.Explanation;
import org.trunkline.core.trace.Explainer.Kind;
import org.trunkline.core.trace.Explainer.Parties;
import org.trunkline.core.trace.Explainer.TrunkFacts;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMethod;

/** The explainer's reading of a call: the caller's leg (A) and every leg we opened (B). */
final class Calls {
  /** Q.850 cause 34, no circuit/channel available: our answer for a limit (Q850.NO_CIRCUIT). */
  private static final int NO_CIRCUIT = 34;

  private Calls() {}

  /** One B-leg: where it went, how often the INVITE was sent, what came back. */
  private record Attempt(
      List<Row> rows, Row invite, int sent, long firstSent, long lastSent, Row answer) {
    static Attempt of(List<Row> rows) {
      Row invite = null;
      int sent = 0;
      long first = 0;
      long last = 0;
      Row answer = null;
      for (Row r : rows) {
        if (!r.in() && r.is(SipMethod.INVITE) && r.sip().toTag() == null) {
          if (invite == null) {
            invite = r;
            first = r.micros();
          }
          sent++;
          last = r.micros();
        } else if (r.in() && r.answers(SipMethod.INVITE) && r.isFinal() && answer == null) {
          answer = r;
        }
      }
      return new Attempt(rows, invite, sent, first, last, answer);
    }

    boolean responded() {
      return rows.stream().anyMatch(r -> r.in() && r.answers(SipMethod.INVITE));
    }

    String outcome() {
      if (answer != null) {
        return answer.statusLine();
      }
      return responded() ? "no final answer" : "no answer to " + sent + " INVITE(s)";
    }
  }

  static Explanation explain(List<Row> aLeg, List<List<Row>> bLegs, Parties parties) {
    List<Attempt> attempts = new ArrayList<>();
    for (List<Row> b : bLegs) {
      attempts.add(Attempt.of(b));
    }
    if (aLeg == null) {
      return bOnly(attempts, parties);
    }
    Row invite = aLeg.getFirst();
    String caller = parties.name(invite.m().remote());
    String number = invite.requestUser();
    Row fin = null;
    Row ringing = null;
    Row cancel = null;
    for (Row r : aLeg) {
      if (!r.in() && r.answers(SipMethod.INVITE) && !r.retransmission()) {
        if (r.isFinal()) {
          fin = r; // the last final: after a challenge the INVITE comes again
        } else if (r.status() >= 180 && ringing == null) {
          ringing = r;
        }
      } else if (r.in() && r.is(SipMethod.CANCEL) && cancel == null) {
        cancel = r;
      }
    }
    String call = "The call from " + caller + " to " + number;
    if (fin == null) {
      return new Explanation(
          Kind.INCOMPLETE,
          call
              + " has no final answer in the trace"
              + (ringing != null ? " (it was ringing at #" + ringing.number() + ")" : "")
              + "; it was still being set up when the trace ends.");
    }
    if (fin.status() >= 200 && fin.status() < 300) {
      return answered(call, invite, fin, aLeg, attempts, bLegs, parties);
    }
    String tried = tried(attempts, parties);
    String answer =
        " was refused: we answered it " + fin.statusLine() + cause(fin) + " at #" + fin.number();
    if (cancel != null && fin.status() == 487) {
      return new Explanation(
          Kind.CANCELLED,
          call
              + " was cancelled by the caller (CANCEL at #"
              + cancel.number()
              + ", "
              + Row.seconds(cancel.micros() - invite.micros())
              + " after the INVITE)"
              + (ringing != null ? " while it was ringing" : "")
              + "."
              + tried);
    }
    String phrase = fin.sip().reason();
    if (fin.status() == 403
        && (phrase.contains("matches no trunk") || phrase.contains("not allowed"))) {
      String peers = parties.peers();
      return new Explanation(
          Kind.SOURCE_NOT_ALLOWED,
          call
              + answer
              + ". The source address "
              + invite.m().remote().getAddress().getHostAddress()
              + " is not among the peers of "
              + (phrase.startsWith("Trunk ") ? "that trunk" : "any trunk")
              + (peers.isEmpty() ? "" : "; the configured peers are " + peers)
              + ". Add the address to the trunk's peers if the call should be allowed.");
    }
    if (fin.status() == 404 && (phrase.startsWith("No route") || phrase.startsWith("No number"))) {
      return new Explanation(
          Kind.NO_ROUTE,
          call
              + answer
              + ". No route covers "
              + number
              + " and no trunk owns it: add a route whose prefix matches it, or the number to a"
              + " trunk's numbers.");
    }
    Attempt lastTried = attempts.isEmpty() ? null : attempts.getLast();
    boolean passedOn =
        lastTried != null
            && lastTried.answer() != null
            && lastTried.answer().status() == fin.status();
    // a limit's refusal: cause 34 with whatever status calls.limit-status says (503 by default)
    if (fin.cause() == NO_CIRCUIT && !passedOn) {
      String why = fin.causeText();
      return new Explanation(
          Kind.LIMIT_REACHED,
          call
              + answer
              + ". A limit was reached"
              + (why.isEmpty() ? "" : ": " + why)
              + ". Raise max-channels or max-cps, or spread the calls."
              + tried);
    }
    if (fin.status() == 401 || fin.status() == 407) {
      return Registrations.challengedInvite(call, aLeg, fin, parties);
    }
    if (attempts.isEmpty()) {
      return new Explanation(
          fin.status() == 480 || fin.status() == 503 ? Kind.TRUNK_DOWN : Kind.REJECTED,
          call
              + answer
              + ". No trunk was tried"
              + (fin.causeText().isEmpty() ? "" : " (" + fin.causeText() + ")")
              + ".");
    }
    Attempt last = attempts.getLast();
    String callee =
        parties.name(last.invite() != null ? last.invite().m().remote() : invite.m().remote());
    TrunkFacts trunk = last.invite() == null ? null : parties.trunk(last.invite().m().remote());
    String down =
        trunk != null && trunk.isDown()
            ? " Trunk " + trunk.name() + " is marked " + trunk.state() + "."
            : "";
    if (!last.responded()) {
      return new Explanation(
          trunk != null && trunk.isDown() ? Kind.TRUNK_DOWN : Kind.NO_ANSWER,
          call
              + " got no answer from "
              + callee
              + ": our INVITE (#"
              + last.invite().number()
              + ") was sent "
              + last.sent()
              + " times over "
              + Row.seconds(last.lastSent() - last.firstSent())
              + " and nothing came back, so we gave up and answered the caller "
              + fin.statusLine()
              + cause(fin)
              + " at #"
              + fin.number()
              + "."
              + down
              + tried);
    }
    if (last.answer() == null) {
      return new Explanation(
          Kind.REJECTED, call + answer + ". " + callee + " gave no final answer." + down + tried);
    }
    Row theirs = last.answer();
    String relayed =
        call
            + " was refused by "
            + callee
            + ": it answered "
            + theirs.statusLine()
            + cause(theirs)
            + " at #"
            + theirs.number()
            + (fin.status() == theirs.status()
                ? ", which we passed to the caller (#" + fin.number() + ")"
                : ", and we answered the caller " + fin.statusLine() + " (#" + fin.number() + ")")
            + ".";
    if (theirs.status() == 488 || theirs.status() == 606 || theirs.status() == 415) {
      List<String> offered = last.invite().codecs();
      List<String> accepted = theirs.codecs();
      String warning = theirs.header(HeaderName.WARNING);
      return new Explanation(
          Kind.CODEC_MISMATCH,
          relayed
              + " The codecs do not match: the caller offered "
              + (invite.codecs().isEmpty() ? "no SDP" : String.join(", ", invite.codecs()))
              + (offered.equals(invite.codecs())
                  ? ""
                  : " (we offered " + String.join(", ", offered) + ")")
              + "; "
              + callee
              + (accepted.isEmpty()
                  ? " did not say which it accepts"
                  : " accepts " + String.join(", ", accepted))
              + (warning == null ? "" : " (Warning: " + warning + ")")
              + "."
              + tried);
    }
    return new Explanation(Kind.REJECTED, relayed + down + tried);
  }

  private static Explanation answered(
      String call,
      Row invite,
      Row fin,
      List<Row> aLeg,
      List<Attempt> attempts,
      List<List<Row>> bLegs,
      Parties parties) {
    Attempt by = null;
    for (Attempt a : attempts) {
      if (a.answer() != null && a.answer().status() < 300) {
        by = a;
      }
    }
    StringBuilder s = new StringBuilder(call).append(" was answered");
    if (by != null) {
      s.append(" by ").append(parties.name(by.answer().m().remote()));
    }
    s.append(" ")
        .append(Row.seconds(fin.micros() - invite.micros()))
        .append(" after the INVITE (200 at #")
        .append(fin.number())
        .append(").");
    // who hung up: the first BYE after the answer, on either leg
    Row bye = null;
    boolean onA = false;
    for (Row r : aLeg) {
      if (r.is(SipMethod.BYE) && r.micros() >= fin.micros()) {
        bye = r;
        onA = true;
        break;
      }
    }
    for (List<Row> b : bLegs) {
      for (Row r : b) {
        if (r.is(SipMethod.BYE) && (bye == null || r.micros() < bye.micros())) {
          bye = r;
          onA = false;
        }
      }
    }
    if (bye == null) {
      s.append(" No BYE in the trace: the call was still up when it ends.");
    } else {
      String who;
      if (!bye.in()) {
        who = "Trunkline ended the call";
      } else if (onA) {
        who = "The caller hung up";
      } else {
        who = "The callee hung up";
      }
      s.append(' ')
          .append(who)
          .append(" (BYE at #")
          .append(bye.number())
          .append(") after ")
          .append(Row.seconds(bye.micros() - fin.micros()))
          .append(" of conversation.");
    }
    if (attempts.size() > 1) {
      s.append(tried(attempts, parties));
    }
    return new Explanation(Kind.ANSWERED, s.toString());
  }

  /** A trace with only legs we opened (a B-leg on its own). */
  private static Explanation bOnly(List<Attempt> attempts, Parties parties) {
    Attempt a = attempts.getLast();
    String callee = parties.name(a.rows().getFirst().m().remote());
    if (a.answer() == null) {
      return new Explanation(
          a.responded() ? Kind.INCOMPLETE : Kind.NO_ANSWER,
          "Our INVITE to "
              + callee
              + " was sent "
              + a.sent()
              + " times over "
              + Row.seconds(a.lastSent() - a.firstSent())
              + (a.responded() ? " and got no final answer." : " and got no answer at all."));
    }
    return new Explanation(
        a.answer().status() < 300 ? Kind.ANSWERED : Kind.REJECTED,
        callee
            + " answered our INVITE "
            + a.answer().statusLine()
            + " (#"
            + a.answer().number()
            + ").");
  }

  /** {@code Tried: trunk first (...): 503 Service Unavailable; ...} when more than one. */
  private static String tried(List<Attempt> attempts, Parties parties) {
    if (attempts.size() < 2) {
      return "";
    }
    List<String> each = new ArrayList<>();
    for (Attempt a : attempts) {
      each.add(parties.name(a.rows().getFirst().m().remote()) + ": " + a.outcome());
    }
    return " Tried in order: " + String.join("; ", each) + ".";
  }

  /** {@code (Q.850 cause 3, "no route to +49...")} from the Reason header, or empty. */
  static String cause(Row r) {
    int c = r.cause();
    if (c < 0) {
      return "";
    }
    String t = r.causeText();
    return " (Q.850 cause " + c + (t.isEmpty() ? "" : ", \"" + t + "\"") + ")";
  }
}
