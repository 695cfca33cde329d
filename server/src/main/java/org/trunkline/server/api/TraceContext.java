package org.trunkline.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.trunkline.core.TrunkCore;
import org.trunkline.core.TrunkView;
import org.trunkline.core.trace.Explainer;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;

/**
 * What {@link Explainer} needs to know beyond a trace's messages, from the running config and the
 * trunks' states: each trunk's peers (or target, or registrar), digest username and state, and the
 * realm of our challenges. Read on the API's threads.
 */
final class TraceContext {
  private TraceContext() {}

  static Explainer.Context of(TrunkCore core) {
    Map<String, TrunkView> views =
        core.trunks().stream().collect(Collectors.toMap(TrunkView::name, Function.identity()));
    List<Explainer.TrunkFacts> facts = new ArrayList<>();
    String realm = TrunkAccess.RegisterIn.DEFAULT_REALM;
    for (Trunk t : core.config().trunks()) {
      List<String> peers = new ArrayList<>();
      String username = "";
      switch (t.access()) {
        case TrunkAccess.Ip ip ->
            ip.peers().stream().map(AddressRange::toString).forEach(peers::add);
        case TrunkAccess.CrossConnect xc ->
            xc.peers().stream().map(AddressRange::toString).forEach(peers::add);
        case TrunkAccess.RegisterIn in -> {
          username = in.username();
          realm = in.realm();
        }
        case TrunkAccess.RegisterOut out -> {
          username = out.authUsername();
          peers.add(hostOf(out.registrar()));
        }
      }
      t.target().map(TraceContext::hostOf).ifPresent(peers::add);
      TrunkView v = views.get(t.name());
      String state = "";
      if (v != null) {
        state = v.state().equals("down") ? "down: " + v.reason() : v.state();
      }
      facts.add(new Explainer.TrunkFacts(t.name(), peers, username, state));
    }
    return new Explainer.Context(facts, realm);
  }

  /** {@code sip:192.0.2.1:5060;transport=udp} as {@code 192.0.2.1:5060}. */
  static String hostOf(String uri) {
    String s = uri.replaceFirst("^sips?:", "");
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(at + 1);
    }
    int semi = s.indexOf(';');
    return semi >= 0 ? s.substring(0, semi) : s;
  }
}
