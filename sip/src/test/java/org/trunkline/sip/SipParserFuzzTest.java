package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.trunkline.sip.StreamFramer.Frame;
import org.trunkline.sip.StreamFramer.Kind;

/**
 * Arbitrary bytes through the scanner, the validator, every typed accessor, the editor and the
 * stream framer. Only {@link SipParseException} may come out of a typed accessor; anything else
 * thrown, or a broken invariant, is a finding.
 *
 * <p>Under plain {@code mvn test} this runs the seed corpus in {@code
 * src/test/resources/org/trunkline/sip/SipParserFuzzTestInputs/parseAnything/} (the torture vectors
 * and inputs that once failed) as a regression test. See {@code sip/FUZZING.md} for fuzzing mode.
 */
class SipParserFuzzTest {
  /** Small limits, so that short inputs reach TOO_LARGE and the other limits too. */
  private static final ParseLimits SMALL = new ParseLimits(256, 8, 64, 2, 2);

  private static final HeaderName X_FUZZ = HeaderName.of("X-Fuzz");
  private static final byte[] NEW_BODY = {'b', 0, '\r', '\n'};

  @FuzzTest(maxDuration = "5m")
  void parseAnything(byte[] data) {
    for (ParseLimits limits : List.of(ParseLimits.DEFAULT, SMALL)) {
      SipMessage m = new SipParser(limits).parseDatagram(data);
      checkScan(m, data, limits);
      ParseError e = SipValidator.validate(m);
      checkError(m, e);
      readEverything(m);
      writeAnything(m);
      if (m.isOk()) {
        checkScanned(m, limits);
      }
      if (e == null) {
        checkWellFormed(m, limits);
      }
      frameAnything(data, limits);
    }
  }

  /**
   * Cheap checks for the paths every input takes (AssertJ's are kept for the rarer well-formed
   * path, where their messages matter more than their cost).
   */
  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  /** What the scanner returns is inside the input and self-consistent. */
  private static void checkScan(SipMessage m, byte[] data, ParseLimits limits) {
    check(m.array() == data, "backed by the input");
    check(m.offset() >= 0 && m.offset() <= data.length, "offset inside the input");
    check(m.length() >= 0 && m.length() <= data.length - m.offset(), "length inside the input");
    check(m.bodyLength() >= 0 && m.bodyLength() <= m.length(), "body inside the message");
    check(m.toBytes().length == m.length(), "toBytes() is length() long");
    check(m.contentLength() >= -1, "Content-Length -1 or more");
    check(m.maxForwards() >= -1 && m.maxForwards() <= 255, "Max-Forwards -1..255");
    check(m.cseqNumber() >= -1 && m.cseqNumber() <= Integer.MAX_VALUE, "CSeq -1..2**31-1");
    check(m.viaCount() >= 0, "Via count 0 or more");
    check(m.headerCount() >= 0 && m.headerCount() <= limits.maxHeaders(), "header count in limits");
    for (int i = 0; i < m.headerCount(); i++) {
      check(!m.headerName(i).name().isEmpty(), "header name");
      check(m.headerValue(i) != null, "header value");
      check(m.headerLine(i) >= 2, "header line after the start line");
      int first = m.indexOf(m.headerName(i));
      check(first >= 0 && first <= i, "indexOf finds the header's name");
    }
    if (m.isRequest()) {
      check(m.status() == 0, "a request has no status");
    } else {
      check(m.method() == null, "a response has no method");
      check(m.status() == 0 || (m.status() >= 100 && m.status() <= 699), "status 100..699");
    }
  }

  private static void checkError(SipMessage m, ParseError e) {
    if (m.error() != null) {
      check(m.error().equals(e), "validate() returns the scanner's error first");
    }
    if (e != null) {
      check(e.status() >= 400 && e.status() <= 599, "error status 4xx/5xx");
      check(!e.reasonPhrase().isBlank(), "reason phrase");
      check(!e.toString().isBlank(), "log text");
      check(e.line() >= 0 && e.column() >= 0, "line and column 0 or more");
    }
  }

  /** Every accessor; a typed one may only throw SipParseException. */
  private static void readEverything(SipMessage m) {
    m.toString();
    m.requestUriText();
    m.reason();
    m.callId();
    m.fromTag();
    m.toTag();
    m.topViaBranch();
    m.contentType();
    m.hasRoute();
    m.body();
    for (int i = 0; i < m.headerCount(); i++) {
      HeaderName n = m.headerName(i);
      m.header(n);
      m.headers(n);
    }
    typed(() -> uri(m.requestUri()));
    typed(() -> m.vias().forEach(v -> v.branch()));
    typed(m::topVia);
    typed(() -> nameAddress(m.from()));
    typed(() -> nameAddress(m.to()));
    typed(() -> m.contacts().forEach(SipParserFuzzTest::nameAddress));
    typed(() -> m.routes().forEach(SipParserFuzzTest::nameAddress));
    typed(() -> m.nameAddresses(HeaderName.RECORD_ROUTE).forEach(SipParserFuzzTest::nameAddress));
    typed(() ->
        m.nameAddresses(HeaderName.P_ASSERTED_IDENTITY).forEach(SipParserFuzzTest::nameAddress));
  }

  private static void nameAddress(NameAddress a) {
    if (a != null) {
      a.tag();
      a.param("expires");
      uri(a.uri());
    }
  }

  private static void uri(Uri u) {
    if (u instanceof SipUri s) {
      s.userDecoded();
      s.looseRouting();
      s.param("transport");
      s.toString();
    } else if (u instanceof TelUri t) {
      t.digits();
      t.global();
    }
  }

  private static void typed(Runnable r) {
    try {
      r.run();
    } catch (SipParseException expected) {
      check(expected.offset() >= 0, "a parse exception offset is 0 or more");
    }
  }

  /** The editor writes any parsed message, and the body it is given with its length. */
  private static void writeAnything(SipMessage m) {
    m.edit().toBytes();
    MessageEditor e = m.edit().append(X_FUZZ, "1").body(NEW_BODY);
    if (m.headerCount() > 0) {
      e.replace(0, "x").remove(m.headerCount() - 1).insertBefore(0, X_FUZZ, "0");
    }
    if (m.isRequest() && m.method() != null) {
      e.requestUri("sip:fuzz@example.com");
    }
    byte[] out = e.toBytes();
    check(
        Arrays.equals(out, out.length - NEW_BODY.length, out.length, NEW_BODY, 0, NEW_BODY.length),
        "the written message ends with its new body");
  }

  /**
   * A message the scanner read without error (every line indexed, the routing headers readable) is
   * written byte-exact, and with a Content-Length it frames on a stream as itself.
   */
  private static void checkScanned(SipMessage m, ParseLimits limits) {
    byte[] bytes = m.toBytes();
    byte[] written = m.edit().toBytes();
    if (!Arrays.equals(written, bytes)) {
      assertThat(written).as("unedited write").isEqualTo(bytes);
    }
    if (m.contentLength() >= 0) {
      Frame f = new StreamFramer(limits).frame(bytes, 0, bytes.length);
      if (!f.equals(new Frame(Kind.MESSAGE, bytes.length))) {
        assertThat(f)
            .as(() -> "framing " + text(bytes))
            .isEqualTo(new Frame(Kind.MESSAGE, bytes.length));
      }
      SipMessage framed = new SipParser(limits).parseFramed(bytes, 0, bytes.length);
      check(framed.isOk(), "a framed message parses as the datagram did");
      check(Arrays.equals(framed.toBytes(), bytes), "a framed message is the same bytes");
    }
  }

  /** A message that validates reads, writes and frames as it should. */
  private static void checkWellFormed(SipMessage m, ParseLimits limits) {
    // the validator parsed every known header, so the typed accessors do not throw
    if (m.isRequest()) {
      uri(m.requestUri());
    }
    List<Via> vias = m.vias();
    assertThat(vias).hasSize(m.viaCount());
    assertThat(m.topVia()).isEqualTo(vias.get(0));
    // the routing index and the typed accessors read the same branch and tags
    assertThat(m.topViaBranch()).isEqualTo(vias.get(0).branch());
    assertThat(m.fromTag()).isEqualTo(m.from().tag());
    assertThat(m.toTag()).isEqualTo(m.to().tag());
    nameAddress(m.from());
    nameAddress(m.to());
    m.contacts().forEach(SipParserFuzzTest::nameAddress);
    m.routes().forEach(SipParserFuzzTest::nameAddress);

    // write(parse(x)) is byte-exact and idempotent
    byte[] once = m.edit().toBytes();
    assertThat(once).isEqualTo(m.toBytes());
    SipMessage again = new SipParser(limits).parseDatagram(once);
    assertThat(SipValidator.validate(again)).isNull();
    assertThat(again.toBytes()).isEqualTo(once);
    RoundTripTest.assertSameRouting(again, m);
    assertThat(RoundTripTest.headerLines(again)).isEqualTo(RoundTripTest.headerLines(m));

    // an edited copy is still well formed and carries the edits
    MessageEditor edit = m.edit().append(X_FUZZ, "1").body(NEW_BODY);
    if (m.isRequest()) {
      edit.requestUri("sip:fuzz@example.com");
    }
    byte[] edited = edit.toBytes();
    if (edited.length <= limits.maxMessageBytes() && m.headerCount() < limits.maxHeaders()) {
      SipMessage r = new SipParser(limits).parseDatagram(edited);
      assertThat(SipValidator.validate(r)).as(() -> "edited: " + text(edited)).isNull();
      assertThat(r.contentLength()).isEqualTo(NEW_BODY.length);
      assertThat(r.body()).isEqualTo(NEW_BODY);
      assertThat(r.headers(X_FUZZ)).containsExactly("1");
      assertThat(r.callId()).isEqualTo(m.callId());
      assertThat(r.viaCount()).isEqualTo(m.viaCount());
    }

    // with a Content-Length it frames on a stream as itself
    if (m.contentLength() >= 0) {
      Frame f = new StreamFramer(limits).frame(once, 0, once.length);
      assertThat(f)
          .as(() -> "framing " + text(once))
          .isEqualTo(new Frame(Kind.MESSAGE, once.length));
      SipMessage framed = new SipParser(limits).parseFramed(once, 0, once.length);
      assertThat(SipValidator.validate(framed)).isNull();
      assertThat(framed.toBytes()).isEqualTo(once);
    }
  }

  /** Frames in one buffer and in pieces agree, and stay within their bounds. */
  private static void frameAnything(byte[] data, ParseLimits limits) {
    List<Frame> whole = frames(data, data.length, limits);
    int piece = data.length == 0 ? 1 : 1 + (data[0] & 0x1f);
    List<Frame> pieces = frames(data, piece, limits);
    if (!pieces.equals(whole)) {
      assertThat(pieces).as("framed in pieces of %d", piece).isEqualTo(whole);
    }
  }

  /**
   * Feeds {@code data} to a framer {@code piece} bytes at a time, consuming what it frames; returns
   * the frames, then the final NEED_MORE (with the bytes left as length), TOO_LARGE or BAD_FRAMING.
   */
  private static List<Frame> frames(byte[] data, int piece, ParseLimits limits) {
    StreamFramer framer = new StreamFramer(limits);
    SipParser parser = new SipParser(limits);
    List<Frame> out = new ArrayList<>();
    int start = 0;
    int end = 0;
    while (true) {
      Frame f = framer.frame(data, start, end - start);
      switch (f.kind()) {
        case MESSAGE -> {
          check(
              f.length() >= 1 && f.length() <= Math.min(end - start, limits.maxMessageBytes()),
              "MESSAGE within what was offered and the limit");
          byte[] one = Arrays.copyOfRange(data, start, start + f.length());
          SipMessage m = parser.parseFramed(one, 0, one.length);
          check(m.offset() + m.length() <= one.length, "a framed message inside its frame");
          check(
              m.error() != null || m.offset() + m.length() == one.length,
              "a framed message that parses fills its frame");
        }
        case PING -> check(f.length() == 4, "PING is 4 bytes");
        case PONG -> check(f.length() == 1 || f.length() == 2, "PONG is 1 or 2 bytes");
        case NEED_MORE, TOO_LARGE, BAD_FRAMING ->
            check(f.length() == 0, "no length when nothing is framed");
      }
      boolean consumed = f.kind() == Kind.MESSAGE || f.kind() == Kind.PING || f.kind() == Kind.PONG;
      if (consumed) {
        out.add(f);
        start += f.length();
      } else if (f.kind() != Kind.NEED_MORE || end == data.length) {
        // what is left unread is known only when waiting; a closed stream stops reading early
        out.add(new Frame(f.kind(), f.kind() == Kind.NEED_MORE ? end - start : 0));
        return out;
      } else {
        end = Math.min(data.length, end + piece);
      }
    }
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
