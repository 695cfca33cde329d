package org.trunkline.core.ingress;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;

/**
 * First stage: everything received on a cross-connect trunk's own listen point is that trunk's
 * (from its peers, when it names some); nothing received there can become another trunk's.
 */
public final class CrossConnectStage implements IngressStage {
  private final Map<String, Trunk> byListenPoint = new HashMap<>();

  public CrossConnectStage(List<Trunk> trunks) {
    for (Trunk t : trunks) {
      if (t.access() instanceof TrunkAccess.CrossConnect xc) {
        byListenPoint.put(xc.listen(), t);
      }
    }
  }

  @Override
  public String name() {
    return "cross-connect";
  }

  @Override
  public Verdict apply(Inbound in) {
    String lp = in.listenPoint();
    Trunk t = lp == null ? null : byListenPoint.get(lp);
    if (t == null) {
      return Verdict.CONTINUE;
    }
    List<AddressRange> peers = ((TrunkAccess.CrossConnect) t.access()).peers();
    if (peers.isEmpty()) {
      return new Verdict.Identified(t, "cross-connect listen point " + lp);
    }
    for (AddressRange r : peers) {
      if (r.matches(in.source().address())) {
        return new Verdict.Identified(t, "cross-connect listen point " + lp + ", peer " + r);
      }
    }
    // never fall through to other trunks: this socket is the trunk's alone
    String ip = in.sourceIp();
    return new Verdict.Reject(
        403,
        "Trunk " + t.name() + ": source " + ip + " not allowed",
        List.of(
            org.trunkline.core.call.Q850.reasonHeader(
                org.trunkline.core.call.Q850.CALL_REJECTED,
                "trunk " + t.name() + ": source " + ip + " not allowed")),
        "trunk " + t.name() + ": source " + in.source() + " is not among its peers " + peers);
  }
}
