package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trunkline.sip.TortureSemanticsTest.bodyMatchesContentLength;
import static org.trunkline.sip.TortureSemanticsTest.percentDecode;
import static org.trunkline.sip.TortureSemanticsTest.routing;
import static org.trunkline.sip.TortureSemanticsTest.sipUri;
import static org.trunkline.sip.TortureSemanticsTest.text;
import static org.trunkline.sip.TortureSemanticsTest.via;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.trunkline.sip.TortureSemanticsTest.Fixture;

/** RFC 4475 §3.1.1: the valid messages, and what a parser must read from each. */
final class ValidMessageFacts {
  private ValidMessageFacts() {}

  /** §3.1.1.1: "A Short Tortuous INVITE". */
  static void wsinv(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.method()).isSameAs(SipMethod.INVITE);
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.user()).isEqualTo("vivekg");
    assertThat(ruri.host()).isEqualTo("chair-dnrc.example.com");
    assertThat(ruri.params()).containsExactly(new Param("unknownparam", null));
    // "TO :" with the value folded onto the next line
    assertThat(m.headerName(0)).isEqualTo(HeaderName.TO);
    NameAddress to = m.to();
    assertThat(to.displayName()).isNull();
    assertThat(to.uri().toString()).isEqualTo("sip:vivekg@chair-dnrc.example.com");
    assertThat(to.tag()).isEqualTo("1918181833n");
    // from   : "J Rosenberg \\\""  ... CRLF ; CRLF tag = 98asjd8
    NameAddress from = m.from();
    assertThat(from.displayName()).isEqualTo("J Rosenberg \\\"");
    assertThat(from.uri().toString()).isEqualTo("sip:jdrosen@example.com");
    assertThat(from.tag()).isEqualTo("98asjd8");
    assertThat(m.maxForwards()).isEqualTo(68);
    routing(m, "wsinv.ndaksdj@192.0.2.1", 9, SipMethod.INVITE, "98asjd8", "1918181833n");
    // three Via values; the 2nd and 3rd share one compact "v:" line
    assertThat(m.viaCount()).isEqualTo(3);
    List<Via> vias = m.vias();
    assertThat(vias).hasSize(3);
    via(vias.get(0), "UDP", "192.0.2.2", -1, "390skdjuw");
    via(vias.get(1), "TCP", "spindle.example.com", -1, "z9hG4bK9ikj8");
    via(vias.get(2), "UDP", "192.168.255.111", -1, "z9hG4bK30239");
    assertThat(m.topVia()).isEqualTo(vias.get(0));
    assertThat(m.topViaBranch()).isEqualTo("390skdjuw");
    int firstVia = m.indexOf(HeaderName.VIA);
    int secondVia = m.indexOf(HeaderName.VIA, firstVia + 1);
    assertThat(m.indexOf(HeaderName.VIA, secondVia + 1)).isEqualTo(-1);
    assertThat(m.headerLine(secondVia)).isEqualTo(22);
    // "s :" is Subject, present and empty
    assertThat(m.header(HeaderName.SUBJECT)).isEmpty();
    assertThat(m.header(HeaderName.of("NewFangledHeader")))
        .isEqualTo("newfangled value continued newfangled value");
    assertThat(m.headers(HeaderName.of("UnknownHeaderWithUnusualValue")))
        .containsExactly(";;,,;;,;");
    assertThat(m.hasRoute()).isTrue();
    List<NameAddress> routes = m.routes();
    assertThat(routes).hasSize(1);
    SipUri route = sipUri(routes.get(0).uri());
    assertThat(route.host()).isEqualTo("services.example.com");
    assertThat(route.looseRouting()).isTrue();
    assertThat(route.param("unknownwith")).isEqualTo("value");
    assertThat(route.param("unknown-no-value")).isEmpty();
    List<NameAddress> contacts = m.contacts();
    assertThat(contacts).hasSize(1);
    NameAddress contact = contacts.get(0);
    assertThat(contact.displayName()).isEqualTo("Quoted string \"\"");
    assertThat(contact.uri().toString()).isEqualTo("sip:jdrosen@example.com");
    assertThat(contact.params())
        .containsExactly(
            new Param("newparam", "newvalue"),
            new Param("secondparam", null),
            new Param("q", "0.33"));
    assertThat(m.contentType()).isEqualTo("application/sdp");
    bodyMatchesContentLength(m, 150);
    assertThat(text(m.body())).startsWith("v=0\r\n").endsWith("a=rtpmap:31 LPC\r\n");
    assertThat(text(m.body()).split("\r\n")).hasSize(8);
  }

  /** §3.1.1.2: "Wide Range of Valid Characters". */
  static void intmeth(Fixture f) {
    SipMessage m = f.valid();
    String method = "!interesting-Method0123456789_*+`.%indeed'~";
    assertThat(m.method().name()).isEqualTo(method);
    assertThat(m.method().isKnown()).isFalse();
    routing(
        m,
        "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
        139122385,
        SipMethod.valueOf(method),
        "_token~1'+`*%!-.",
        null);
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assertThat(ruri.password()).isEqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assertThat(ruri.host()).isEqualTo("example.com");
    // % is no escape in a branch
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
    assertThat(m.topVia().branch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
    // quoted-pairs of raw 0x07, 0x00 and 0x7F
    assertThat(f.bytes()).contains((byte) 0);
    assertThat(m.to().displayName()).isEqualTo("BEL:\u0007 NUL:\u0000 DEL:\u007f");
    NameAddress from = m.from();
    assertThat(from.displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
    assertThat(from.uri().toString()).isEqualTo("sip:mundane@example.com");
    assertThat(from.param("fromParam''~+*_!.-%")).isEqualTo("\"работающий\"");
    assertThat(from.tag()).isEqualTo("_token~1'+`*%!-.");
    assertThat(m.maxForwards()).isEqualTo(255);
    HeaderName ext = HeaderName.of("extensionHeader-!.%*+_`'~");
    assertThat(ext.isKnown()).isFalse();
    int i = m.indexOf(ext);
    assertThat(m.headerName(i).name()).isEqualTo("extensionHeader-!.%*+_`'~");
    assertThat(m.headerValue(i)).isEqualTo("\uFEFF大停電");
    bodyMatchesContentLength(m, 0);
  }

  /** §3.1.1.3: "Valid Use of the % Escaping Mechanism". */
  static void esc01(Fixture f) {
    SipMessage m = f.valid();
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.user()).isEqualTo("sips%3Auser%40example.com");
    assertThat(ruri.userDecoded()).isEqualTo("sips:user@example.com");
    assertThat(ruri.host()).isEqualTo("example.net");
    assertThat(sipUri(m.to().uri()).userDecoded()).isEqualTo("user");
    assertThat(sipUri(m.from().uri()).userDecoded()).isEqualTo("I have spaces");
    SipUri contact = sipUri(m.contacts().get(0).uri());
    assertThat(contact.userDecoded()).isEqualTo("caller");
    assertThat(contact.host()).isEqualTo("host5.example.net");
    // ;%6C%72 is the lr flag; n%61me=v%61lue%25%34%31 is name=value%41, unescaped once only
    assertThat(contact.param("lr")).isEmpty();
    assertThat(contact.looseRouting()).isTrue();
    assertThat(percentDecode(contact.param("name"))).isEqualTo("value%41").isNotEqualTo("valueA");
    // compact i: and C:
    assertThat(m.headerName(3)).isEqualTo(HeaderName.CALL_ID);
    routing(m, "esc01.239409asdfakjkn23onasd0-3234", 234234, SipMethod.INVITE, "938", null);
    assertThat(m.contentType()).isEqualTo("application/sdp");
    assertThat(m.maxForwards()).isEqualTo(87);
    bodyMatchesContentLength(m, 150);
  }

  /** §3.1.1.4: "Escaped Nulls in URIs". */
  static void escnull(Fixture f) {
    SipMessage m = f.valid();
    // the file has the escape %00, never a raw NUL
    assertThat(f.bytes()).doesNotContain((byte) 0);
    String nullUser = "null-\u0000-null";
    assertThat(nullUser).hasSize(11);
    assertThat(sipUri(m.to().uri()).userDecoded()).isEqualTo(nullUser);
    assertThat(sipUri(m.from().uri()).userDecoded()).isEqualTo(nullUser);
    routing(
        m,
        "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
        14398234,
        SipMethod.REGISTER,
        "839923423",
        null);
    List<NameAddress> contacts = m.contacts();
    assertThat(contacts).hasSize(2);
    SipUri one = sipUri(contacts.get(0).uri());
    SipUri two = sipUri(contacts.get(1).uri());
    assertThat(one.userDecoded()).isEqualTo("\u0000");
    assertThat(two.userDecoded()).isEqualTo("\u0000\u0000");
    // "This request registers two distinct contact URIs"
    assertThat(one).isNotEqualTo(two);
    assertThat(one.host()).isEqualTo(two.host()).isEqualTo("host5.example.com");
    // compact "L:0"
    assertThat(m.headerName(m.headerCount() - 1)).isEqualTo(HeaderName.CONTENT_LENGTH);
    bodyMatchesContentLength(m, 0);
  }

  /** §3.1.1.5: "Use of % When It Is Not an Escape". */
  static void esc02(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.method().name()).isEqualTo("RE%47IST%45R");
    assertThat(m.method().isKnown()).isFalse();
    assertThat(m.method()).isNotEqualTo(SipMethod.REGISTER);
    routing(
        m,
        "esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf",
        29344,
        SipMethod.valueOf("RE%47IST%45R"),
        "f232jadfj23",
        null);
    assertThat(m.to().displayName()).isEqualTo("%Z%45");
    assertThat(m.from().displayName()).isEqualTo("%Z%45");
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bK209%fzsnel234");
    // exactly two Contact values, "not three": C%6Fntact is another header
    assertThat(m.contacts())
        .extracting(a -> a.uri().toString())
        .containsExactly("sip:alias1@host1.example.com", "sip:alias3@host3.example.com");
    HeaderName other = HeaderName.of("C%6Fntact");
    assertThat(other.isKnown()).isFalse();
    assertThat(m.headers(other)).containsExactly("<sip:alias2@host2.example.com>");
    bodyMatchesContentLength(m, 0);
  }

  /** §3.1.1.6: "Message with No LWS between Display Name and <". */
  static void lwsdisp(Fixture f) {
    SipMessage m = f.valid();
    NameAddress from = m.from();
    assertThat(from.displayName()).isEqualTo("caller");
    assertThat(from.uri().toString()).isEqualTo("sip:caller@example.com");
    routing(m, "lwsdisp.1234abcd@funky.example.com", 60, SipMethod.OPTIONS, "323", null);
    assertThat(m.method()).isSameAs(SipMethod.OPTIONS);
    bodyMatchesContentLength(m, 0);
  }

  /** §3.1.1.7: "Long Values in Header Fields". */
  static void longreq(Fixture f) {
    SipMessage m = f.valid();
    NameAddress to = m.to();
    assertThat(to.displayName())
        .isEqualTo("I have a user name of " + "extreme".repeat(10) + " proportion");
    SipUri toUri = sipUri(to.uri());
    assertThat(toUri.host()).isEqualTo("example.com");
    assertThat(toUri.port()).isEqualTo(6000);
    assertThat(toUri.params())
        .containsExactly(
            new Param("unknownparam1", "very" + "long".repeat(20) + "value"),
            new Param("longparam" + "name".repeat(25), "shortvalue"),
            new Param("very" + "long".repeat(25) + "ParameterNameWithNoValue", null));
    NameAddress from = m.from();
    String caller = "amazinglylongcallername".repeat(5);
    assertThat(sipUri(from.uri()).user()).isEqualTo(caller);
    String tag = "12" + "982".repeat(50) + "424";
    assertThat(from.params())
        .containsExactly(
            new Param("tag", tag),
            new Param(
                "unknownheaderparam" + "name".repeat(20), "unknowheaderparam" + "value".repeat(15)),
            new Param("unknownValueless" + "paramname".repeat(10), null));
    routing(
        m,
        "longreq.one" + "really".repeat(20) + "longcallid",
        3882340,
        SipMethod.INVITE,
        tag,
        null);
    String longs = "long".repeat(20);
    assertThat(m.header(HeaderName.of("Unknown-" + "Long".repeat(20) + "-Name")))
        .isEqualTo(
            "unknown-"
                + longs
                + "-value; unknown-"
                + longs
                + "-parameter-name = unknown-"
                + longs
                + "-parameter-value");
    // 34 Via values, one per line, spelt with every case and spacing of the name
    assertThat(m.viaCount()).isEqualTo(34);
    List<Via> vias = m.vias();
    assertThat(vias).hasSize(34);
    for (int i = 0; i < 33; i++) {
      via(vias.get(i), "TCP", "sip" + (33 - i) + ".example.com", -1, null);
    }
    Via last = vias.get(33);
    via(last, "TCP", "host.example.com", -1, "very" + "long".repeat(50) + "branchvalue");
    assertThat(last.param("received")).isEqualTo("192.0.2.5");
    // the top Via (sip33) has no branch
    assertThat(m.topViaBranch()).isNull();
    int viaLines = 0;
    for (int i = 0; i < m.headerCount(); i++) {
      if (m.headerName(i).equals(HeaderName.VIA)) {
        viaLines++;
      }
    }
    assertThat(viaLines).isEqualTo(34);
    assertThat(sipUri(m.contacts().get(0).uri()).user()).isEqualTo(caller);
    assertThat(m.maxForwards()).isEqualTo(70);
    bodyMatchesContentLength(m, 150);
  }

  /** §3.1.1.8: "Extra Trailing Octets in a UDP Datagram". */
  static void dblreq(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.method()).isSameAs(SipMethod.REGISTER);
    routing(
        m, "dblreq.0ha0isndaksdj99sdfafnl3lk233412", 8, SipMethod.REGISTER, "43251j3j324", null);
    assertThat(m.to().uri().toString()).isEqualTo("sip:j.user@example.com");
    assertThat(m.from().uri().toString()).isEqualTo("sip:j.user@example.com");
    assertThat(m.maxForwards()).isEqualTo(8);
    via(m.topVia(), "UDP", "192.0.2.125", -1, "z9hG4bKkdjuw23492");
    bodyMatchesContentLength(m, 0);
    // the message ends at Content-Length; the 450 trailing octets are not part of it
    assertThat(f.bytes().length - m.length()).isEqualTo(450);
    String trailing = text(Arrays.copyOfRange(f.bytes(), m.length(), f.bytes().length));
    assertThat(trailing).startsWith("\r\nINVITE sip:joe@example.com SIP/2.0\r\n");
    assertThat(text(m.toBytes())).endsWith("Content-Length: 0\r\n\r\n").doesNotContain("INVITE");
    // nothing forwarded carries them either
    assertThat(text(m.edit().toBytes())).doesNotContain("INVITE");
  }

  /** §3.1.1.9: "Semicolon-Separated Parameters in URI User Part". */
  static void semiuri(Fixture f) {
    SipMessage m = f.valid();
    SipUri ruri = sipUri(m.requestUri());
    assertThat(ruri.user()).isEqualTo("user;par=u%40example.net");
    assertThat(ruri.userDecoded()).isEqualTo("user;par=u@example.net");
    assertThat(ruri.host()).isEqualTo("example.com");
    assertThat(ruri.params()).isEmpty();
    assertThat(m.headers(HeaderName.ACCEPT))
        .containsExactly(
            "application/sdp",
            "application/pkcs7-mime",
            "multipart/mixed",
            "multipart/signed",
            "message/sip",
            "message/sipfrag");
    routing(m, "semiuri.0ha0isndaksdj", 8, SipMethod.OPTIONS, "33242", null);
    assertThat(m.maxForwards()).isEqualTo(3);
  }

  /** §3.1.1.10: "Varied and Unknown Transport Types". */
  static void transports(Fixture f) {
    SipMessage m = f.valid();
    List<Via> vias = m.vias();
    assertThat(vias)
        .extracting(Via::transport)
        .containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
    assertThat(vias)
        .extracting(Via::host)
        .containsExactly(
            "t1.example.com",
            "t2.example.com",
            "t3.example.com",
            "t4.example.com",
            "t5.example.com");
    assertThat(m.viaCount()).isEqualTo(5);
    // "Call-ID:  transports..." - the two spaces are not part of the value
    assertThat(m.callId()).isEqualTo("transports.kijh4akdnaqjkwendsasfdj");
  }

  /** §3.1.1.11: "Multipart MIME Message". */
  static void mpart01(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.method()).isSameAs(SipMethod.MESSAGE);
    assertThat(m.contentType()).isEqualTo("multipart/mixed;boundary=7a9cbec02ceef655");
    bodyMatchesContentLength(m, 553);
    byte[] expected = Arrays.copyOfRange(f.bytes(), f.bytes().length - 553, f.bytes().length);
    assertThat(m.body()).isEqualTo(expected);
    String body = new String(m.body(), StandardCharsets.ISO_8859_1);
    assertThat(body).startsWith("--7a9cbec02ceef655\r\nContent-Type: text/plain\r\n");
    assertThat(body).contains("\r\n\r\nHello\r\n").endsWith("--7a9cbec02ceef655--\r\n");
    // the DER part starts 30 82 01 52 and holds NUL bytes
    assertThat(body).contains("binary\r\n\r\n\u0030\u0082\u0001\u0052");
    assertThat(m.body()).contains((byte) 0);
    Via top = m.topVia();
    via(top, "UDP", "127.0.0.1", 5070, "z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-");
    assertThat(top.params()).contains(new Param("rport", null));
    assertThat(top.param("rport")).isEmpty();
    assertThat(m.headers(HeaderName.IDENTITY)).hasSize(1);
    routing(
        m, "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", 1, SipMethod.MESSAGE, "2fb0dcc9", null);
    assertThat(m.header(HeaderName.DATE)).isEqualTo("Sat, 15 Oct 2005 04:44:56 GMT");
  }

  /** §3.1.1.12: "Unusual Reason Phrase". */
  static void unreason(Fixture f) {
    SipMessage m = f.valid();
    assertThat(m.isRequest()).isFalse();
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.reason()).isEqualTo("= 2**3 * 5**2 но сто девяносто девять - простое");
    assertThat(m.reason().getBytes(StandardCharsets.UTF_8))
        .startsWith(
            0x3D, 0x20, 0x32, 0x2A, 0x2A, 0x33, 0x20, 0x2A, 0x20, 0x35, 0x2A, 0x2A, 0x32, 0x20,
            0xD0, 0xBD, 0xD0, 0xBE, 0x20);
    routing(m, "unreason.1234ksdfak3j2erwedfsASdf", 35, SipMethod.INVITE, "11141343", "2229");
    bodyMatchesContentLength(m, 154);
  }

  /** §3.1.1.13: "Empty Reason Phrase". */
  static void noreason(Fixture f) {
    SipMessage m = f.valid();
    assertThat(text(f.bytes())).startsWith("SIP/2.0 100 \r\n");
    assertThat(m.status()).isEqualTo(100);
    assertThat(m.reason()).isEmpty();
    routing(m, "noreason.asndj203insdf99223ndf", 35, SipMethod.INVITE, "39ansfi3", "902jndnke3");
    bodyMatchesContentLength(m, 0);
  }
}
