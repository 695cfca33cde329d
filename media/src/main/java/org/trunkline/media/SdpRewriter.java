package org.trunkline.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.trunkline.sip.sdp.Attribute;
import org.trunkline.sip.sdp.Connection;
import org.trunkline.sip.sdp.MediaDescription;
import org.trunkline.sip.sdp.RtpMap;
import org.trunkline.sip.sdp.SdpParser;
import org.trunkline.sip.sdp.SdpResult;
import org.trunkline.sip.sdp.SessionDescription;

/**
 * Writes the SDP one leg gets from the other's (RFC 3264): every {@code c=} and the {@code o=}
 * address become the relay's, each {@code m=} port the relay's port on that leg, {@code a=rtcp}
 * follows, ICE lines are dropped (the relay is the only candidate), {@code a=crypto} and everything
 * else is left as it is. Offers are filtered and ordered by the receiving trunk's {@link
 * CodecPolicy}; answers are renumbered to the payload types of the offer they answer (RFC 3264 §6.1
 * SHOULD), which the relay then maps in the packets. Stateless.
 */
final class SdpRewriter {
  private static final SdpParser PARSER = new SdpParser();
  private static final Set<String> ICE =
      Set.of(
          "candidate",
          "remote-candidates",
          "ice-ufrag",
          "ice-pwd",
          "ice-options",
          "ice-lite",
          "ice-mismatch",
          "end-of-candidates");
  private static final Set<String> PER_FORMAT = Set.of("rtpmap", "fmtp", "rtcp-fb");

  private SdpRewriter() {}

  /** Parses a body. */
  static SessionDescription parse(String callId, Leg from, byte[] body) {
    SdpResult r = PARSER.parse(body);
    if (!r.ok()) {
      throw new MediaException(488, "call " + callId + ": SDP from leg " + from + ": " + r.error());
    }
    return r.description();
  }

  /** Which formats of {@code m} survive {@code policy}, in the policy's order. */
  static List<String> filter(MediaDescription m, CodecPolicy policy) {
    if (policy.isAny() || !StreamSignal.of(null, m).isRtp()) {
      return m.formats();
    }
    List<String> kept = new ArrayList<>();
    for (String f : m.formats()) {
      Optional<String> enc = encoding(m, f);
      if (enc.map(policy::admits).orElse(policy.allow().isEmpty())) {
        kept.add(f);
      }
    }
    kept.sort(Comparator.comparingInt(f -> encoding(m, f).map(policy::rank).orElse(1 << 20)));
    return kept;
  }

  private static Optional<String> encoding(MediaDescription m, String format) {
    try {
      return m.rtpmap(Integer.parseInt(format)).map(RtpMap::encodingName);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The description for the receiving leg.
   *
   * @param ports the relay's RTP port on the receiving leg per media index; 0 rejects the stream
   * @param policy the receiving trunk's codecs (offers), or null (answers)
   * @param offer for an answer: the offer the receiving leg made, to renumber to; else null
   */
  static SessionDescription rewrite(
      SessionDescription in,
      String advertised,
      int[] ports,
      CodecPolicy policy,
      SessionDescription offer) {
    SessionDescription out = in;
    for (int i = 0; i < in.media().size(); i++) {
      MediaDescription m = in.media().get(i);
      if (m.port() == 0 || ports[i] == 0) {
        if (m.port() != 0) {
          out = out.withMedia(i, m.withPort(0));
        }
        continue;
      }
      if (policy != null) {
        List<String> kept = filter(m, policy);
        if (kept.isEmpty()) {
          out = out.withMedia(i, m.withPort(0)); // nothing the trunk takes: stream refused
          continue;
        }
        List<String> gone = m.formats().stream().filter(f -> !kept.contains(f)).toList();
        m = (gone.isEmpty() ? m : m.withoutFormats(gone)).withFormats(kept);
      }
      if (offer != null && i < offer.media().size()) {
        m = renumber(m, offer.media().get(i));
      }
      m = m.withPort(ports[i]);
      for (String a : ICE) {
        m = m.withoutAttribute(a);
      }
      if (m.attribute("rtcp").isPresent()) {
        Connection c = Connection.of(advertised);
        String rtcp = (ports[i] + 1) + " IN " + c.addrType() + " " + advertised;
        m = m.withoutAttribute("rtcp").withAttribute(Attribute.of("rtcp", rtcp));
      }
      out = out.withMedia(i, m);
    }
    for (String a : ICE) {
      out = out.withoutAttribute(a);
    }
    Connection c = Connection.of(advertised);
    return out.withAllConnections(c)
        .withOrigin(out.origin().withUnicastAddress(c.addrType(), advertised));
  }

  /**
   * The answer's payload types changed to the ones the offer used for the same codec. SRTP streams
   * are left alone: the payload type is under the SRTP authentication tag.
   */
  static MediaDescription renumber(MediaDescription answer, MediaDescription offer) {
    StreamSignal a = StreamSignal.of(null, answer);
    if (!a.isRtp() || a.isSrtp()) {
      return answer;
    }
    Map<Integer, Integer> map = payloadMap(a, StreamSignal.of(null, offer));
    if (map.isEmpty()) {
      return answer;
    }
    List<String> formats = answer.formats().stream().map(f -> rename(f, map)).toList();
    List<Attribute> perFormat =
        answer.attributes().stream().filter(x -> PER_FORMAT.contains(x.name())).toList();
    MediaDescription m = answer.withFormats(formats);
    for (String n : PER_FORMAT) {
      m = m.withoutAttribute(n);
    }
    for (Attribute x : perFormat) {
      String v = x.hasValue() ? x.value() : "";
      int sp = v.indexOf(' ');
      String first = sp < 0 ? v : v.substring(0, sp);
      m =
          m.withAttribute(
              Attribute.of(x.name(), rename(first, map) + (sp < 0 ? "" : v.substring(sp))));
    }
    return m;
  }

  private static String rename(String format, Map<Integer, Integer> map) {
    try {
      Integer to = map.get(Integer.parseInt(format));
      return to == null ? format : to.toString();
    } catch (NumberFormatException e) {
      return format;
    }
  }

  /**
   * For each payload type of {@code from} whose codec {@code to} numbers differently, that number;
   * only changes are listed, and a number {@code from} already uses for another codec is not taken.
   */
  static Map<Integer, Integer> payloadMap(StreamSignal from, StreamSignal to) {
    Map<Integer, Integer> map = new HashMap<>();
    for (var e : from.payloads().entrySet()) {
      for (var t : to.payloads().entrySet()) {
        if (sameCodec(e.getValue(), t.getValue())) {
          int target = t.getKey();
          if (target != e.getKey()
              && !(from.payloads().containsKey(target)
                  && !sameCodec(from.payloads().get(target), t.getValue()))) {
            map.put(e.getKey(), target);
          }
          break;
        }
      }
    }
    return map;
  }

  static boolean sameCodec(RtpMap x, RtpMap y) {
    return x.encodingName().equalsIgnoreCase(y.encodingName())
        && x.clockRate() == y.clockRate()
        && x.channels().orElse(1) == y.channels().orElse(1);
  }
}
