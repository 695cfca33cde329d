package org.trunkline.server.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.trunkline.core.trunk.CallPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunksConfig;

/**
 * What a reload changes in the trunks, in words an operator recognises: the config keys that differ
 * ({@code changed trunk acme: password, max-contacts}). Stateless.
 */
final class TrunkChanges {
  private TrunkChanges() {}

  /**
   * One line per added, changed or removed trunk (file order), then the ingress policy, the routes
   * and the call policy.
   */
  static List<String> between(TrunksConfig old, TrunksConfig now) {
    List<String> lines = new ArrayList<>();
    for (Trunk t : now.trunks()) {
      Trunk before = old.byName(t.name()).orElse(null);
      if (before == null) {
        lines.add("added trunk " + t.name() + " (" + t.mode().token() + ")");
      } else if (!before.equals(t)) {
        lines.add("changed trunk " + t.name() + ": " + String.join(", ", keys(before, t)));
      }
    }
    for (Trunk t : old.trunks()) {
      if (now.byName(t.name()).isEmpty()) {
        lines.add("removed trunk " + t.name() + " (" + t.mode().token() + ")");
      }
    }
    if (!old.ingress().equals(now.ingress())) {
      Set<String> keys = new LinkedHashSet<>();
      if (old.ingress().dropUnknown() != now.ingress().dropUnknown()) {
        keys.add("unknown-source");
      }
      if (!old.ingress().ban().equals(now.ingress().ban())) {
        keys.add("ban");
      }
      if (!old.ingress().digestAlgorithms().equals(now.ingress().digestAlgorithms())) {
        keys.add("digest-algorithms");
      }
      if (!old.ingress().monitors().equals(now.ingress().monitors())) {
        keys.add("monitors");
      }
      if (old.ingress().maxTrackedNonces() != now.ingress().maxTrackedNonces()) {
        keys.add("max-tracked-nonces");
      }
      lines.add("changed ingress: " + String.join(", ", keys));
    }
    // routes and the call policy live in the same generation as the trunks: without a line here a
    // reload that changed only them was not applied at all
    if (!old.routes().equals(now.routes())) {
      lines.add("changed routes");
    }
    if (!old.calls().equals(now.calls())) {
      CallPolicy a = old.calls();
      CallPolicy b = now.calls();
      List<String> keys = new ArrayList<>();
      differs(keys, "pass-headers", a.passHeaders(), b.passHeaders());
      differs(keys, "max-channels", a.maxChannels(), b.maxChannels());
      differs(keys, "max-cps", a.maxCps(), b.maxCps());
      differs(keys, "dialog-check", a.dialogCheck(), b.dialogCheck());
      differs(keys, "session-expires", a.sessionExpires(), b.sessionExpires());
      differs(keys, "min-se", a.minSe(), b.minSe());
      differs(keys, "limit-status", a.limitStatus(), b.limitStatus());
      lines.add("changed calls: " + String.join(", ", keys));
    }
    return lines;
  }

  /** The config keys whose values differ between two versions of one trunk. */
  static List<String> keys(Trunk a, Trunk b) {
    if (a.mode() != b.mode()) {
      return List.of("mode " + a.mode().token() + " -> " + b.mode().token());
    }
    List<String> keys = new ArrayList<>(accessKeys(a.access(), b.access()));
    differs(keys, "target", a.target(), b.target());
    differs(keys, "health", a.health(), b.health());
    differs(keys, "max-channels", a.maxChannels(), b.maxChannels());
    differs(keys, "max-cps", a.maxCps(), b.maxCps());
    differs(keys, "max-channels-in", a.maxChannelsIn(), b.maxChannelsIn());
    differs(keys, "max-channels-out", a.maxChannelsOut(), b.maxChannelsOut());
    differs(keys, "numbers", a.numbers(), b.numbers());
    differs(keys, "trusted", a.trusted(), b.trusted());
    differs(keys, "numbering", a.numbering(), b.numbering());
    differs(keys, "refer", a.refer(), b.refer());
    differs(keys, "media", a.media().relay(), b.media().relay());
    differs(keys, "record", a.media().record(), b.media().record());
    differs(keys, "codecs", a.media().codecs(), b.media().codecs());
    return keys;
  }

  private static List<String> accessKeys(TrunkAccess a, TrunkAccess b) {
    List<String> keys = new ArrayList<>();
    switch (a) {
      case TrunkAccess.RegisterIn x when b instanceof TrunkAccess.RegisterIn y -> {
        differs(keys, "username", x.username(), y.username());
        differs(keys, "password", x.password(), y.password());
        differs(keys, "realm", x.realm(), y.realm());
        differs(keys, "max-contacts", x.maxContacts(), y.maxContacts());
        differs(keys, "min-expires", x.minExpires(), y.minExpires());
        differs(keys, "max-expires", x.maxExpires(), y.maxExpires());
      }
      case TrunkAccess.RegisterOut x when b instanceof TrunkAccess.RegisterOut y -> {
        differs(keys, "registrar", x.registrar(), y.registrar());
        differs(keys, "username", x.username(), y.username());
        differs(keys, "password", x.password(), y.password());
        differs(keys, "auth-username", x.authUsername(), y.authUsername());
        differs(keys, "expires", x.expires(), y.expires());
        differs(keys, "retry-min", x.retryMin(), y.retryMin());
        differs(keys, "retry-max", x.retryMax(), y.retryMax());
      }
      case TrunkAccess.Ip x when b instanceof TrunkAccess.Ip y ->
          differs(keys, "peers", x.peers(), y.peers());
      case TrunkAccess.CrossConnect x when b instanceof TrunkAccess.CrossConnect y -> {
        differs(keys, "listen", x.listen(), y.listen());
        differs(keys, "peers", x.peers(), y.peers());
      }
      default -> keys.add("mode");
    }
    return keys;
  }

  private static void differs(List<String> keys, String key, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      keys.add(key);
    }
  }
}
