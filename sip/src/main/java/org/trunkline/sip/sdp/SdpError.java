package org.trunkline.sip.sdp;

import java.util.Objects;

/**
 * Why a body is not a usable session description, and where: the value {@link SdpParser} returns
 * instead of throwing. Immutable and thread-safe.
 *
 * @param kind what went wrong, one of a closed set so that callers map kinds, not texts
 * @param line 1-based line number, or 0 when the body as a whole is wrong ({@link Kind#TOO_LARGE})
 * @param column 1-based byte column within the line (the type letter is column 1, the value starts
 *     at column 3), or 0 with line 0
 * @param message what was found, for logs and for the reason phrase of a rejection
 */
public record SdpError(Kind kind, int line, int column, String message) {

  /** The closed set of failures. */
  public enum Kind {
    /** The body is longer than {@link SdpLimits#maxBytes()}. */
    TOO_LARGE,
    /** The body has more lines than {@link SdpLimits#maxLines()}. */
    TOO_MANY_LINES,
    /** A line is longer than {@link SdpLimits#maxLineLength()}. */
    LINE_TOO_LONG,
    /** More {@code m=} lines than {@link SdpLimits#maxMediaSections()}. */
    TOO_MANY_MEDIA,
    /** A NUL byte, or a CR not followed by LF (RFC 8866 §5: text never holds them). */
    INVALID_CHARACTER,
    /** A line without {@code =} after its type letter. */
    MISSING_EQUALS,
    /** The type before {@code =} is not exactly one letter. */
    BAD_TYPE,
    /** The body is empty or does not start with {@code v=}. */
    MISSING_VERSION,
    /** {@code v=} is not {@code 0}. */
    BAD_VERSION,
    /** The second line is not {@code o=}. */
    MISSING_ORIGIN,
    /** {@code o=} does not have its six fields, or sess-version is not a number. */
    BAD_ORIGIN,
    /** A {@code c=} line that is not {@code nettype addrtype address} with a valid address. */
    BAD_CONNECTION,
    /** A media description with a non-zero port has no {@code c=} and the session has none. */
    MISSING_CONNECTION,
    /** An {@code m=} line without media, port, proto and at least one format. */
    BAD_MEDIA,
    /** An {@code m=} port (or port count) that is not a number from 0 to 65535. */
    BAD_PORT,
    /** A session-level line ({@code s= t= r= z= u= e= p=}) inside a media description. */
    LINE_ORDER,
    /** A second {@code v=}, {@code o=}, {@code c=} at one level, or conflicting directions. */
    DUPLICATE_LINE
  }

  public SdpError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** For logs: {@code BAD_PORT at line 5 col 9: m= port must be 0-65535, got 'abc'}. */
  @Override
  public String toString() {
    return kind + " at line " + line + " col " + column + ": " + message;
  }
}
