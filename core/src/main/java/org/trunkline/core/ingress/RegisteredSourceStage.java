package org.trunkline.core.ingress;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Function;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.sip.SipMethod;

/**
 * Requests other than REGISTER and INVITE from the exact address a {@code register-in} trunk's PBX
 * registered from (its OPTIONS keep-alives, in-dialog requests) are that trunk's without a
 * challenge: the registration proved who sits there.
 */
public final class RegisteredSourceStage implements IngressStage {
  private final Function<InetSocketAddress, Optional<Trunk>> registeredFrom;

  public RegisteredSourceStage(Function<InetSocketAddress, Optional<Trunk>> registeredFrom) {
    this.registeredFrom = registeredFrom;
  }

  @Override
  public String name() {
    return "registered-source";
  }

  @Override
  public Verdict apply(Inbound in) {
    SipMethod m = in.request().method();
    if (m.equals(SipMethod.REGISTER) || m.equals(SipMethod.INVITE)) {
      return Verdict.CONTINUE;
    }
    return registeredFrom
        .apply(in.source().address())
        .<Verdict>map(t -> new Verdict.Identified(t, "registered contact at " + in.source()))
        .orElse(Verdict.CONTINUE);
  }
}
