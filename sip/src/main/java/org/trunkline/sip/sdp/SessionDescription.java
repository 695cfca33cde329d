package org.trunkline.sip.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A session description (RFC 8866 §5): the session-level lines ({@code v o s i u e p c b t r z k
 * a}, and unknown ones) followed by the {@link MediaDescription}s.
 *
 * <p><b>Immutable, edited by copy.</b> Every {@code with...} method returns a new description that
 * shares every untouched line with this one; the lines it changes are re-encoded, the rest are
 * written back byte for byte by {@link SdpWriter}. Immutability was chosen over a mutable edit
 * object because a B2BUA keeps both sides of an exchange at once: the offer as received (to match
 * the answer against it, RFC 3264 §6) and the rewritten copy sent to the other leg, and may hand
 * either to the media, CDR and trace code on other threads. Sharing lines makes a copy cost one
 * small list, not a body. Instances are thread-safe and may be shared freely.
 *
 * <p>Parsed descriptions always have {@code v=} first and {@code o=} second; {@code s=} and {@code
 * t=} may be missing (see {@link SdpParser}).
 */
public final class SessionDescription {
  private static final String KNOWN_TYPES = "vosiuepcbtrzkam";

  private final List<SdpLine> lines; // session level: v= first, o= second
  private final List<MediaDescription> media;
  private final byte[] tail; // blank lines after the last line; never modified
  private final byte[] eol; // line end for added lines: the v= line's, else CRLF

  SessionDescription(List<SdpLine> lines, List<MediaDescription> media, byte[] tail, byte[] eol) {
    this.lines = List.copyOf(lines);
    Direction d = Lines.direction(this.lines).orElse(Direction.SENDRECV);
    this.media = media.stream().map(m -> m.inheriting(d)).toList();
    this.tail = tail;
    this.eol = eol;
  }

  /** The {@code o=} line. */
  public Origin origin() {
    return Origin.parse(Lines.first(lines, 'o').orElseThrow().value()).value();
  }

  /** The {@code s=} text, absent if the line is missing. */
  public Optional<String> sessionName() {
    return Lines.first(lines, 's').map(SdpLine::value);
  }

  /** The session-level {@code c=} line. */
  public Optional<Connection> connection() {
    return Lines.connection(lines);
  }

  /** The session-level lines in order, {@code v=} first, unknown ones included. */
  public List<SdpLine> lines() {
    return lines;
  }

  /** The media descriptions in order. */
  public List<MediaDescription> media() {
    return media;
  }

  /** The session-level attributes in order. */
  public List<Attribute> attributes() {
    return Lines.attributes(lines);
  }

  /** The session-level attributes named {@code name}, in order. */
  public List<Attribute> attributes(String name) {
    return Lines.attributes(lines, name);
  }

  /** The first session-level attribute named {@code name}. */
  public Optional<Attribute> attribute(String name) {
    return attributes(name).stream().findFirst();
  }

  /** The session-level direction attribute, else sendrecv (RFC 8866 §6.7). */
  public Direction direction() {
    return Lines.direction(lines).orElse(Direction.SENDRECV);
  }

  /**
   * True if a line has a type letter RFC 8866 does not define. Such lines are carried verbatim; RFC
   * 8866 §5 says a parser "MUST completely ignore or reject" such a description, so a caller that
   * acts on the description (rather than relaying it) should reject it, e.g. with 488.
   */
  public boolean hasUnknownLineTypes() {
    return allLines().stream().anyMatch(l -> KNOWN_TYPES.indexOf(l.type()) < 0);
  }

  /** The body: untouched lines as received, changed ones re-encoded. */
  public byte[] toBytes() {
    return SdpWriter.toBytes(this);
  }

  /** With this {@code o=} line. */
  public SessionDescription withOrigin(Origin origin) {
    return withLines(Lines.set(lines, 'o', origin.value(), "v", eol));
  }

  /** With sess-version one higher, as RFC 3264 §8 asks of every changed offer. */
  public SessionDescription withNextVersion() {
    return withOrigin(origin().nextVersion());
  }

  /** With this session-level {@code c=} line, replacing the present one or added in RFC order. */
  public SessionDescription withConnection(Connection c) {
    return withLines(Lines.set(lines, 'c', c.value(), Lines.BEFORE_SESSION_CONNECTION, eol));
  }

  /**
   * With every {@code c=} line, session and media level, set to {@code c}: what anchoring all media
   * at one relay address needs. If there is no {@code c=} line at all, one is added at session
   * level. Ports are set per media description with {@link MediaDescription#withPort(int)}.
   */
  public SessionDescription withAllConnections(Connection c) {
    String v = c.value();
    List<MediaDescription> ms =
        media.stream().map(m -> m.connection().isPresent() ? m.withConnection(c) : m).toList();
    boolean anywhere =
        connection().isPresent() || media.stream().anyMatch(m -> m.connection().isPresent());
    List<SdpLine> ls =
        anywhere
            ? Lines.replaceAll(lines, 'c', v)
            : Lines.set(lines, 'c', v, Lines.BEFORE_SESSION_CONNECTION, eol);
    return new SessionDescription(ls, ms, tail, eol);
  }

  /** With exactly one session-level direction attribute (media-level ones still win). */
  public SessionDescription withDirection(Direction d) {
    return withLines(Lines.withDirection(lines, d, eol));
  }

  /**
   * With {@code a} added after the last session-level attribute.
   *
   * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or NUL
   */
  public SessionDescription withAttribute(Attribute a) {
    return withLines(Lines.addAttribute(lines, a.toLine(eol)));
  }

  /** Without any session-level attribute named {@code name}. */
  public SessionDescription withoutAttribute(String name) {
    return withLines(Lines.removeAttributes(lines, a -> a.name().equals(name)));
  }

  /** With media description {@code index} replaced. */
  public SessionDescription withMedia(int index, MediaDescription m) {
    Objects.checkIndex(index, media.size());
    List<MediaDescription> ms = new ArrayList<>(media);
    ms.set(index, Objects.requireNonNull(m, "m"));
    return new SessionDescription(lines, ms, tail, eol);
  }

  /** With media description {@code index} edited: {@code sdp.withMedia(0, m -> m.withPort(0))}. */
  public SessionDescription withMedia(int index, UnaryOperator<MediaDescription> edit) {
    Objects.checkIndex(index, media.size());
    return withMedia(index, edit.apply(media.get(index)));
  }

  private SessionDescription withLines(List<SdpLine> newLines) {
    return new SessionDescription(newLines, media, tail, eol);
  }

  /** Session lines, then each media description's, in body order. */
  List<SdpLine> allLines() {
    List<SdpLine> all = new ArrayList<>(lines);
    media.forEach(m -> all.addAll(m.lines()));
    return all;
  }

  byte[] tail() {
    return tail;
  }

  byte[] eol() {
    return eol;
  }

  /** The body as text (UTF-8), for logs and tests. */
  @Override
  public String toString() {
    return new String(toBytes(), StandardCharsets.UTF_8);
  }
}
