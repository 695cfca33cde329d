package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trunkline.sip.TortureSemanticsTest.bodyMatchesContentLength;
import static org.trunkline.sip.TortureSemanticsTest.percentDecode;
import static org.trunkline.sip.TortureSemanticsTest.routing;
import static org.trunkline.sip.TortureSemanticsTest.sipUri;
import static org.trunkline.sip.TortureSemanticsTest.text;
import static org.trunkline.sip.TortureSemanticsTest.via;

import java.util.Arrays;
import java.util.List;
import org.trunkline.sip.TortureSemanticsTest.Fixture;

/**
 * RFC 4475 §3.2 (transaction layer), §3.3 (application layer) and §3.4 (backward compatibility):
 * messages the parser must read correctly so that the layer above can decide.
 */
final class ApplicationLayerFacts {
  private ApplicationLayerFacts() {}

  /** §3.2.1: "Missing Transaction Identifier" - the branch is only the magic cookie. */
  static void badbranch(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bK");
    routing(m, "badbranch.sadonfo23i420jv0as0derf3j3n", 8, SipMethod.OPTIONS, "33242", null);
  }

  /** §3.3.1: "Missing Required Header Fields". */
  static void insuf(Fixture f) {
    SipMessage m = f.m();
    ParseError e = f.error();
    assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_HEADER);
    assertThat(e.header()).isIn("To", "From", "Call-ID");
    assertThat(e.reasonPhrase()).isEqualTo("Missing " + e.header());
    assertThat(e.status()).isEqualTo(400);
    assertThat(m.callId()).isNull();
    assertThat(m.from()).isNull();
    assertThat(m.to()).isNull();
    assertThat(m.cseqNumber()).isEqualTo(193942);
    assertThat(m.cseqMethod()).isSameAs(SipMethod.INVITE);
    assertThat(m.viaCount()).isEqualTo(1);
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bKkdj.insuf");
    bodyMatchesContentLength(m, 152);
  }

  /** §3.3.2: "Request-URI with Unknown Scheme". */
  static void unkscm(Fixture f) {
    SipMessage m =
        f.rejected(ErrorKind.UNSUPPORTED_URI_SCHEME, null, 1, "Unsupported URI Scheme (line 1)");
    assertThat(f.error().status()).isEqualTo(416);
    Uri ruri = m.requestUri();
    assertThat(ruri).isInstanceOf(AbsoluteUri.class);
    assertThat(ruri.scheme()).isEqualTo("nobodyknowsthisscheme");
    assertThat(ruri.toString()).isEqualTo("nobodyKnowsThisScheme:totallyopaquecontent");
    // the To header is a SIP URI, but nothing routes on it
    assertThat(m.to().uri()).isInstanceOf(SipUri.class);
  }

  /** §3.3.3: "Request-URI with Known but Atypical Scheme". */
  static void novelsc(Fixture f) {
    SipMessage m =
        f.rejected(ErrorKind.UNSUPPORTED_URI_SCHEME, null, 1, "Unsupported URI Scheme (line 1)");
    Uri ruri = m.requestUri();
    assertThat(ruri.scheme()).isEqualTo("soap.beep");
    assertThat(ruri.toString()).isEqualTo("soap.beep://192.0.2.103:3002");
  }

  /** §3.3.4: "Unknown URI Schemes in Header Fields" - syntactically valid. */
  static void unksm2(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.to().uri()).isEqualTo(new AbsoluteUri("isbn", "isbn:2983792873"));
    NameAddress from = m.from();
    assertThat(from.uri()).isEqualTo(new AbsoluteUri("http", "http://www.example.com"));
    assertThat(from.tag()).isEqualTo("3234233");
    assertThat(m.contacts())
        .extracting(NameAddress::uri)
        .containsExactly(new AbsoluteUri("name", "name:John_Smith"));
  }

  /** §3.3.5: "Proxy-Require and Require". */
  static void bext01(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.headers(HeaderName.REQUIRE))
        .containsExactly("nothingSupportsThis", "nothingSupportsThisEither");
    assertThat(m.headers(HeaderName.PROXY_REQUIRE))
        .containsExactly("noProxiesSupportThis", "norDoAnyProxiesSupportThis");
    assertThat(m.topVia().transport()).isEqualTo("TLS");
  }

  /** §3.3.6: "Unknown Content-Type". */
  static void invut(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.contentType()).isEqualTo("application/unknownformat");
    bodyMatchesContentLength(m, 40);
    assertThat(text(m.body())).isEqualTo("<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n");
  }

  /** §3.3.7: "Unknown Authorization Scheme". */
  static void regaut01(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.headers(HeaderName.AUTHORIZATION))
        .containsExactly("NoOneKnowsThisScheme opaque-data=here");
    // "Content-Length:0" without SP
    bodyMatchesContentLength(m, 0);
    routing(m, "regaut01.0ha0isndaksdj", 9338, SipMethod.REGISTER, "87321hj23128", null);
  }

  /** §3.3.8: "Multiple Values in Single Value Required Fields". */
  static void multi01(Fixture f) {
    SipMessage m =
        f.rejected(ErrorKind.DUPLICATE_HEADER, "CSeq", 7, "Multiple CSeq Values (line 7)");
    assertThat(m.headers(HeaderName.CSEQ)).containsExactly("5 INVITE", "59 INVITE");
    assertThat(m.headers(HeaderName.CALL_ID))
        .containsExactly("multi01.98asdh@192.0.2.1", "multi01.98asdh@192.0.2.2");
    assertThat(m.headers(HeaderName.FROM)).hasSize(2);
    assertThat(m.headers(HeaderName.TO)).hasSize(2);
    assertThat(m.headers(HeaderName.MAX_FORWARDS)).containsExactly("70", "5");
    // two Contact values are legal
    assertThat(m.contacts()).hasSize(2);
    // the first of each is what the error answer is built from
    routing(m, "multi01.98asdh@192.0.2.1", 5, SipMethod.INVITE, "3413415", null);
  }

  /** §3.3.9: "Multiple Content-Length Values". */
  static void mcl01(Fixture f) {
    SipMessage m =
        f.rejected(
            ErrorKind.DUPLICATE_HEADER,
            "Content-Length",
            9,
            "Multiple Content-Length Values (line 9)");
    assertThat(m.headers(HeaderName.CONTENT_LENGTH)).containsExactly("13", "5");
    String file = text(f.bytes());
    assertThat(file.length() - file.indexOf("\r\n\r\n") - 4).isEqualTo(67);
  }

  /** §3.3.10: "200 OK Response with Broadcast Via Header Field Value". */
  static void bcast(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.status()).isEqualTo(200);
    List<Via> vias = m.vias();
    assertThat(vias).hasSize(2);
    via(vias.get(1), "UDP", "255.255.255.255", -1, "z9hG4bK1saber23");
  }

  /** §3.3.11: "Max-Forwards of Zero" - 0 is a value, not "absent". */
  static void zeromf(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.maxForwards()).isZero();
    assertThat(m.method()).isSameAs(SipMethod.OPTIONS);
  }

  /** §3.3.12: "REGISTER with a Contact Header Parameter". */
  static void cparam01(Fixture f) {
    SipMessage m = f.valid();
    NameAddress contact = m.contacts().get(0);
    SipUri uri = sipUri(contact.uri());
    assertThat(uri.toString()).isEqualTo("sip:+19725552222@gw1.example.net");
    assertThat(uri.params()).isEmpty();
    assertThat(contact.params()).containsExactly(new Param("unknownparam", null));
  }

  /** §3.3.13: "REGISTER with a url-parameter". */
  static void cparam02(Fixture f) {
    SipMessage m = f.valid();
    NameAddress contact = m.contacts().get(0);
    SipUri uri = sipUri(contact.uri());
    assertThat(uri.toString()).isEqualTo("sip:+19725552222@gw1.example.net;unknownparam");
    assertThat(uri.params()).containsExactly(new Param("unknownparam", null));
    assertThat(contact.params()).isEmpty();
  }

  /** §3.3.14: "REGISTER with a URL Escaped Header". */
  static void regescrt(Fixture f) {
    SipMessage m = f.valid();
    // compact M: and L:
    assertThat(m.headerName(6)).isEqualTo(HeaderName.CONTACT);
    SipUri uri = sipUri(m.contacts().get(0).uri());
    assertThat(uri.headers()).containsExactly(new Param("Route", "%3Csip:sip.example.com%3E"));
    assertThat(percentDecode(uri.headers().get(0).value())).isEqualTo("<sip:sip.example.com>");
    // kept for a later retrieval, not turned into a Route header
    assertThat(uri.toString()).isEqualTo("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
    assertThat(m.hasRoute()).isFalse();
    bodyMatchesContentLength(m, 0);
  }

  /** §3.3.15: "Unacceptable Accept Offering". */
  static void sdp01(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.headers(HeaderName.ACCEPT)).containsExactly("text/nobodyKnowsThis");
    assertThat(m.contentType()).isEqualTo("application/sdp");
    bodyMatchesContentLength(m, 150);
  }

  /** §3.4.1: "INVITE with RFC 2543 Syntax". */
  static void inv2543(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.topViaBranch()).isNull();
    via(m.topVia(), "UDP", "iftgw.example.com", -1, null);
    assertThat(m.fromTag()).isNull();
    assertThat(m.from().tag()).isNull();
    assertThat(sipUri(m.from().uri()).param("user")).isEqualTo("phone");
    assertThat(m.maxForwards()).isEqualTo(-1);
    assertThat(m.contentLength()).isEqualTo(-1);
    // no Content-Length: the body is the rest of the datagram
    byte[] rest = Arrays.copyOfRange(f.bytes(), f.bytes().length - 105, f.bytes().length);
    assertThat(m.bodyLength()).isEqualTo(105);
    assertThat(m.body()).isEqualTo(rest);
    assertThat(text(rest)).startsWith("v=0\r\n");
    // To is an addr-spec, so ;user=phone is a header parameter
    NameAddress to = m.to();
    assertThat(to.param("user")).isEqualTo("phone");
    assertThat(sipUri(to.uri()).params()).isEmpty();
    SipUri rr = sipUri(m.nameAddresses(HeaderName.RECORD_ROUTE).get(0).uri());
    assertThat(rr.param("maddr")).isEqualTo("ss1.example.com");
    routing(m, "inv2543.1717@ift.client.example.com", 56, SipMethod.INVITE, null, null);
  }
}
