package org.trunkline.sip;

/**
 * Every way a SIP message can be refused, with the status it is answered with. This enum is the one
 * table: nobody invents a status code where a failure is found (RFC 3261 §8.2, §21.4).
 *
 * <p>A reason containing {@code %s} is completed with the header name of the {@link ParseError}.
 */
public enum ErrorKind {
  /** §18.1.1 / §21.5.14: larger than {@link ParseLimits#maxMessageBytes()}. */
  MESSAGE_TOO_LARGE(513, "Message Too Large"),
  TOO_MANY_HEADERS(400, "Too Many Headers"),
  LINE_TOO_LONG(400, "Line Too Long"),
  TOO_MANY_VALUES(400, "Too Many %s Values"),
  /** The datagram or frame ends before the empty line that ends the headers. */
  INCOMPLETE(400, "Incomplete Message"),
  BAD_REQUEST_LINE(400, "Bad Request Line"),
  BAD_STATUS_LINE(400, "Bad Status Line"),
  BAD_METHOD(400, "Bad Method"),
  BAD_REQUEST_URI(400, "Bad Request-URI"),
  /** §8.2.2.1: a scheme we do not serve in the Request-URI. */
  UNSUPPORTED_URI_SCHEME(416, "Unsupported URI Scheme"),
  /** §8.1.3.1 / §21.5.15: only SIP/2.0 is spoken. */
  VERSION_NOT_SUPPORTED(505, "Version Not Supported"),
  /** A line in the header section that is not {@code name: value}. */
  BAD_HEADER_LINE(400, "Bad Header Line"),
  BAD_HEADER(400, "Bad %s"),
  MISSING_HEADER(400, "Missing %s"),
  /** A header that allows one value appears more than once (RFC 4475 §3.3.11 multi01). */
  DUPLICATE_HEADER(400, "Multiple %s Values"),
  /** §8.1.1.7: the CSeq method must match the request method. */
  CSEQ_METHOD_MISMATCH(400, "CSeq Method Does Not Match"),
  /** §18.3: a Content-Length larger than the datagram. */
  CONTENT_LENGTH_EXCEEDS_MESSAGE(400, "Content-Length Larger Than Message"),
  /** §18.3 / §20.14: streams need Content-Length to frame messages. */
  MISSING_CONTENT_LENGTH(400, "Missing Content-Length"),
  /** §16.3 item 2 / §8.2.2.2: Max-Forwards reached 0 on a request that would be forwarded. */
  TOO_MANY_HOPS(483, "Too Many Hops"),
  /** §8.2.2.3: a Require option we do not support. */
  BAD_EXTENSION(420, "Bad Extension"),
  /** §8.2.3: a body type we cannot process. */
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type");

  private final int status;
  private final String reason;

  ErrorKind(int status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  /** The SIP status code this failure is answered with. */
  public int status() {
    return status;
  }

  /** The reason phrase, completed with {@code header} where the kind names one. */
  public String reason(String header) {
    return reason.contains("%s")
        ? reason.replace("%s", header == null ? "Header" : header)
        : reason;
  }
}
