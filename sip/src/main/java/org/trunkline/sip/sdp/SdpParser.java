package org.trunkline.sip.sdp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parses an SDP body (RFC 8866) from the bytes of a SIP message into a {@link SessionDescription},
 * or an {@link SdpError} naming the line and column. Never throws on any input; the bounds of the
 * array slice are the caller's to get right. Immutable and thread-safe: one instance may serve
 * every event loop.
 *
 * <p>The body is copied once (the caller's buffer may be reused); lines keep slices of the copy so
 * that unchanged lines are written back byte for byte, line ends (CRLF, bare LF, none on the last
 * line) and blank lines included.
 *
 * <p><b>Strict</b> where a wrong reading would misroute media or lose track of the session:
 *
 * <ul>
 *   <li>{@code v=0} first and {@code o=} second, both once; sess-version a number (it is bumped);
 *   <li>{@code c=}: exactly {@code nettype addrtype address}, the address valid for its type (a
 *       dotted quad without leading zeros, an IPv6 literal or a host name), at most one per level
 *       (RFC 8866 §5.7 allows more only for layered multicast, which a trunk never sends);
 *   <li>{@code m=}: a port 0-65535 and at least one format unless the port is 0;
 *   <li>every media description with a non-zero port has a {@code c=} of its own or the session's
 *       (RFC 8866 §5.7);
 *   <li>at most one distinct direction attribute per level (RFC 3264 §5.1);
 *   <li>session-only lines ({@code s u e p t r z}) may not appear inside a media description.
 * </ul>
 *
 * <p><b>Lenient</b> where real equipment is sloppy and nothing is misread: a missing {@code s=} or
 * {@code t=} (both required by RFC 8866 §5, but some gateways omit them and neither matters to a
 * relay: {@link SessionDescription#sessionName()} is then empty and the writer adds nothing); bare
 * LF line ends; a last line without a line end; blank lines; runs of spaces between fields and
 * trailing spaces (also after {@code v=0} and direction attributes); lines out of RFC order within
 * a level; unknown attributes and malformed {@code rtpmap}/{@code fmtp} values (carried, RFC 8866
 * §5: ignore attributes not understood). Lines with a type letter RFC 8866 does not define are
 * carried verbatim too, and flagged by {@link SessionDescription#hasUnknownLineTypes()} for callers
 * that must follow RFC 8866 §5 and reject.
 */
public final class SdpParser {
  private final SdpLimits limits;

  /** A parser with {@link SdpLimits#DEFAULTS}. */
  public SdpParser() {
    this(SdpLimits.DEFAULTS);
  }

  public SdpParser(SdpLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The limits this parser enforces. */
  public SdpLimits limits() {
    return limits;
  }

  /** Parses the whole array. */
  public SdpResult parse(byte[] buf) {
    return parse(buf, 0, buf.length);
  }

  /**
   * Parses {@code length} bytes of {@code buf} from {@code offset}, e.g. a SIP message's body.
   *
   * @throws IndexOutOfBoundsException if the range is outside {@code buf} (a caller bug, never
   *     input)
   */
  public SdpResult parse(byte[] buf, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, buf.length);
    if (length > limits.maxBytes()) {
      return new SdpResult.Failed(
          new SdpError(
              SdpError.Kind.TOO_LARGE,
              0,
              0,
              "body is " + length + " bytes, limit " + limits.maxBytes()));
    }
    byte[] src = Arrays.copyOfRange(buf, offset, offset + length);
    SdpLexer lexer = new SdpLexer(src, limits);
    SdpError error = lexer.run();
    if (error != null) {
      return new SdpResult.Failed(error);
    }
    return new SdpStructure(lexer, limits).build();
  }
}
