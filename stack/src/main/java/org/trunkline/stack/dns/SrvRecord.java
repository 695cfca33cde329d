package org.trunkline.stack.dns;

import io.netty.buffer.ByteBuf;

/** An SRV record (RFC 2782). A target of {@code "."} means the service is not offered. */
record SrvRecord(int priority, int weight, int port, String target) {

  static SrvRecord decode(ByteBuf rdata) {
    Rdata r = new Rdata(rdata);
    SrvRecord rec = new SrvRecord(r.u16(), r.u16(), r.u16(), r.name());
    r.expectEnd();
    return rec;
  }

  /** RFC 2782: the target "." says "decidedly not available at this domain". */
  boolean unavailable() {
    return target.equals(".");
  }
}
