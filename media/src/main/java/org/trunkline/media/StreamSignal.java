package org.trunkline.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.trunkline.sip.sdp.Attribute;
import org.trunkline.sip.sdp.Connection;
import org.trunkline.sip.sdp.Direction;
import org.trunkline.sip.sdp.MediaDescription;
import org.trunkline.sip.sdp.RtpMap;
import org.trunkline.sip.sdp.SessionDescription;

/**
 * What one side's SDP says about one stream: where it wants to receive RTP and RTCP, which payload
 * types it uses for which codec, its direction. Immutable.
 *
 * @param rtp the signalled RTP address; null when the stream is rejected, on hold with {@code
 *     0.0.0.0}, or a host name (then only latching finds it)
 * @param rtcp the signalled RTCP address (RFC 3605 {@code a=rtcp}, else the port above RTP)
 * @param payloads payload type to codec, in {@code m=} order; only RTP streams have any
 */
record StreamSignal(
    String media,
    String proto,
    int port,
    InetSocketAddress rtp,
    InetSocketAddress rtcp,
    boolean rtcpMux,
    Map<Integer, RtpMap> payloads,
    Direction direction) {

  static final StreamSignal NONE =
      new StreamSignal("audio", "RTP/AVP", 0, null, null, false, Map.of(), Direction.INACTIVE);

  boolean isRtp() {
    return proto.toUpperCase(Locale.ROOT).startsWith("RTP/");
  }

  boolean isSrtp() {
    return proto.toUpperCase(Locale.ROOT).contains("SAVP");
  }

  /** The clock rate of a payload type, 8000 when unknown. */
  int clockRate(int pt) {
    RtpMap m = payloads.get(pt);
    return m == null ? 8000 : m.clockRate();
  }

  static StreamSignal of(SessionDescription sdp, MediaDescription m) {
    Map<Integer, RtpMap> payloads = new LinkedHashMap<>();
    StreamSignal probe =
        new StreamSignal(m.media(), m.proto(), m.port(), null, null, false, Map.of(), null);
    if (probe.isRtp()) {
      for (String f : m.formats()) {
        try {
          int pt = Integer.parseInt(f);
          m.rtpmap(pt).ifPresent(r -> payloads.put(pt, r));
        } catch (NumberFormatException e) {
          // not an RTP payload type: carried, not mapped
        }
      }
    }
    Optional<Connection> c = sdp == null ? m.connection() : m.connection().or(sdp::connection);
    InetAddress host = c.map(StreamSignal::literal).orElse(null);
    InetSocketAddress rtp = null;
    InetSocketAddress rtcp = null;
    boolean mux = m.attribute("rtcp-mux").isPresent();
    if (m.port() != 0 && host != null && !host.isAnyLocalAddress()) {
      rtp = new InetSocketAddress(host, m.port());
      OptionalInt rtcpPort = OptionalInt.empty();
      InetAddress rtcpHost = host;
      Optional<Attribute> a = m.attribute("rtcp"); // RFC 3605: port [nettype addrtype address]
      if (a.isPresent() && a.get().hasValue()) {
        String[] f = a.get().value().strip().split("\\s+");
        try {
          rtcpPort = OptionalInt.of(Integer.parseInt(f[0]));
          if (f.length == 3) {
            InetAddress h = literal(Connection.of(f[2]));
            rtcpHost = h != null ? h : host;
          }
        } catch (IllegalArgumentException e) {
          rtcpPort = OptionalInt.empty(); // malformed: fall back on RTP + 1
        }
      }
      rtcp = new InetSocketAddress(rtcpHost, rtcpPort.orElse(m.port() + 1));
    }
    return new StreamSignal(
        m.media(),
        m.proto(),
        m.port(),
        rtp,
        rtcp,
        mux,
        java.util.Collections.unmodifiableMap(payloads),
        m.direction());
  }

  /** The address of a {@code c=} line if it is an IP literal (never a DNS look-up). */
  private static InetAddress literal(Connection c) {
    String a = c.address();
    boolean ip =
        Connection.IP6.equals(c.addrType())
            || Connection.IP4.equals(c.addrType()) && a.matches("[0-9.]+");
    if (!ip) {
      return null;
    }
    try {
      return InetAddress.getByName(a); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
