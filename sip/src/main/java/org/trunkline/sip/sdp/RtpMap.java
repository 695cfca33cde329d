package org.trunkline.sip.sdp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]} attribute
 * (RFC 8866 §6.6), or a static payload type of RFC 3551 §6 that needs no such line. Immutable and
 * thread-safe.
 *
 * @param payloadType 0 to 127
 * @param encodingName as written, e.g. {@code PCMU}, {@code telephone-event}; compare it ignoring
 *     case (RFC 4855 §3: media subtype names are case-insensitive)
 * @param clockRate in Hz, positive
 * @param channels the encoding parameters of an audio codec: its channel count, when given
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, OptionalInt channels) {

  /** RFC 3551 §6 table 4 and 5: the static payload types that trunks still send bare. */
  private static final List<RtpMap> STATIC =
      List.of(
          fixed(0, "PCMU", 8000),
          fixed(3, "GSM", 8000),
          fixed(4, "G723", 8000),
          fixed(5, "DVI4", 8000),
          fixed(6, "DVI4", 16000),
          fixed(7, "LPC", 8000),
          fixed(8, "PCMA", 8000),
          fixed(9, "G722", 8000),
          new RtpMap(10, "L16", 44100, OptionalInt.of(2)),
          fixed(11, "L16", 44100),
          fixed(12, "QCELP", 8000),
          fixed(13, "CN", 8000),
          fixed(14, "MPA", 90000),
          fixed(15, "G728", 8000),
          fixed(16, "DVI4", 11025),
          fixed(17, "DVI4", 22050),
          fixed(18, "G729", 8000),
          fixed(25, "CelB", 90000),
          fixed(26, "JPEG", 90000),
          fixed(28, "nv", 90000),
          fixed(31, "H261", 90000),
          fixed(32, "MPV", 90000),
          fixed(33, "MP2T", 90000),
          fixed(34, "H263", 90000));

  /**
   * @throws IllegalArgumentException if the payload type is not 0-127, the clock rate not positive
   *     or the name not a single field without {@code /}
   */
  public RtpMap {
    Objects.requireNonNull(encodingName, "encodingName");
    Objects.requireNonNull(channels, "channels");
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("rtpmap payload type must be 0-127, got " + payloadType);
    }
    if (clockRate <= 0) {
      throw new IllegalArgumentException("rtpmap clock rate must be > 0, got " + clockRate);
    }
    if (!Tokens.field(encodingName) || encodingName.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "rtpmap encoding name must be one field, got " + Tokens.quote(encodingName));
    }
    if (channels.isPresent() && channels.getAsInt() < 1) {
      throw new IllegalArgumentException("rtpmap channels must be >= 1, got " + channels);
    }
  }

  private static RtpMap fixed(int pt, String name, int rate) {
    return new RtpMap(pt, name, rate, OptionalInt.empty());
  }

  /** The RFC 3551 static assignment for {@code payloadType}, if it has one. */
  public static Optional<RtpMap> ofStatic(int payloadType) {
    return STATIC.stream().filter(m -> m.payloadType == payloadType).findFirst();
  }

  /** The attribute for this mapping, e.g. {@code rtpmap:101 telephone-event/8000}. */
  public Attribute toAttribute() {
    String v = payloadType + " " + encodingName + "/" + clockRate;
    return Attribute.of("rtpmap", channels.isPresent() ? v + "/" + channels.getAsInt() : v);
  }

  /**
   * Reads an rtpmap attribute value; empty if it is malformed. A broken rtpmap does not fail the
   * description (it cannot misroute media); the line is carried and the codec counts as unknown.
   */
  static Optional<RtpMap> parse(String value) {
    List<Tokens.Token> t = Tokens.split(value);
    if (t.size() != 2) {
      return Optional.empty();
    }
    int pt = Tokens.parseUnsigned(t.get(0).text(), 127);
    String[] enc = t.get(1).text().split("/", -1);
    if (pt < 0 || enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
      return Optional.empty();
    }
    int rate = Tokens.parseUnsigned(enc[1], Integer.MAX_VALUE);
    int ch = enc.length == 3 ? Tokens.parseUnsigned(enc[2], 255) : 0;
    if (rate < 1 || enc.length == 3 && ch < 1) {
      return Optional.empty();
    }
    OptionalInt channels = enc.length == 3 ? OptionalInt.of(ch) : OptionalInt.empty();
    return Optional.of(new RtpMap(pt, enc[0], rate, channels));
  }
}
