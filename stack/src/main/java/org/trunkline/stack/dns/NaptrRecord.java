package org.trunkline.stack.dns;

import io.netty.buffer.ByteBuf;

/**
 * A NAPTR record (RFC 3403 §4.1). RFC 3263 §4.1 uses those with flag {@code s}, a service such as
 * {@code SIP+D2U}, an empty regexp, and a replacement that names the SRV record to look up next.
 */
record NaptrRecord(
    int order, int preference, String flags, String services, String regexp, String replacement) {

  static NaptrRecord decode(ByteBuf rdata) {
    Rdata r = new Rdata(rdata);
    NaptrRecord rec =
        new NaptrRecord(
            r.u16(),
            r.u16(),
            r.characterString(),
            r.characterString(),
            r.characterString(),
            r.name());
    r.expectEnd();
    return rec;
  }

  /** The transport this record leads to, or null if RFC 3263 cannot use it. */
  SipTransport sipTransport() {
    // §4.1: SIP uses the "s" flag (next lookup is SRV) and no regexp
    if (!flags.equalsIgnoreCase("s") || !regexp.isEmpty() || replacement.equals(".")) {
      return null;
    }
    return SipTransport.ofNaptrService(services);
  }
}
