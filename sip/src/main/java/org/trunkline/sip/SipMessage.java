package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A SIP request or response over its raw bytes, as the scanner left it: the start line and the
 * routing headers (top Via and its branch, From/To tags, Call-ID, CSeq, Max-Forwards, Route,
 * Content-Length) are indexed; every other header stays raw until asked for.
 *
 * <p>A message that failed to parse is still a message: {@link #error()} says why, and every header
 * that was scanned before and after the failure is still reachable, so the stack can answer {@code
 * 400} with the original Via, tags, Call-ID and CSeq.
 *
 * <p>Immutable once returned by {@link SipParser}; the byte array must not be changed afterwards.
 * Safe to read from any thread once safely published. Edits go through {@link #edit()}.
 */
public final class SipMessage {
  // Stride of the header index: line start (= name start), name end, the byte after the colon,
  // line end (after the line's LF), and the known name's id (HeaderName.id, 0 for an unknown name:
  // an int, so the index is one array of ints). The value's bounds (LWS after the colon and
  // before the line end stepped over) are not kept: the scan reads them only for the routing
  // headers, and valueStart/valueEnd find them from the colon and the line end when asked, a
  // step over the usual one SP and the CRLF. The line number is not kept: only errors need it,
  // and headerLine counts it.
  static final int STRIDE = 5;
  static final int LINE_START = 0;
  static final int NAME_END = 1;
  static final int AFTER_COLON = 2;
  static final int LINE_END = 3;
  static final int NAME_ID = 4;

  final byte[] buf;
  int start;
  int end;
  boolean request;
  SipMethod method;
  int uriStart;
  int uriEnd;
  int status;
  int reasonStart;
  int reasonEnd;
  int startLineEnd;

  int headerCount;
  int[] hdr = new int[16 * STRIDE];
  int bodyStart;
  int bodyEnd;

  int via = -1;
  int viaCount;
  int from = -1;
  int to = -1;
  int callId = -1;
  int cseq = -1;
  int maxForwardsHeader = -1;
  int route = -1;
  int contentLengthHeader = -1;
  int contentTypeHeader = -1;
  long cseqNumber = -1;
  SipMethod cseqMethod;
  int maxForwards = -1;
  int contentLength = -1;
  int fromTagStart = -1;
  int fromTagEnd;
  int toTagStart = -1;
  int toTagEnd;
  int branchStart = -1;
  int branchEnd;
  ParseError error;
  // Typed values the validator built while checking (see Typed); the accessors reuse them.
  private Typed[] typed;
  private int typedCount;
  // A routing-header problem found during the scan, reported after it (RoutingIndex.finish).
  ParseError deferred;
  int deferredRank = Integer.MAX_VALUE;
  // The routing values as Strings, made at the first ask and reused (issue 6: the stack, the call
  // and the responses each asked for the Call-ID, a new String every time). Racy but benign: a
  // String is immutable, and two threads asking at once each make an equal one.
  private String callIdText;
  private String fromTagText;
  private String toTagText;
  private String branchText;
  private String fromText;
  private String toText;
  private String cseqText;
  private String viaText;

  SipMessage(byte[] buf, int start, int end) {
    this.buf = buf;
    this.start = start;
    this.end = end;
  }

  /** {@code null} when the message parsed; otherwise the first problem found. */
  public ParseError error() {
    return error;
  }

  public boolean isOk() {
    return error == null;
  }

  public boolean isRequest() {
    return request;
  }

  /** The request method, or {@code null} for a response or an unreadable start line. */
  public SipMethod method() {
    return method;
  }

  /** The Request-URI as written, or {@code null} for a response. */
  public String requestUriText() {
    return request && uriEnd > uriStart ? ascii(uriStart, uriEnd) : null;
  }

  /** The parsed Request-URI; throws {@link SipParseException} if it does not parse. */
  public Uri requestUri() {
    Object kept = kept(uriStart, uriEnd, Typed.URI);
    return kept != null ? (Uri) kept : UriParser.parse(buf, uriStart, uriEnd);
  }

  /** The status code of a response, 0 for a request. */
  public int status() {
    return status;
  }

  /** The reason phrase of a response, decoded as UTF-8 (RFC 4475 unreason); may be empty. */
  public String reason() {
    return request ? null : utf8(reasonStart, reasonEnd);
  }

  // ---- the routing index ----

  /** The Call-ID value, or {@code null} if absent. */
  public String callId() {
    String s = callIdText;
    if (s == null && callId >= 0) {
      s = callIdText = value(callId);
    }
    return s;
  }

  /** The CSeq number, or -1 if absent or unreadable. */
  public long cseqNumber() {
    return cseqNumber;
  }

  /** The CSeq method, or {@code null} if absent or unreadable. */
  public SipMethod cseqMethod() {
    return cseqMethod;
  }

  /** The From tag, or {@code null} if there is none. */
  public String fromTag() {
    String s = fromTagText;
    if (s == null && fromTagStart >= 0) {
      s = fromTagText = ascii(fromTagStart, fromTagEnd);
    }
    return s;
  }

  /** The To tag, or {@code null} if there is none (a dialog-creating request). */
  public String toTag() {
    String s = toTagText;
    if (s == null && toTagStart >= 0) {
      s = toTagText = ascii(toTagStart, toTagEnd);
    }
    return s;
  }

  /** The branch parameter of the top Via, or {@code null} if there is none (RFC 2543 peer). */
  public String topViaBranch() {
    String s = branchText;
    if (s == null && branchStart >= 0) {
      s = branchText = ascii(branchStart, branchEnd);
    }
    return s;
  }

  /** The Max-Forwards value, or -1 if absent. */
  public int maxForwards() {
    return maxForwards;
  }

  /** The Content-Length value, or -1 if absent. */
  public int contentLength() {
    return contentLength;
  }

  /** How many Via values the message carries. */
  public int viaCount() {
    return viaCount;
  }

  /** Whether the message has a Route header. */
  public boolean hasRoute() {
    return route >= 0;
  }

  // ---- raw headers ----

  /** The number of header lines (a folded line counts once). */
  public int headerCount() {
    return headerCount;
  }

  /** The known name of header line {@code i}, or a new unknown name. */
  public HeaderName headerName(int i) {
    HeaderName n = knownName(checkIndex(i));
    return n != null
        ? n
        : HeaderName.of(ascii(hdr[i * STRIDE + LINE_START], hdr[i * STRIDE + NAME_END]));
  }

  /** The value of header line {@code i}, folds replaced by one space, decoded as UTF-8. */
  public String headerValue(int i) {
    if (i == via && via >= 0) {
      // the top Via line: every response we build to this request copies it (made once)
      String s = viaText;
      return s != null ? s : (viaText = value(via));
    }
    return value(checkIndex(i));
  }

  /**
   * Where the value of header line {@code i} starts in {@link #array()}: after the colon and the
   * LWS after it. With {@link #rawValueEnd} the bounds of the value's bytes as they came, for a
   * writer that copies a value without making a String: {@link #headerValue} is these bytes decoded
   * as UTF-8 with each fold (CRLF and the whitespace around it) replaced by one space, so where
   * they are ASCII without CR or LF they are exactly the UTF-8 bytes of {@code headerValue(i)}. Any
   * thread.
   */
  public int rawValueStart(int i) {
    return valueStart(checkIndex(i));
  }

  /**
   * Where the value of header line {@code i} ends in {@link #array()} (exclusive): before the
   * whitespace and the CRLF that end its line. See {@link #rawValueStart}.
   */
  public int rawValueEnd(int i) {
    return valueEnd(checkIndex(i));
  }

  /** The 1-based message line header {@code i} starts on. */
  public int headerLine(int i) {
    int lineStart = hdr[checkIndex(i) * STRIDE + LINE_START];
    // the start line is line 1, and every line before this one ends with an LF (§7: folds too)
    int line = 1;
    for (int p = start; p < lineStart; p++) {
      if (buf[p] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The index of the first header line named {@code name}, or -1. */
  public int indexOf(HeaderName name) {
    return indexOf(name, 0);
  }

  /** The index of the next header line named {@code name} at or after {@code from}, or -1. */
  public int indexOf(HeaderName name, int from) {
    int id = name.id;
    for (int i = from; i < headerCount; i++) {
      int lineId = hdr[i * STRIDE + NAME_ID];
      // a known name has an id > 0; an unknown one (id 0) is compared by its bytes
      if (id != 0
          ? lineId == id
          : lineId == 0 && name.matches(buf, hdr[i * STRIDE], nameLength(i))) {
        return i;
      }
    }
    return -1;
  }

  /** The first value of the named header as written (a whole line), or {@code null}. */
  public String header(HeaderName name) {
    // From, To, Call-ID and CSeq are the routing index's first lines of their names (a later one
    // is a duplicate), asked for by every response and most requests a call writes: made once
    if (name == HeaderName.CALL_ID && callId >= 0) {
      return callId();
    } else if (name == HeaderName.FROM && from >= 0) {
      String s = fromText;
      return s != null ? s : (fromText = value(from));
    } else if (name == HeaderName.TO && to >= 0) {
      String s = toText;
      return s != null ? s : (toText = value(to));
    } else if (name == HeaderName.CSEQ && cseq >= 0) {
      String s = cseqText;
      return s != null ? s : (cseqText = value(cseq));
    }
    return headerUncached(name);
  }

  /** {@link #header} found by name, made anew. */
  String headerUncached(HeaderName name) {
    int i = indexOf(name);
    return i < 0 ? null : value(i);
  }

  /**
   * Every value of the named header in order: one per line, and for comma-separated headers
   * (§7.3.1) one per comma outside quotes and angle brackets.
   */
  public List<String> headers(HeaderName name) {
    List<String> out = new ArrayList<>(2);
    for (int i = indexOf(name); i >= 0; i = indexOf(name, i + 1)) {
      if (name.commaSeparated()) {
        HeaderValues.split(this, i, out);
      } else {
        out.add(value(i));
      }
    }
    return out;
  }

  // ---- typed headers, parsed when asked; each throws SipParseException if malformed ----

  // The typed accessors parse an unfolded ASCII value straight from the message buffer; any other
  // value (a fold, a non-ASCII byte) goes through its unfolded String as it always did. Either way
  // a SipParseException's offset is relative to the start of the value (or, in a list, of the
  // comma-separated piece) that was parsed, as it was when every value was first copied.

  /** Every Via value, top first. */
  public List<Via> vias() {
    List<Via> out = new ArrayList<>(viaCount);
    // the scan indexed the first Via line: no search for it
    for (int i = via; i >= 0; i = indexOf(HeaderName.VIA, i + 1)) {
      int s = valueStart(i);
      int e = valueEnd(i);
      if (!plain(s, e)) {
        for (String v : HeaderValues.split(value(i))) {
          out.add(Via.parse(v));
        }
        continue;
      }
      for (int p = s; ; ) {
        int comma = HeaderValues.nextComma(buf, p, e);
        int a = HeaderValues.stripStart(buf, p, comma);
        int z = HeaderValues.stripEnd(buf, a, comma);
        out.add(via(a, z));
        if (comma == e) {
          break;
        }
        p = comma + 1;
      }
    }
    return out;
  }

  /** The top Via, or {@code null} if there is none. */
  public Via topVia() {
    if (via < 0) {
      return null;
    }
    int s = valueStart(via);
    int e = valueEnd(via);
    if (!plain(s, e)) {
      return Via.parse(HeaderValues.split(value(via)).get(0));
    }
    int comma = HeaderValues.nextComma(buf, s, e);
    int a = HeaderValues.stripStart(buf, s, comma);
    int z = HeaderValues.stripEnd(buf, a, comma);
    return via(a, z);
  }

  /** The Via in {@code [a, z)} of the buffer: the validator's if it built it, else parsed now. */
  private Via via(int a, int z) {
    Object kept = kept(a, z, Typed.VIA);
    if (kept != null) {
      return (Via) kept;
    }
    try {
      return Via.parse(buf, a, z);
    } catch (SipParseException x) {
      throw rebase(x, a);
    }
  }

  public NameAddress from() {
    return from < 0 ? null : nameAddress(from);
  }

  public NameAddress to() {
    return to < 0 ? null : nameAddress(to);
  }

  private NameAddress nameAddress(int i) {
    int s = valueStart(i);
    int e = valueEnd(i);
    if (!plain(s, e)) {
      return NameAddress.parse(value(i));
    }
    return nameAddress(s, e, false);
  }

  /**
   * The name-addr in {@code [a, z)} of the buffer: the validator's if it built it from the same
   * bytes under the same wildcard rule, else parsed now.
   */
  private NameAddress nameAddress(int a, int z, boolean wildcard) {
    Object kept = kept(a, z, wildcard ? Typed.NAME_ADDRESS_WILDCARD : Typed.NAME_ADDRESS);
    if (kept != null) {
      return (NameAddress) kept;
    }
    try {
      return NameAddress.parse(buf, a, z, wildcard);
    } catch (SipParseException x) {
      throw rebase(x, a);
    }
  }

  /** Every value of a header that carries name-addrs (Contact, Route, Record-Route, ...). */
  public List<NameAddress> nameAddresses(HeaderName name) {
    List<NameAddress> out = new ArrayList<>(2);
    boolean wildcard = name == HeaderName.CONTACT;
    // the scan indexed the first Route line (none on most requests): no search for it
    int first = name == HeaderName.ROUTE ? route : indexOf(name);
    for (int i = first; i >= 0; i = indexOf(name, i + 1)) {
      int s = valueStart(i);
      int e = valueEnd(i);
      if (!plain(s, e)) {
        List<String> values = new ArrayList<>(2);
        if (name.commaSeparated()) {
          HeaderValues.split(this, i, values);
        } else {
          values.add(value(i));
        }
        for (String v : values) {
          byte[] b = v.getBytes(StandardCharsets.UTF_8);
          out.add(NameAddress.parse(b, 0, b.length, wildcard));
        }
        continue;
      }
      if (!name.commaSeparated()) {
        out.add(nameAddress(s, e, wildcard));
        continue;
      }
      for (int p = s; ; ) {
        int comma = HeaderValues.nextComma(buf, p, e);
        int a = HeaderValues.stripStart(buf, p, comma);
        int z = HeaderValues.stripEnd(buf, a, comma);
        out.add(nameAddress(a, z, wildcard));
        if (comma == e) {
          break;
        }
        p = comma + 1;
      }
    }
    return out;
  }

  /**
   * Whether {@code [s, e)} is ASCII without CR or LF: no fold, and its UTF-8 String has exactly
   * these bytes, so parsing it in place gives what parsing the String's bytes gives.
   */
  private boolean plain(int s, int e) {
    return Swar.isPlainAscii(buf, s, e);
  }

  /** The exception with its offset made relative to {@code base}, the start of the value. */
  private static SipParseException rebase(SipParseException x, int base) {
    return new SipParseException(x.getMessage(), x.offset() - base);
  }

  public List<NameAddress> contacts() {
    return nameAddresses(HeaderName.CONTACT);
  }

  public List<NameAddress> routes() {
    return nameAddresses(HeaderName.ROUTE);
  }

  /** The Content-Type value, or {@code null}. */
  public String contentType() {
    return contentTypeHeader < 0 ? null : value(contentTypeHeader);
  }

  // ---- body and bytes ----

  /** A copy of the body bytes (possibly empty). */
  public byte[] body() {
    return Arrays.copyOfRange(buf, bodyStart, bodyEnd);
  }

  public int bodyLength() {
    return bodyEnd - bodyStart;
  }

  /** The message's backing array; the message is {@link #offset()} .. + {@link #length()}. */
  public byte[] array() {
    return buf;
  }

  public int offset() {
    return start;
  }

  /** The message length, body included; trailing bytes beyond Content-Length are not part of it. */
  public int length() {
    return end - start;
  }

  /** A copy of the message bytes. */
  public byte[] toBytes() {
    return Arrays.copyOfRange(buf, start, end);
  }

  /** An editor that records changes and writes a new message; this message is not changed. */
  public MessageEditor edit() {
    return new MessageEditor(this);
  }

  @Override
  public String toString() {
    String first =
        new String(buf, start, Math.max(0, startLineEnd - start), StandardCharsets.UTF_8).strip();
    return error == null ? first : first + " [" + error + "]";
  }

  // ---- helpers for the package ----

  int checkIndex(int i) {
    if (i < 0 || i >= headerCount) {
      throw new IndexOutOfBoundsException("header " + i + " of " + headerCount);
    }
    return i;
  }

  int nameLength(int i) {
    return hdr[i * STRIDE + NAME_END] - hdr[i * STRIDE + LINE_START];
  }

  /** Where the value of line {@code i} starts: after the colon and the LWS after it. */
  int valueStart(int i) {
    int o = i * STRIDE;
    return valueStart(buf, hdr[o + AFTER_COLON], hdr[o + LINE_END] - 1);
  }

  /** Where the value of line {@code i} ends: before the whitespace and CR before its final LF. */
  int valueEnd(int i) {
    int o = i * STRIDE;
    int afterColon = hdr[o + AFTER_COLON];
    int nl = hdr[o + LINE_END] - 1;
    int ve = valueEnd(buf, afterColon, nl);
    // Trimmed back to a byte that is not LWS: the value starts at or before it, so the trim
    // bounded by the value start stops at the same byte, and the start need not be found. Only
    // a value of LWS alone (or ending in a fold's LF) needs it.
    if (ve > afterColon && buf[ve - 1] != '\n') {
      return ve;
    }
    return valueEnd(buf, valueStart(buf, afterColon, nl), nl);
  }

  /**
   * The value start of a header line whose colon is at {@code afterColon - 1} and whose final LF is
   * at {@code nl}: LWS (SP, HT and folds) stepped over, the usual one SP without the loop.
   */
  static int valueStart(byte[] b, int afterColon, int nl) {
    int vs = afterColon;
    if (vs < nl && b[vs] == ' ') {
      vs++;
    }
    if (vs < nl && (Chars.isWs(b[vs]) || b[vs] == '\r' || b[vs] == '\n')) {
      vs = SipParser.skipLws(b, vs, nl);
    }
    return vs;
  }

  /**
   * The value end of a line whose value starts at {@code vs} and whose final LF is at {@code nl}.
   */
  static int valueEnd(byte[] b, int vs, int nl) {
    int ve = nl;
    while (ve > vs && (b[ve - 1] == '\r' || Chars.isWs(b[ve - 1]))) {
      ve--;
    }
    return ve;
  }

  int lineStart(int i) {
    return hdr[i * STRIDE + LINE_START];
  }

  int nameEnd(int i) {
    return hdr[i * STRIDE + NAME_END];
  }

  int lineEnd(int i) {
    return hdr[i * STRIDE + LINE_END];
  }

  /** The value of line {@code i} with folds (CRLF + whitespace) replaced by one space. */
  String value(int i) {
    int s = valueStart(i);
    int e = valueEnd(i);
    for (int p = s; p < e; p++) {
      if (buf[p] == '\n' || buf[p] == '\r') {
        return unfold(s, e);
      }
    }
    return utf8(s, e);
  }

  private String unfold(int s, int e) {
    byte[] out = new byte[e - s];
    int n = 0;
    for (int p = s; p < e; p++) {
      byte c = buf[p];
      if (c == '\r' || c == '\n') {
        while (n > 0 && Chars.isWs(out[n - 1])) {
          n--;
        }
        while (p + 1 < e && (buf[p + 1] == '\r' || buf[p + 1] == '\n' || Chars.isWs(buf[p + 1]))) {
          p++;
        }
        out[n++] = ' ';
      } else {
        out[n++] = c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  String ascii(int s, int e) {
    return new String(buf, s, e - s, StandardCharsets.ISO_8859_1);
  }

  String utf8(int s, int e) {
    return new String(buf, s, e - s, StandardCharsets.UTF_8);
  }

  /** The known name of header line {@code i}, or {@code null} if its name is not a known one. */
  HeaderName knownName(int i) {
    return HeaderName.byId(nameId(i));
  }

  /** The {@link HeaderName#id} of header line {@code i}'s known name, 0 for an unknown name. */
  int nameId(int i) {
    return hdr[i * STRIDE + NAME_ID];
  }

  /**
   * A typed value built from the bytes {@code [start, end)} of the buffer by the rule {@code kind}.
   * {@link SipValidator#validate} has to walk every value by its grammar; where it builds the value
   * instead of only checking it, it keeps it here so that the accessors do not walk the same bytes
   * again. Parsing is a pure function of the bytes and the rule, so a kept value is exactly what
   * the accessor would build. Immutable, so that a kept value may be read from another thread.
   */
  record Typed(int start, int end, int kind, Object value) {
    static final int URI = 0;
    static final int VIA = 1;
    static final int NAME_ADDRESS = 2;
    static final int NAME_ADDRESS_WILDCARD = 3;
    // a name-addr that does not start with '*': the wildcard rule does not change how it parses
    static final int NAME_ADDRESS_ANY = 4;

    boolean fits(int s, int e, int k) {
      return start == s
          && end == e
          && (kind == k
              || (kind == NAME_ADDRESS_ANY && (k == NAME_ADDRESS || k == NAME_ADDRESS_WILDCARD)));
    }
  }

  /** Keeps a value the validator built (see {@link Typed}); a small list, searched linearly. */
  void keep(int s, int e, int kind, Object value) {
    Typed[] t = typed;
    int n = typedCount;
    if (t == null) {
      t = typed = new Typed[8];
    } else if (n == t.length) {
      if (n >= 64) {
        return; // a message with very many values: the accessors parse them again
      }
      t = typed = Arrays.copyOf(t, n * 2);
    }
    t[n] = new Typed(s, e, kind, value);
    typedCount = n + 1;
  }

  /** The value kept for {@code [s, e)} under rule {@code kind}, or {@code null}. */
  Object kept(int s, int e, int kind) {
    Typed[] t = typed;
    if (t == null) {
      return null;
    }
    int n = Math.min(typedCount, t.length);
    for (int i = 0; i < n; i++) {
      Typed k = t[i];
      if (k != null && k.fits(s, e, kind)) {
        return k.value();
      }
    }
    return null;
  }

  void fail(ParseError e) {
    if (error == null) {
      error = e;
    }
  }

  /** Keeps the problem of the lowest rank, the first of equal ranks, for {@link #fail} later. */
  void defer(int rank, ErrorKind kind, String header, int line, int column) {
    if (rank < deferredRank) {
      deferred = new ParseError(kind, header, line, column);
      deferredRank = rank;
    }
  }

  /** {@link #defer} at byte {@code offset} inside header line {@code i} (see {@link #errorAt}). */
  void deferAt(int rank, ErrorKind kind, int i, int offset) {
    if (rank < deferredRank) {
      deferred = errorAt(kind, i, offset);
      deferredRank = rank;
    }
  }

  void fail(ErrorKind kind, String header, int line, int column) {
    if (error == null) {
      error = new ParseError(kind, header, line, column);
    }
  }

  /** Like {@link #fail}, at byte {@code offset} inside header line {@code i}. */
  void failAt(ErrorKind kind, int i, int offset) {
    if (error == null) {
      error = errorAt(kind, i, offset);
    }
  }

  /**
   * The error at byte {@code offset} of header line {@code i}, with the message line and the column
   * in that line where the byte is; a folded value spans lines, so its LFs are counted.
   */
  ParseError errorAt(ErrorKind kind, int i, int offset) {
    int line = headerLine(i);
    int lineStart = hdr[i * STRIDE + LINE_START];
    for (int p = lineStart; p < offset && p < end; p++) {
      if (buf[p] == '\n') {
        line++;
        lineStart = p + 1;
      }
    }
    return new ParseError(kind, headerName(i).name(), line, Math.max(1, offset - lineStart + 1));
  }
}
