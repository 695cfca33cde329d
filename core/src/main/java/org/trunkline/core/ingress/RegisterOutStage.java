package org.trunkline.core.ingress;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.SipUri;

/**
 * Requests from a PBX we register to: the Request-URI carries the {@code line} parameter of the
 * Contact we registered (the PBX sends its calls to that Contact), or the source IP is the one our
 * registration was answered from.
 */
public final class RegisterOutStage implements IngressStage {
  /** The Contact URI parameter naming the trunk: {@code sip:trunk77@192.0.2.1:5060;line=beta}. */
  public static final String LINE_PARAM = "line";

  private final Map<String, Trunk> byName = new HashMap<>();
  private final Function<String, Optional<InetAddress>> registrarAddress;

  /**
   * @param registrarAddress the address a trunk's registration was last answered from
   */
  public RegisterOutStage(
      List<Trunk> trunks, Function<String, Optional<InetAddress>> registrarAddress) {
    for (Trunk t : trunks) {
      if (t.access() instanceof TrunkAccess.RegisterOut) {
        byName.put(t.name(), t);
      }
    }
    this.registrarAddress = registrarAddress;
  }

  @Override
  public String name() {
    return "register-out";
  }

  @Override
  public Verdict apply(Inbound in) {
    if (byName.isEmpty()) {
      return Verdict.CONTINUE;
    }
    if (in.request().requestUri() instanceof SipUri uri) {
      String line = uri.param(LINE_PARAM);
      Trunk t = line == null ? null : byName.get(line);
      if (t != null) {
        return new Verdict.Identified(t, "our registered contact (line=" + line + ")");
      }
    }
    InetAddress from = in.source().address().getAddress();
    for (Trunk t : byName.values()) {
      Optional<InetAddress> registrar = registrarAddress.apply(t.name());
      if (registrar.isPresent() && registrar.get().equals(from)) {
        return new Verdict.Identified(t, "its registrar's address " + from.getHostAddress());
      }
    }
    return Verdict.CONTINUE;
  }
}
