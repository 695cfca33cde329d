package org.trunkline.core.ingress;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.BiFunction;
import org.trunkline.core.trunk.Trunk;

/**
 * A request inside a call in progress (it has a To tag and the Call-ID of one of the call's legs)
 * from the address that leg's peer has: that leg's trunk, without a new challenge (a PBX's
 * re-INVITE for hold is not asked for its password again). Another source with the same Call-ID
 * gets no such pass and goes through the other stages.
 */
public final class InDialogStage implements IngressStage {
  private final BiFunction<String, InetSocketAddress, Optional<Trunk>> legTrunk;

  /**
   * @param legTrunk the trunk of the call leg with this Call-ID whose peer has this source's IP
   */
  public InDialogStage(BiFunction<String, InetSocketAddress, Optional<Trunk>> legTrunk) {
    this.legTrunk = legTrunk;
  }

  @Override
  public String name() {
    return "in-dialog";
  }

  @Override
  public Verdict apply(Inbound in) {
    if (in.request().toTag() == null || in.request().callId() == null) {
      return Verdict.CONTINUE;
    }
    return legTrunk
        .apply(in.request().callId(), in.source().address())
        .<Verdict>map(t -> new Verdict.Identified(t, "a leg of a call in progress"))
        .orElse(Verdict.CONTINUE);
  }
}
