package org.trunkline.core.ingress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;

/**
 * Source IP:port against the peers of every {@code ip} trunk; the most specific range wins (a host
 * with a port beats the host, which beats its /24). Ties keep file order.
 */
public final class IpPeerStage implements IngressStage {
  private record Entry(AddressRange range, Trunk trunk) {}

  private final List<Entry> entries = new ArrayList<>();

  public IpPeerStage(List<Trunk> trunks) {
    for (Trunk t : trunks) {
      if (t.access() instanceof TrunkAccess.Ip ip) {
        for (AddressRange r : ip.peers()) {
          entries.add(new Entry(r, t));
        }
      }
    }
    entries.sort(Comparator.comparingInt((Entry e) -> e.range().specificity()).reversed());
  }

  @Override
  public String name() {
    return "ip-peer";
  }

  @Override
  public Verdict apply(Inbound in) {
    for (Entry e : entries) {
      if (e.range().matches(in.source().address())) {
        return new Verdict.Identified(e.trunk(), "ip peer " + e.range());
      }
    }
    return Verdict.CONTINUE;
  }
}
