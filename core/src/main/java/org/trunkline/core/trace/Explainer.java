package org.trunkline.core.trace;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.UriParser;
import org.trunkline.stack.TraceTap;

/**
 * Says in a few plain sentences what happened in a call or trunk trace and why: a call answered (by
 * whom, who hung up, how long), or refused by us (source not a trunk's, no route, a limit), or
 * failed at the far side (no answer after N retransmissions, codec mismatch with the codecs offered
 * and accepted, any other final answer), and registrations in both directions (accepted, wrong
 * password or realm, a PBX that ignores our challenge, refused by the customer's registrar).
 *
 * <p>It reads the messages with the {@code sip} parser and our own refusals by the words the server
 * writes ({@code No route to}, {@code matches no trunk}, {@code not allowed}, {@code at its limit},
 * {@code Reason: Q.850;cause=N}). What the messages cannot say (trunk names, peers, states) comes
 * from the {@link Context} the caller passes. Rows are cited as {@code #N}, numbered as {@link
 * Ladder} numbers them. Pure: any thread may call it.
 */
public final class Explainer {
  /** What the explanation is about, the first thing that went wrong, for tests and filters. */
  public enum Kind {
    ANSWERED,
    REGISTERED,
    CANCELLED,
    SOURCE_NOT_ALLOWED,
    NO_ROUTE,
    LIMIT_REACHED,
    TRUNK_DOWN,
    NO_ANSWER,
    CODEC_MISMATCH,
    REJECTED,
    WRONG_CREDENTIALS,
    WRONG_REALM,
    IGNORES_CHALLENGE,
    REGISTRATION_REFUSED,
    INCOMPLETE,
    EMPTY
  }

  /**
   * What the server knew that the trace does not carry.
   *
   * @param trunks every configured trunk (empty if not known)
   * @param realm the realm of our digest challenges ({@code trunkline} by default)
   */
  public record Context(List<TrunkFacts> trunks, String realm) {
    /** Nothing known beyond the messages. */
    public static final Context NONE = new Context(List.of(), "");

    public Context {
      trunks = List.copyOf(trunks);
    }

    /**
     * The context of a running configuration: each trunk's peers (ip and cross-connect), the host
     * and port of its target or registrar, its digest username, and {@code state.apply(name)} (for
     * example {@code down: ...} from the health checks; empty when not known).
     */
    public static Context of(TrunksConfig config, Function<String, String> state) {
      List<TrunkFacts> out = new ArrayList<>();
      String realm = TrunkAccess.RegisterIn.DEFAULT_REALM;
      boolean realmSeen = false;
      for (Trunk t : config.trunks()) {
        List<String> peers = new ArrayList<>();
        String username = "";
        switch (t.access()) {
          case TrunkAccess.Ip ip -> ip.peers().forEach(r -> peers.add(r.toString()));
          case TrunkAccess.CrossConnect x -> x.peers().forEach(r -> peers.add(r.toString()));
          case TrunkAccess.RegisterIn in -> {
            username = in.username();
            if (!realmSeen) {
              realm = in.realm();
              realmSeen = true;
            }
          }
          case TrunkAccess.RegisterOut o -> {
            username = o.authUsername();
            hostPort(o.registrar()).ifPresent(peers::add);
          }
        }
        t.target().flatMap(Context::hostPort).filter(p -> !peers.contains(p)).ifPresent(peers::add);
        String s = state.apply(t.name());
        out.add(new TrunkFacts(t.name(), peers, username, s == null ? "" : s));
      }
      return new Context(out, realm);
    }

    /** {@code 192.0.2.1:5060} of {@code sip:192.0.2.1:5060;transport=tcp} ({@code [v6]:port}). */
    private static java.util.Optional<String> hostPort(String uri) {
      try {
        if (UriParser.parse(uri) instanceof SipUri u) {
          return java.util.Optional.of(u.port() > 0 ? u.host() + ":" + u.port() : u.host());
        }
      } catch (RuntimeException e) {
        // not a SIP URI we can read: no address to match
      }
      return java.util.Optional.empty();
    }
  }

  /**
   * One trunk as configured.
   *
   * @param name its name
   * @param peers its addresses as configured: peers, target or registrar ({@code 192.0.2.1}, {@code
   *     192.0.2.1:5060}, {@code 192.0.2.0/24}); unreadable entries are ignored
   * @param username its digest username (register-in, register-out), or empty
   * @param state {@code up}, {@code down: why}, or empty when not known
   */
  public record TrunkFacts(String name, List<String> peers, String username, String state) {
    public TrunkFacts {
      peers = List.copyOf(peers);
    }

    boolean isDown() {
      return state.startsWith("down");
    }
  }

  /**
   * @param kind the first thing that went wrong, or what went right
   * @param text a few sentences, one paragraph per call or registration in the trace
   */
  public record Explanation(Kind kind, String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private Explainer() {}

  /** Explains {@code messages} (any order; read in time order). */
  public static Explanation explain(List<TracedMessage> messages, Context context) {
    List<TracedMessage> ordered = Ladder.ordered(messages);
    if (ordered.isEmpty()) {
      return new Explanation(Kind.EMPTY, "The trace has no messages.");
    }
    Parties parties = new Parties(context);
    Map<String, List<Row>> byCallId = new LinkedHashMap<>();
    Retransmissions retransmissions = new Retransmissions();
    for (int i = 0; i < ordered.size(); i++) {
      Row r = Row.of(ordered.get(i), i + 1, retransmissions);
      byCallId.computeIfAbsent(r.callId(), k -> new ArrayList<>()).add(r);
    }
    List<List<Row>> aLegs = new ArrayList<>();
    List<List<Row>> bLegs = new ArrayList<>();
    Map<String, List<Row>> options = new LinkedHashMap<>();
    List<Explanation> parts = new ArrayList<>();
    for (List<Row> group : byCallId.values()) {
      Row first = group.getFirst();
      if (first.is(SipMethod.INVITE) && first.sip().toTag() == null) {
        (first.in() ? aLegs : bLegs).add(group);
      } else if (first.is(SipMethod.REGISTER)) {
        parts.add(
            first.in()
                ? Registrations.in(group, parties, context)
                : Registrations.out(group, parties));
      } else if (first.is(SipMethod.OPTIONS)) {
        // every probe has a Call-ID of its own: one story per peer and direction
        options
            .computeIfAbsent(
                first.m().direction() + " " + first.m().remote(), k -> new ArrayList<>())
            .addAll(group);
      }
    }
    for (List<Row> probes : options.values()) {
      probes.sort(java.util.Comparator.comparingInt(Row::number));
      parts.add(Registrations.options(probes, parties));
    }
    if (!aLegs.isEmpty()) {
      for (int i = 0; i < aLegs.size(); i++) {
        parts.add(i, Calls.explain(aLegs.get(i), i == 0 ? bLegs : List.of(), parties));
      }
    } else if (!bLegs.isEmpty()) {
      parts.add(0, Calls.explain(null, bLegs, parties));
    }
    if (parts.isEmpty()) {
      return new Explanation(
          Kind.INCOMPLETE,
          "The trace has "
              + ordered.size()
              + " message(s) but no INVITE, REGISTER or OPTIONS that starts an exchange.");
    }
    Kind kind = parts.getFirst().kind();
    for (Explanation e : parts) {
      if (e.kind() != Kind.ANSWERED && e.kind() != Kind.REGISTERED) {
        kind = e.kind();
        break;
      }
    }
    StringBuilder text = new StringBuilder();
    for (Explanation e : parts) {
      text.append(text.isEmpty() ? "" : "\n").append(e.text());
    }
    return new Explanation(kind, text.toString());
  }

  /** Names a remote address by the trunk whose peers cover it. */
  static final class Parties {
    private final List<TrunkFacts> trunks;
    private final List<List<AddressRange>> ranges = new ArrayList<>();

    Parties(Context context) {
      this.trunks = context.trunks();
      for (TrunkFacts t : trunks) {
        List<AddressRange> list = new ArrayList<>();
        for (String p : t.peers()) {
          try {
            list.add(AddressRange.parse(p));
          } catch (RuntimeException e) {
            // a target written as a URI or a name: not an address to match
          }
        }
        ranges.add(list);
      }
    }

    /** The trunk whose peers cover {@code a}, the most specific first, or {@code null}. */
    TrunkFacts trunk(InetSocketAddress a) {
      TrunkFacts best = null;
      int bestSpecificity = -1;
      for (int i = 0; i < trunks.size(); i++) {
        for (AddressRange r : ranges.get(i)) {
          if (r.matches(a) && r.specificity() > bestSpecificity) {
            best = trunks.get(i);
            bestSpecificity = r.specificity();
          }
        }
      }
      return best;
    }

    /** {@code trunk pbx (127.0.0.1:25080)} or {@code 127.0.0.30:25070}. */
    String name(InetSocketAddress a) {
      TrunkFacts t = trunk(a);
      return t == null ? Row.address(a) : "trunk " + t.name() + " (" + Row.address(a) + ")";
    }

    /** Every trunk's peers, {@code carrier1: 127.0.0.20; pbx: 127.0.0.1:25080}. */
    String peers() {
      List<String> out = new ArrayList<>();
      for (TrunkFacts t : trunks) {
        if (!t.peers().isEmpty()) {
          out.add(t.name() + ": " + String.join(", ", t.peers()));
        }
      }
      return out.isEmpty() ? "" : String.join("; ", out);
    }

    /** The trunks whose digest username is {@code username}. */
    List<TrunkFacts> trunksWithUsername(String username) {
      return trunks.stream().filter(t -> t.username().equals(username)).toList();
    }

    boolean known() {
      return !trunks.isEmpty();
    }
  }

  static boolean in(TracedMessage m) {
    return m.direction() == TraceTap.Direction.IN;
  }
}
