package org.trunkline.sip.sdp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SequencedMap;
import java.util.Set;

/**
 * One media description: an {@code m=} line and the {@code i= c= b= k= a=} lines (and any unknown
 * lines) after it, in the order received. Immutable and thread-safe; obtained from {@link
 * SessionDescription#media()}, edited with the {@code with...} methods and put back with {@link
 * SessionDescription#withMedia(int, MediaDescription)}.
 *
 * <p>{@link #direction()} falls back on the session's direction: a description carries the
 * session-level direction it was taken from, and {@link SessionDescription} refreshes it whenever
 * it is built.
 */
public final class MediaDescription {
  private final MediaLine m;
  private final List<SdpLine> lines; // the m= line first
  private final Direction inherited;
  private final byte[] eol; // for lines this description adds; never modified

  MediaDescription(MediaLine m, List<SdpLine> lines, Direction inherited, byte[] eol) {
    this.m = m;
    this.lines = List.copyOf(lines);
    this.inherited = inherited;
    this.eol = eol;
  }

  MediaDescription inheriting(Direction sessionDirection) {
    return sessionDirection == inherited
        ? this
        : new MediaDescription(m, lines, sessionDirection, eol);
  }

  /** {@code audio}, {@code video}, {@code image}, ... as written. */
  public String media() {
    return m.media();
  }

  /** The transport port; 0 means the stream is rejected or disabled (RFC 3264 §5.1). */
  public int port() {
    return m.port();
  }

  /** The number of ports after {@code /}, when given. */
  public OptionalInt portCount() {
    return m.portCount() > 0 ? OptionalInt.of(m.portCount()) : OptionalInt.empty();
  }

  /** {@code RTP/AVP}, {@code RTP/SAVPF}, {@code udptl}, ... as written. */
  public String proto() {
    return m.proto();
  }

  /** The formats in offer order: RTP payload types as decimal strings, or proto-specific names. */
  public List<String> formats() {
    return m.formats();
  }

  /** Every line of this description, the {@code m=} line first, unknown ones included. */
  public List<SdpLine> lines() {
    return lines;
  }

  /** The media-level {@code c=} line; empty when the session-level one applies. */
  public Optional<Connection> connection() {
    return Lines.connection(lines);
  }

  /** Every attribute, in order. */
  public List<Attribute> attributes() {
    return Lines.attributes(lines);
  }

  /** Every attribute named {@code name}, in order (e.g. all {@code candidate} lines). */
  public List<Attribute> attributes(String name) {
    return Lines.attributes(lines, name);
  }

  /** The first attribute named {@code name}. */
  public Optional<Attribute> attribute(String name) {
    return attributes(name).stream().findFirst();
  }

  /** This description's direction attribute, else the session's, else sendrecv (RFC 8866 §6.7). */
  public Direction direction() {
    return Lines.direction(lines).orElse(inherited);
  }

  /**
   * The {@code a=rtpmap} lines by payload type, in line order; malformed ones are left out, and of
   * two for one payload type the first counts.
   */
  public SequencedMap<Integer, RtpMap> rtpmaps() {
    SequencedMap<Integer, RtpMap> out = new LinkedHashMap<>();
    for (Attribute a : attributes("rtpmap")) {
      if (a.hasValue()) {
        RtpMap.parse(a.value()).ifPresent(r -> out.putIfAbsent(r.payloadType(), r));
      }
    }
    return Collections.unmodifiableSequencedMap(out);
  }

  /** The {@code a=rtpmap} for {@code payloadType}, else its RFC 3551 static assignment. */
  public Optional<RtpMap> rtpmap(int payloadType) {
    RtpMap declared = rtpmaps().get(payloadType);
    return declared != null ? Optional.of(declared) : RtpMap.ofStatic(payloadType);
  }

  /** The parameters of {@code a=fmtp:<format> <parameters>}, e.g. {@code 0-16} for DTMF. */
  public Optional<String> fmtp(String format) {
    for (Attribute a : attributes("fmtp")) {
      String v = a.hasValue() ? a.value() : "";
      int sp = v.indexOf(' ');
      String f = sp < 0 ? v : v.substring(0, sp);
      if (f.equals(format)) {
        return Optional.of(sp < 0 ? "" : v.substring(sp + 1).strip());
      }
    }
    return Optional.empty();
  }

  /** {@link #fmtp(String)} for an RTP payload type. */
  public Optional<String> fmtp(int payloadType) {
    return fmtp(Integer.toString(payloadType));
  }

  /** {@code a=ptime} in milliseconds, when present and an integer (RFC 8866 §6.4). */
  public OptionalInt ptime() {
    return attribute("ptime")
        .filter(Attribute::hasValue)
        .map(a -> Tokens.parseUnsigned(a.value().strip(), 100_000))
        .filter(v -> v > 0)
        .map(OptionalInt::of)
        .orElse(OptionalInt.empty());
  }

  /**
   * With another port, e.g. the relay's; the port count and formats stay.
   *
   * @throws IllegalArgumentException unless 0 to 65535, or if a rejected stream that lists no
   *     formats would be given a port (RFC 8866 §9 wants at least one)
   */
  public MediaDescription withPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("m= port must be 0-65535, got " + port);
    }
    if (port != 0 && m.formats().isEmpty()) {
      throw new IllegalArgumentException(
          "m=" + m.media() + " lists no formats; it cannot be given port " + port);
    }
    return withMediaLine(m.withPort(port), lines);
  }

  /** With this media-level {@code c=} line, replacing the present one or added after m= and i=. */
  public MediaDescription withConnection(Connection c) {
    List<SdpLine> out = Lines.set(lines, 'c', c.value(), Lines.BEFORE_MEDIA_CONNECTION, eol);
    return new MediaDescription(m, out, inherited, eol);
  }

  /**
   * Without a media-level {@code c=}, so that the session-level one applies; the caller makes sure
   * the session has one (RFC 8866 §5.7), e.g. with {@link SessionDescription#withConnection}.
   */
  public MediaDescription withoutConnection() {
    return new MediaDescription(m, Lines.removeType(lines, 'c'), inherited, eol);
  }

  /** With exactly one direction attribute, where the first one was or after the last a= line. */
  public MediaDescription withDirection(Direction d) {
    return new MediaDescription(m, Lines.withDirection(lines, d, eol), inherited, eol);
  }

  /**
   * With {@code a} added after the last attribute.
   *
   * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or NUL
   */
  public MediaDescription withAttribute(Attribute a) {
    return new MediaDescription(m, Lines.addAttribute(lines, a.toLine(eol)), inherited, eol);
  }

  /** Without any attribute named {@code name}. */
  public MediaDescription withoutAttribute(String name) {
    List<SdpLine> out = Lines.removeAttributes(lines, a -> a.name().equals(name));
    return new MediaDescription(m, out, inherited, eol);
  }

  /**
   * Without these formats on the {@code m=} line, and without the {@code rtpmap}, {@code fmtp} and
   * {@code rtcp-fb} attributes that name them (RFC 8866 §6.6, RFC 4585 §4.2).
   *
   * @throws IllegalArgumentException if no format would remain: reject the stream with {@code
   *     withPort(0)} instead (RFC 3264 §6)
   */
  public MediaDescription withoutFormats(Collection<String> remove) {
    Set<String> gone = Set.copyOf(remove);
    List<String> kept = m.formats().stream().filter(f -> !gone.contains(f)).toList();
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          "removing " + gone + " would leave m=" + m.media() + " without formats");
    }
    List<SdpLine> out =
        Lines.removeAttributes(
            lines,
            a ->
                (a.name().equals("rtpmap") || a.name().equals("fmtp") || a.name().equals("rtcp-fb"))
                    && a.hasValue()
                    && gone.contains(firstField(a.value())));
    return withMediaLine(m.withFormats(kept), out);
  }

  /**
   * With the {@code m=} line's formats replaced, e.g. reordered by preference (RFC 3264 §5.1: the
   * first is the most preferred) or renumbered; the attribute lines are left as they are, so the
   * caller keeps {@code rtpmap}/{@code fmtp} lines consistent.
   *
   * @throws IllegalArgumentException if {@code formats} is empty on a stream with a port
   */
  public MediaDescription withFormats(List<String> formats) {
    if (formats.isEmpty() && m.port() != 0) {
      throw new IllegalArgumentException("m=" + m.media() + " needs at least one format");
    }
    return withMediaLine(m.withFormats(formats), lines);
  }

  private static String firstField(String value) {
    int sp = value.indexOf(' ');
    return sp < 0 ? value : value.substring(0, sp);
  }

  private MediaDescription withMediaLine(MediaLine newM, List<SdpLine> rest) {
    List<SdpLine> out = new ArrayList<>(rest);
    out.set(0, rest.get(0).withValue(newM.value()));
    return new MediaDescription(newM, out, inherited, eol);
  }

  /** The {@code m=} line and the lines under it, without line ends. */
  @Override
  public String toString() {
    return String.join("\n", lines.stream().map(SdpLine::toString).toList());
  }

  static MediaDescription of(MediaLine m, List<SdpLine> lines, byte[] eol) {
    return new MediaDescription(Objects.requireNonNull(m), lines, Direction.SENDRECV, eol);
  }
}
