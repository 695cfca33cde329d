package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trunkline.sip.TortureSemanticsTest.bodyMatchesContentLength;
import static org.trunkline.sip.TortureSemanticsTest.routing;
import static org.trunkline.sip.TortureSemanticsTest.sipUri;
import static org.trunkline.sip.TortureSemanticsTest.text;
import static org.trunkline.sip.TortureSemanticsTest.throwsParseException;
import static org.trunkline.sip.TortureSemanticsTest.via;

import java.util.List;
import org.trunkline.sip.TortureSemanticsTest.Fixture;

/**
 * RFC 5118 §4: IPv6 references in URIs, Via and received, and the RFC's own Content-Length defects.
 */
final class Ipv6Facts {
  private Ipv6Facts() {}

  private static void hostPort(Uri u, String host, int port) {
    SipUri s = sipUri(u);
    assertThat(s.host()).isEqualTo(host);
    assertThat(s.port()).isEqualTo(port);
  }

  /** §4.1: "Valid SIP Message with an IPv6 Reference". */
  static void ipv6Good(Fixture f) {
    SipMessage m = f.valid();
    hostPort(m.requestUri(), "[2001:db8::10]", -1);
    via(m.topVia(), "UDP", "[2001:db8::9:1]", -1, "z9hG4bKas3-111");
    NameAddress contact = m.contacts().get(0);
    assertThat(contact.displayName()).isEqualTo("Caller");
    hostPort(contact.uri(), "[2001:db8::1]", -1);
    assertThat(m.to().uri().toString()).isEqualTo("sip:user@example.com");
    routing(m, "SSG9559905523997077@hlau_4100", 98176, SipMethod.REGISTER, "81x2", null);
    bodyMatchesContentLength(m, 0);
  }

  /** §4.2: "Invalid SIP Message with an IPv6 Reference" - no brackets. */
  static void ipv6Bad(Fixture f) {
    SipMessage m = f.rejected(ErrorKind.BAD_REQUEST_URI, null, 1, "Bad Request-URI (line 1)");
    assertThat(f.error().column()).isEqualTo(10);
    assertThat(m.requestUriText()).isEqualTo("sip:2001:db8::10");
    throwsParseException(() -> m.requestUri());
    routing(m, "SSG9559905523997077@hlau_4100", 98176, SipMethod.REGISTER, "81x2", null);
  }

  /** §4.3: "Port Ambiguous in a SIP URI" - 5070 is the last group of the address, not a port. */
  static void portAmbiguous(Fixture f) {
    hostPort(f.valid().requestUri(), "[2001:db8::10:5070]", -1);
  }

  /** §4.4: "Port Unambiguous in a SIP URI". */
  static void portUnambiguous(Fixture f) {
    hostPort(f.valid().requestUri(), "[2001:db8::10]", 5070);
  }

  private static String unbracket(String s) {
    return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
  }

  /** §4.5: "IPv6 Reference Delimiters in Via Header" - received with brackets. */
  static void receivedWithDelim(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.method()).isSameAs(SipMethod.BYE);
    Via top = m.topVia();
    via(top, "UDP", "[2001:db8::9:1]", -1, "z9hG4bKas3-111");
    assertThat(unbracket(top.param("received"))).isEqualTo("2001:db8::9:255");
    routing(m, "SSG9559905523997077@hlau_4100", 321, SipMethod.BYE, "81x2", "bd76ya");
  }

  /** §4.5: received without brackets. */
  static void receivedNoDelim(Fixture f) {
    SipMessage m = f.valid();
    Via top = m.topVia();
    via(top, "UDP", "[2001:db8::9:1]", -1, "z9hG4bKas3");
    assertThat(top.param("received")).isEqualTo("2001:db8::9:255");
    NameAddress contact = m.contacts().get(0);
    assertThat(contact.displayName()).isEqualTo("Caller");
    hostPort(contact.uri(), "[2001:db8::9:1]", -1);
    routing(m, "SSG95523997077@hlau_4100", 921, SipMethod.OPTIONS, "81x2", null);
  }

  /** §4.6: "SIP Request with IPv6 Addresses in SDP Body" - and Content-Length 268 > 251 octets. */
  static void ipv6InSdp(Fixture f) {
    SipMessage m =
        f.rejected(
            ErrorKind.CONTENT_LENGTH_EXCEEDS_MESSAGE,
            "Content-Length",
            10,
            "Content-Length Larger Than Message (line 10)");
    assertThat(m.contentLength()).isEqualTo(268);
    assertThat(m.bodyLength()).isEqualTo(251);
    hostPort(m.requestUri(), "[2001:db8::10]", -1);
    hostPort(m.to().uri(), "[2001:db8::10]", -1);
    via(m.topVia(), "UDP", "[2001:db8::20]", -1, "z9hG4bKas3-111");
    hostPort(m.contacts().get(0).uri(), "[2001:db8::20]", -1);
    assertThat(text(m.body())).contains("c=IN IP6 2001:db8::20\r\n");
  }

  /** §4.7: "Multiple IP Addresses in SIP Headers". */
  static void multIpInHeader(Fixture f) {
    SipMessage m = f.valid();
    List<Via> vias = m.vias();
    assertThat(vias).hasSize(3);
    via(vias.get(0), "UDP", "[2001:db8::9:1]", 6050, "z9hG4bKas3-111");
    via(vias.get(1), "UDP", "192.0.2.1", -1, "z9hG4bKjhja8781hjuaij65144");
    via(vias.get(2), "TCP", "[2001:db8::9:255]", -1, "z9hG4bK451jj");
    assertThat(vias.get(2).param("received")).isEqualTo("192.0.2.200");
    routing(m, "997077@lau_4100", 89187, SipMethod.BYE, "81x2", "9817--94");
  }

  /** §4.8: "Multiple IP Addresses in SDP" - Content-Length 181 cuts the 189-octet body. */
  static void multIpInSdp(Fixture f) {
    SipMessage m = f.valid();
    hostPort(m.requestUri(), "[2001:db8::10]", -1);
    via(m.topVia(), "UDP", "[2001:db8::9:1]", -1, "z9hG4bKas3-111");
    bodyMatchesContentLength(m, 181);
    String body = text(m.body());
    assertThat(body).contains("\r\ns=\r\n", "c=IN IP4 192.0.2.1\r\n", "c=IN IP6 2001:db8::1\r\n");
    assertThat(body).endsWith("a=rtpmap:107 H263-1998");
    assertThat(text(f.bytes())).endsWith("a=rtpmap:107 H263-1998/90000\r\n");
    assertThat(f.bytes().length - m.length()).isEqualTo(8);
  }

  /** §4.9: "IPv4-Mapped IPv6 Addresses" - Content-Length 236 cuts the 245-octet body. */
  static void ipv4MappedIpv6(Fixture f) {
    SipMessage m = f.valid();
    List<Via> vias = m.vias();
    via(vias.get(0), "UDP", "[::ffff:192.0.2.10]", 19823, "z9hG4bKbh19");
    via(vias.get(1), "UDP", "[::ffff:192.0.2.2]", -1, "z9hG4bKas3-111");
    NameAddress contact = m.contacts().get(0);
    assertThat(contact.displayName()).isEqualTo("T. desk phone");
    hostPort(contact.uri(), "[::ffff:192.0.2.2]", -1);
    bodyMatchesContentLength(m, 236);
    assertThat(text(m.body()))
        .contains("c=IN IP6 ::ffff:192.0.2.2\r\n")
        .endsWith("a=rtpmap:107 H263-199");
    assertThat(f.bytes().length - m.length()).isEqualTo(9);
  }

  /** §4.10: "IPv6 Reference Bug in RFC 3261 ABNF" - the 3-colon form is tolerated. */
  static void threeColons(Fixture f) {
    SipMessage m = f.valid();
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.user()).isEqualTo("user");
    hostPort(ruri, "[2001:db8:::192.0.2.1]", -1);
    hostPort(m.to().uri(), "[2001:db8:::192.0.2.1]", -1);
    routing(m, "G9559905523997077@hlau_4100", 689, SipMethod.OPTIONS, "810x2", null);
  }

  /** §4.10: the correct 2-colon form. */
  static void twoColons(Fixture f) {
    SipMessage m = f.valid();
    hostPort(m.requestUri(), "[2001:db8::192.0.2.1]", -1);
    hostPort(m.to().uri(), "[2001:db8::192.0.2.1]", -1);
    routing(m, "G9559905523997077@hlau_4100", 689, SipMethod.OPTIONS, "810x2", null);
  }
}
