package org.trunkline.core.trace;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.sdp.MediaDescription;
import org.trunkline.sip.sdp.RtpMap;
import org.trunkline.sip.sdp.SdpParser;
import org.trunkline.sip.sdp.SdpResult;
import org.trunkline.stack.auth.AuthHeader;
import org.trunkline.stack.auth.AuthHeaderParser;
import org.trunkline.stack.auth.AuthParse;

/**
 * One message of a trace as the explainer reads it: parsed, numbered as the ladder numbers it, and
 * marked when it retransmits an earlier row.
 *
 * @param number the 1-based row in time order
 * @param firstRow the row it retransmits, or 0
 */
record Row(TracedMessage m, SipMessage sip, int number, int firstRow) {
  private static final SipParser PARSER = new SipParser();
  private static final Pattern CAUSE = Pattern.compile("(?i)Q\\.850\\s*;\\s*cause\\s*=\\s*(\\d+)");
  private static final Pattern TEXT = Pattern.compile("(?i)text\\s*=\\s*\"([^\"]*)\"");

  static Row of(TracedMessage m, int number, Retransmissions retransmissions) {
    SipMessage sip = PARSER.parseDatagram(m.bytes());
    return new Row(m, sip, number, retransmissions.firstRowOf(m, sip, number));
  }

  boolean in() {
    return Explainer.in(m);
  }

  boolean retransmission() {
    return firstRow > 0;
  }

  long micros() {
    return m.epochMicros();
  }

  String callId() {
    String c = sip.callId();
    return c == null ? "" : c;
  }

  /** A request of this method. */
  boolean is(SipMethod method) {
    return sip.isRequest() && method.equals(sip.method());
  }

  /** A response to a request of this method. */
  boolean answers(SipMethod method) {
    return !sip.isRequest() && sip.status() > 0 && method.equals(sip.cseqMethod());
  }

  boolean isFinal() {
    return !sip.isRequest() && sip.status() >= 200;
  }

  int status() {
    return sip.status();
  }

  /** {@code 404 No route to +4930123456}. */
  String statusLine() {
    return sip.status() + " " + sip.reason();
  }

  String header(HeaderName name) {
    return sip.header(name);
  }

  /** The Q.850 cause of the Reason header, or -1. */
  int cause() {
    String r = sip.header(HeaderName.REASON);
    Matcher c = r == null ? null : CAUSE.matcher(r);
    return c != null && c.find() ? Integer.parseInt(c.group(1)) : -1;
  }

  /** The text of the Reason header, or empty. */
  String causeText() {
    String r = sip.header(HeaderName.REASON);
    Matcher t = r == null ? null : TEXT.matcher(r);
    return t != null && t.find() ? t.group(1) : "";
  }

  /** The user part of the Request-URI (the number called), or its whole text. */
  String requestUser() {
    try {
      if (sip.requestUri() instanceof SipUri u && u.user() != null) {
        return u.user();
      }
    } catch (RuntimeException e) {
      // unreadable URI: show it as written
    }
    return sip.requestUriText();
  }

  /** The user part of the To URI, or empty. */
  String toUser() {
    try {
      return sip.to() != null && sip.to().uri() instanceof SipUri u && u.user() != null
          ? u.user()
          : "";
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The first Digest header of this name, parsed, or {@code null}. */
  AuthHeader digest(HeaderName name) {
    String v = sip.header(name);
    if (v == null) {
      return null;
    }
    return AuthHeaderParser.parse(v) instanceof AuthParse.Parsed p && p.header().isDigest()
        ? p.header()
        : null;
  }

  /** The audio codecs of the SDP body (names from a=rtpmap or RFC 3551), empty if none. */
  List<String> codecs() {
    List<String> out = new ArrayList<>();
    String type = sip.contentType();
    if (sip.bodyLength() == 0
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
      return out;
    }
    SdpResult r = new SdpParser().parse(sip.body());
    if (!r.ok()) {
      return out;
    }
    for (MediaDescription md : r.description().media()) {
      if (!md.media().equals("audio") || md.port() == 0) {
        continue;
      }
      for (String f : md.formats()) {
        String name = "PT " + f;
        try {
          name = md.rtpmap(Integer.parseInt(f)).map(RtpMap::encodingName).orElse(name);
        } catch (NumberFormatException e) {
          // a non-RTP format: keep it as written
        }
        if (!out.contains(name)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** {@code 0.282 s}. */
  static String seconds(long micros) {
    return String.format(Locale.ROOT, "%.3f s", micros / 1e6);
  }
}
