package org.trunkline.sip;

/**
 * Why a message (or one header of it) did not parse: a value, never an exception.
 *
 * @param kind what went wrong; its {@link ErrorKind#status()} is the answer
 * @param header the canonical header name involved, or {@code null} for the start line and framing
 * @param line the 1-based line of the message where the problem is (1 = start line), 0 if unknown
 * @param column the 1-based column in that line, 0 if unknown
 */
public record ParseError(ErrorKind kind, String header, int line, int column) {

  /** The status code to answer with. */
  public int status() {
    return kind.status();
  }

  /** A reason phrase naming the problem and where it is, e.g. {@code Bad Via (line 3)}. */
  public String reasonPhrase() {
    String r = kind.reason(header);
    return line > 0 ? r + " (line " + line + ")" : r;
  }

  /** For logs: {@code bad Via at line 3 col 14}. */
  @Override
  public String toString() {
    String r = kind.reason(header);
    // "bad Via", but a reason that starts with a header name keeps it: "CSeq Method Does Not Match"
    boolean named = header != null && r.startsWith(header);
    String s = named ? r : Character.toLowerCase(r.charAt(0)) + r.substring(1);
    return line > 0 ? s + " at line " + line + " col " + column : s;
  }
}
