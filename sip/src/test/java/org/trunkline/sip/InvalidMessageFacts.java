package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trunkline.sip.TortureSemanticsTest.routing;
import static org.trunkline.sip.TortureSemanticsTest.sipUri;
import static org.trunkline.sip.TortureSemanticsTest.throwsParseException;
import static org.trunkline.sip.TortureSemanticsTest.via;

import org.trunkline.sip.TortureSemanticsTest.Fixture;

/**
 * RFC 4475 §3.1.2: invalid messages. Each is refused with a reason naming the problem and its line
 * (the line numbers are those of the vector files), and the routing headers needed to answer are
 * still read.
 */
final class InvalidMessageFacts {
  private InvalidMessageFacts() {}

  /** §3.1.2.1: "Extraneous Header Field Separators". */
  static void badinv01(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "Via", 7, "Bad Via (line 7)");
    // line 7 is "Via: SIP/2.0/UDP 192.0.2.15;;,;,,": the second ';' is where a parameter is missing
    assertThat(f.error().column()).isEqualTo(29);
    assertThat(m.isOk()).as("the scanner itself only indexes").isTrue();
    throwsParseException(() -> m.vias());
    throwsParseException(() -> m.contacts());
    routing(m, "badinv01.0ha0isndaksdjasdf3234nas", 8, SipMethod.INVITE, "134161461246", null);
  }

  /** §3.1.2.2: "Content Length Larger Than Message". */
  static void clerr(Fixture f) {
    SipMessage m =
        f.rejected(
            ErrorKind.CONTENT_LENGTH_EXCEEDS_MESSAGE,
            "Content-Length",
            10,
            "Content-Length Larger Than Message (line 10)");
    assertThat(m.contentLength()).isEqualTo(9999);
    assertThat(m.bodyLength()).isEqualTo(154);
    routing(m, "clerr.0ha0isndaksdjweiafasdk3", 8, SipMethod.INVITE, "93942939o2", null);
  }

  /** §3.1.2.3: "Negative Content-Length". */
  static void ncl(Fixture f) {
    SipMessage m =
        f.rejected(ErrorKind.BAD_HEADER, "Content-Length", 10, "Bad Content-Length (line 10)");
    // "Content-Length: -999": the '-' is at column 17
    assertThat(f.error().column()).isEqualTo(17);
    // never usable as a counter or an index
    assertThat(m.contentLength()).isEqualTo(-1);
    routing(m, "ncl.0ha0isndaksdj2193423r542w35", 0, SipMethod.INVITE, "32394234", null);
  }

  /** §3.1.2.4: "Request Scalar Fields with Overlarge Values". */
  static void scalar02(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "CSeq", 5, "Bad CSeq (line 5)");
    // "CSeq: 36893488147419103232 REGISTER": the number, at column 7, is too large
    assertThat(f.error().column()).isEqualTo(7);
    // 2**65 must not wrap into a small number
    assertThat(m.cseqNumber()).isEqualTo(-1);
    assertThat(m.cseqMethod()).isNull();
    // Max-Forwards 300 is out of range too, so it reads as absent
    assertThat(m.maxForwards()).isEqualTo(-1);
    assertThat(m.contacts().get(0).param("expires")).isEqualTo("280297596632815");
    assertThat(m.header(HeaderName.EXPIRES)).isEqualTo("1" + "0".repeat(100));
  }

  /** §3.1.2.5: "Response Scalar Fields with Overlarge Values". */
  static void scalarlg(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "CSeq", 5, "Bad CSeq (line 5)");
    assertThat(m.isRequest()).isFalse();
    assertThat(m.status()).isEqualTo(503);
    assertThat(m.cseqNumber()).isEqualTo(-1);
    assertThat(m.header(HeaderName.RETRY_AFTER)).isEqualTo("949302838503028349304023988");
    assertThat(m.headers(HeaderName.WARNING)).containsExactly("1812 overture \"In Progress\"");
  }

  /** §3.1.2.6: "Unterminated Quoted String in Display Name". */
  static void quotbal(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "To", 2, "Bad To (line 2)");
    throwsParseException(() -> m.to());
    routing(m, "quotbal.aksdj", 8, SipMethod.INVITE, "93334", null);
  }

  /** §3.1.2.7: "<> Enclosing Request-URI". */
  static void ltgtruri(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_REQUEST_URI, null, 1, "Bad Request-URI (line 1)");
    assertThat(f.error().column()).isEqualTo(8);
    assertThat(m.requestUriText()).isEqualTo("<sip:user@example.com>");
    throwsParseException(() -> m.requestUri());
    // its Via has no branch either
    assertThat(m.topViaBranch()).isNull();
    via(m.topVia(), "UDP", "192.0.2.5", -1, null);
  }

  /** §3.1.2.8: "Malformed SIP Request-URI (embedded LWS)". */
  static void lwsruri(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_REQUEST_URI, null, 1, "Bad Request-URI (line 1)");
    assertThat(m.requestUriText()).isEqualTo("sip:user@example.com; lr");
    routing(
        m,
        "lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423",
        2130706432,
        SipMethod.INVITE,
        "231413434",
        "3xfe-9921883-z9f");
  }

  /** §3.1.2.9: "Multiple SP Separating Request-Line Elements". */
  static void lwsstart(Fixture f) {
    f.rejected(ErrorKind.BAD_REQUEST_LINE, null, 1, "Bad Request Line (line 1)");
    // "INVITE  sip:..." - the second SP is at column 8
    assertThat(f.error().column()).isEqualTo(8);
  }

  /** §3.1.2.10: "SP Characters at End of Request-Line". */
  static void trws(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_REQUEST_LINE, null, 1, "Bad Request Line (line 1)");
    // the archive's Via host is "host1.examle.com", not what the RFC text shows
    via(m.topVia(), "TCP", "host1.examle.com", -1, "z9hG4bK299342093");
  }

  /** §3.1.2.11: "Escaped Headers in SIP Request-URI". */
  static void escruri(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_REQUEST_URI, null, 1, "Bad Request-URI (line 1)");
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.headers()).containsExactly(new Param("Route", "%3Csip:example.com%3E"));
    // it is not turned into a real Route header
    assertThat(m.hasRoute()).isFalse();
  }

  /**
   * §3.1.2.12: "Invalid Time Zone in Date Header Field" - "acceptable to reject this request as
   * malformed", which we do (TortureVectorTest.CHOICES); the Date is still readable as written.
   */
  static void baddate(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "Date", 8, "Bad Date (line 8)");
    assertThat(m.header(HeaderName.DATE)).isEqualTo("Fri, 01 Jan 2010 16:00:00 EST");
  }

  /** §3.1.2.13: "Failure to Enclose name-addr URI in <>". */
  static void regbadct(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "Contact", 8, "Bad Contact (line 8)");
    assertThat(f.error().column()).isEqualTo(10);
    throwsParseException(() -> m.contacts());
  }

  /** §3.1.2.14: "Spaces within addr-spec". */
  static void badaspec(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_HEADER, "To", 5, "Bad To (line 5)");
    // To: "Watson, Thomas" < sip:... - the SP after '<' is column 23
    assertThat(f.error().column()).isEqualTo(23);
    throwsParseException(() -> m.to());
    assertThat(m.from().displayName()).isEqualTo("Bell, Alexander");
  }

  /** §3.1.2.15: "Non-token Characters in Display Name" (and no empty line in the archive). */
  static void baddn(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.INCOMPLETE, null, 10, "Incomplete Message (line 10)");
    // the real defect is there too: the unquoted display names do not parse
    throwsParseException(() -> m.from());
    throwsParseException(() -> m.to());
    routing(m, "baddn.31415@c.example.com", 3923239, SipMethod.OPTIONS, "43", null);
  }

  /** §3.1.2.16: "Unknown Protocol Version". */
  static void badvers(Fixture f) {
    SipMessage m =
        f.rejected(ErrorKind.VERSION_NOT_SUPPORTED, null, 1, "Version Not Supported (line 1)");
    assertThat(f.error().status()).isEqualTo(505);
    // the 505 can still be sent: Via, Call-ID and CSeq were indexed
    assertThat(m.viaCount()).isEqualTo(1);
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bKkdjuw");
    assertThat(m.topVia().protocol()).isEqualTo("SIP/7.0");
    routing(m, "badvers.31417@c.example.com", 1, SipMethod.OPTIONS, "qweoiqpe", null);
  }

  /** §3.1.2.17: "Start Line and CSeq Method Mismatch". */
  static void mismatch01(Fixture f) {
    SipMessage m =
        f.rejected(
            ErrorKind.CSEQ_METHOD_MISMATCH, "CSeq", 6, "CSeq Method Does Not Match (line 6)");
    // "CSeq: 8 INVITE": the method is at column 9
    assertThat(f.error().column()).isEqualTo(9);
    assertThat(m.method()).isSameAs(SipMethod.OPTIONS);
    assertThat(m.cseqMethod()).isSameAs(SipMethod.INVITE);
  }

  /**
   * §3.1.2.18: "Unknown Method with CSeq Method Mismatch" - "A 400 Bad Request is also acceptable",
   * and we answer it (one rule for every method); the unknown method is still read.
   */
  static void mismatch02(Fixture f) {
    SipMessage m =
        f.rejected(
            ErrorKind.CSEQ_METHOD_MISMATCH, "CSeq", 6, "CSeq Method Does Not Match (line 6)");
    assertThat(f.error().column()).isEqualTo(9);
    assertThat(m.method().name()).isEqualTo("NEWMETHOD");
    assertThat(m.method().isKnown()).isFalse();
    assertThat(m.cseqMethod()).isSameAs(SipMethod.INVITE);
    TortureSemanticsTest.bodyMatchesContentLength(m, 138);
  }

  /** §3.1.2.19: "Overlarge Response Code". */
  static void bigcode(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_STATUS_LINE, null, 1, "Bad Status Line (line 1)");
    assertThat(m.isRequest()).isFalse();
    // 4294967301 = 2**32 + 5: a 32-bit wrap would give 5
    assertThat(m.status()).isZero();
  }
}
