package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.Via;

/**
 * {@link Responses#build} writes bytes; this compares it, byte for byte, with the String builder it
 * replaced ({@link Reference}, kept here as it was) over hand-picked requests and seeded random
 * variations of them: Vias with and without rport and received, several values per line, quoted
 * commas, IPv6, folds, non-ASCII display names; sources IPv4, IPv6 and none; bodies and extra
 * header lines.
 */
class ResponsesTest {
  private static final SipParser PARSER = new SipParser();

  static final String[] VIAS = {
    "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1",
    "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1",
    "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK2",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK2;RPort",
    "SIP/2.0/UDP pbx.example.com;branch=z9hG4bK3;rport=5070;received=198.51.100.1",
    "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK4 , SIP/2.0/TCP 192.0.2.9;branch=z9hG4bK5",
    "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK6;rport ;x=1,SIP/2.0/UDP 192.0.2.2;rport",
    "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK7;rport",
    "SIP/2.0/UDP [2001:DB8::9]:5060;branch=z9hG4bK7",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK8;x=\"a,b\";rport",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9;rportx;rport",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport=",
    "SIP/2.0/UDP 192.0.2.1\r\n ;branch=z9hG4bKb;rport",
    "SIP/2.0/UDP host-\u00e9.example;branch=z9hG4bKc",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKd;rport;received=192.0.2.1",
    "SIP/2.0/UDP 192.0.2.01:5060;branch=z9hG4bKe",
    "SIP/2.0/UDP 127.000.0.1;branch=z9hG4bKf;rport",
    "SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKg",
    "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKh",
    // the name received in another place than a parameter's name, and a parameter of it in capitals
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKreceived;x=RECEIVED",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKi; Received=198.51.100.7",
    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKj;rport;RECEIVED",
    "not a via at all",
  };

  static final String[] FROMS = {
    "<sip:alice@example.com>;tag=a1",
    "\"Al\u00efce \u2603\" <sip:alice@example.com>;tag=a1",
    "sip:alice@example.com",
    "<sip:alice@example.com>\r\n\t;tag=a1",
    "<sip:alice@example.com>;tag=a1;x=\"q\tt\"",
  };

  static final String[] TOS = {
    "<sip:bob@example.com>",
    "<sip:bob@example.com>;tag=t9",
    "\"B\u00f6b\" <sip:bob@example.com>",
    "<sip:bob@example.com> \r\n ;x=1",
  };

  static final InetSocketAddress[] SOURCES = {
    null,
    new InetSocketAddress(InetAddress.getLoopbackAddress(), 5062),
    address("192.0.2.1", 5060),
    address("2001:db8::1", 5090),
  };

  static final String[][] HEADERS = {
    {},
    {"Contact: <sip:u1@192.0.2.1:5060>;expires=3600", "Date: Fri, 27 Nov 2026 18:00:00 GMT"},
    {"WWW-Authenticate: Digest realm=\"r\u00e9alm\", nonce=\"abc\"", "Retry-After: 5"},
  };

  private static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static String request(String method, String via, String from, String to, long cseq, boolean two) {
    return method
        + " sip:registrar.example.com SIP/2.0\r\n"
        + "Via: "
        + via
        + "\r\n"
        + (two ? "v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKsecond\r\n" : "")
        + "Max-Forwards: 70\r\n"
        + "From: "
        + from
        + "\r\n"
        + "To: "
        + to
        + "\r\n"
        + "Call-ID: c-"
        + cseq
        + "@192.0.2.1\r\n"
        + "CSeq: "
        + cseq
        + " "
        + method
        + "\r\n"
        + "Contact: <sip:u1@192.0.2.1:5060>\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  static SipMessage parse(String text) {
    return PARSER.parseDatagram(text.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Object[]> cases() {
    List<Object[]> out = new ArrayList<>();
    for (String via : VIAS) {
      for (String from : FROMS) {
        for (String to : TOS) {
          for (InetSocketAddress source : SOURCES) {
            out.add(new Object[] {request("REGISTER", via, from, to, 2, false), source});
          }
        }
      }
      out.add(new Object[] {request("INVITE", via, FROMS[0], TOS[0], 0, true), SOURCES[1]});
      out.add(
          new Object[] {request("OPTIONS", via, FROMS[0], TOS[0], 4294967295L, true), SOURCES[2]});
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void writesTheSameBytesAsTheStringBuilderDid(String text, InetSocketAddress source) {
    SipMessage req = parse(text);
    for (int status : new int[] {100, 200, 401, 400}) {
      for (String[] headers : HEADERS) {
        assertSame(req, status, source, null, new byte[0], headers);
      }
    }
    byte[] body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n\u00e9".getBytes(StandardCharsets.UTF_8);
    assertSame(req, 200, source, "application/sdp", body, HEADERS[1]);
    assertSame(req, 200, source, null, body, HEADERS[0]);
    assertThat(Responses.toTag(req)).isEqualTo(Reference.toTag(req));
  }

  @Test
  void seededVariationsWriteTheSameBytes() {
    Random r = new Random(5);
    String alphabet = "aZ09;=, \t\"<>:[]./-_rportRPORTreceived\u00e9\u2603";
    int compared = 0;
    for (int n = 0; n < 3000; n++) {
      StringBuilder via = new StringBuilder(VIAS[r.nextInt(VIAS.length)]);
      for (int k = r.nextInt(4); k > 0; k--) {
        int at = r.nextInt(via.length() + 1);
        via.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
      }
      if (r.nextBoolean()) {
        via.append(r.nextBoolean() ? ";rport" : ";RPORT ;x");
      }
      String text =
          request(
              "REGISTER",
              via.toString(),
              FROMS[r.nextInt(FROMS.length)],
              TOS[r.nextInt(TOS.length)],
              r.nextInt(1_000_000),
              r.nextBoolean());
      SipMessage req = parse(text);
      if (req.indexOf(HeaderName.VIA) < 0) {
        continue;
      }
      assertSame(
          req,
          200 + r.nextInt(400),
          SOURCES[r.nextInt(SOURCES.length)],
          null,
          new byte[0],
          HEADERS[r.nextInt(HEADERS.length)]);
      compared++;
    }
    assertThat(compared).isGreaterThan(2000);
  }

  @Test
  void aMalformedRequestIsStillAnsweredWithWhatParsed() {
    // a 400 copies what it can: the Via that does not parse comes back as it was
    SipMessage req = parse(request("REGISTER", "SIP/2.0/UDP ;;;", FROMS[0], TOS[0], 1, false));
    byte[] b = Responses.build(req, 400, "Bad Via", SOURCES[2]);
    assertThat(new String(b, StandardCharsets.UTF_8)).contains("\r\nVia: SIP/2.0/UDP ;;;\r\n");
    assertThat(b).isEqualTo(Reference.build(req, 400, "Bad Via", SOURCES[2], null, new byte[0]));
  }

  @Test
  void theTopViaGetsRportAndReceived() {
    SipMessage req =
        parse(
            request(
                "REGISTER",
                "SIP/2.0/UDP 10.1.1.1:5060;rport;branch=z9hG4bKx",
                FROMS[0],
                TOS[0],
                1,
                false));
    String text = new String(Responses.build(req, 200, "OK", SOURCES[2]), StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith("SIP/2.0 200 OK\r\n")
        .contains(
            "\r\nVia: SIP/2.0/UDP 10.1.1.1:5060;rport=5060;branch=z9hG4bKx;received=192.0.2.1\r\n")
        .contains("\r\nTo: <sip:bob@example.com>;tag=tl")
        .endsWith("Server: Trunkline\r\nContent-Length: 0\r\n\r\n");
  }

  /** Sent-by against the source without formatting it: as getHostAddress's text compares. */
  @Test
  void aViaHostIsTheSourceOnlyInTheFormGetHostAddressWrites() throws Exception {
    InetAddress v4 = InetAddress.getByName("192.0.2.1");
    assertThat(Responses.sentFrom("192.0.2.1", v4)).isTrue();
    assertThat(Responses.sentFrom("[192.0.2.1]", v4)).isTrue();
    for (String other :
        List.of(
            "192.0.2.01",
            "0192.0.2.1",
            "192.0.2.2",
            "192.0.2.10",
            "192.0.2.1.",
            "192.0.2",
            "192.0.2.1000",
            "192.0.2.256",
            "192.0.2.1x",
            "pbx.example.com",
            "",
            "255.255.255.255")) {
      assertThat(Responses.sentFrom(other, v4)).as(other).isFalse();
    }
    InetAddress all = InetAddress.getByName("255.255.255.255");
    assertThat(Responses.sentFrom("255.255.255.255", all)).isTrue();
    assertThat(Responses.sentFrom("255.255.255.254", all)).isFalse();
    InetAddress v6 = InetAddress.getByName("2001:db8::1");
    assertThat(Responses.sentFrom("[2001:DB8:0:0:0:0:0:1]", v6)).isTrue();
    assertThat(Responses.sentFrom("[2001:db8::1]", v6)).as("not getHostAddress's text").isFalse();
    // seeded addresses: the text getHostAddress writes is the source, one changed byte is not
    Random r = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      byte[] b = new byte[4];
      r.nextBytes(b);
      InetAddress a = InetAddress.getByAddress(b);
      String text = a.getHostAddress();
      assertThat(Responses.sentFrom(text, a)).as(text).isTrue();
      b[r.nextInt(4)] ^= (byte) (1 + r.nextInt(255));
      assertThat(Responses.sentFrom(text, InetAddress.getByAddress(b))).as(text).isFalse();
    }
  }

  @Test
  void bytesThatAreNotUtf8AreWrittenAsTheirDecodedTextWas() {
    // a value's bytes are copied only when they are their own text; these decode to U+FFFD
    String text =
        request("REGISTER", VIAS[2] + "x\u00ff", "\u00fe<sip:a@x>;tag=1", TOS[0], 3, true);
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    SipMessage req = PARSER.parseDatagram(b);
    assertThat(req.header(HeaderName.FROM)).startsWith("\ufffd");
    for (InetSocketAddress source : SOURCES) {
      assertSame(req, 200, source, null, new byte[0], HEADERS[0]);
      assertSame(req, 401, source, null, new byte[0], HEADERS[2]);
    }
  }

  @Test
  void rawValueBoundsAreTheHeaderValuesBytes() {
    SipMessage req = parse(request("REGISTER", VIAS[5], FROMS[0], TOS[3], 7, true));
    for (int i = 0; i < req.headerCount(); i++) {
      String raw =
          new String(
              req.array(),
              req.rawValueStart(i),
              req.rawValueEnd(i) - req.rawValueStart(i),
              StandardCharsets.UTF_8);
      if (i == req.indexOf(HeaderName.TO)) {
        // a fold: the raw bytes keep it, the value has one space for it
        assertThat(raw).isEqualTo("<sip:bob@example.com> \r\n ;x=1");
        assertThat(req.headerValue(i)).isEqualTo("<sip:bob@example.com> ;x=1");
      } else {
        assertThat(raw).as("line %d", i).isEqualTo(req.headerValue(i));
      }
    }
  }

  @Test
  void aLargeResponseGrowsTheBufferAndTheNextIsStillRight() {
    SipMessage req = parse(request("REGISTER", VIAS[2], FROMS[0], TOS[0], 1, false));
    String big = "X-Big: " + "y".repeat(40_000);
    assertSame(req, 200, SOURCES[1], null, new byte[0], new String[] {big});
    assertSame(req, 200, SOURCES[1], null, new byte[0], HEADERS[1]);
  }

  private static void assertSame(
      SipMessage req,
      int status,
      InetSocketAddress source,
      String contentType,
      byte[] body,
      String[] headers) {
    byte[] expected =
        Reference.build(req, status, "Reason \u00e9", source, contentType, body, headers);
    byte[] actual =
        Responses.build(req, status, "Reason \u00e9", source, contentType, body, headers);
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .as("%s from %s", req, source)
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected);
    // the same with the tag the caller already has (a B2BUA relaying several answers)
    assertThat(
            Responses.buildTagged(
                req,
                Responses.toTag(req),
                status,
                "Reason \u00e9",
                source,
                contentType,
                body,
                headers))
        .isEqualTo(expected);
  }

  @Test
  void aTagGivenByTheCallerIsTheOneWrittenWhenTheRequestHasNone() {
    SipMessage req = parse(request("INVITE", VIAS[0], FROMS[0], TOS[0], 1, false));
    String text =
        new String(
            Responses.buildTagged(req, "tlgiven", 180, "Ringing", SOURCES[1], null, new byte[0]),
            StandardCharsets.UTF_8);
    assertThat(text).contains("\r\nTo: <sip:bob@example.com>;tag=tlgiven\r\n");
    SipMessage tagged = parse(request("INVITE", VIAS[0], FROMS[0], TOS[1], 1, false));
    assertThat(
            new String(
                Responses.buildTagged(
                    tagged, "tlgiven", 180, "Ringing", SOURCES[1], null, new byte[0]),
                StandardCharsets.UTF_8))
        .contains("\r\nTo: <sip:bob@example.com>;tag=t9\r\n")
        .doesNotContain("tlgiven");
  }

  /** The builder as it was before it wrote bytes (main 2477f55), kept as the reference. */
  static final class Reference {
    static byte[] build(
        SipMessage req,
        int status,
        String reason,
        InetSocketAddress source,
        String contentType,
        byte[] body,
        String... headers) {
      StringBuilder sb = new StringBuilder(512);
      sb.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
      boolean top = true;
      for (int i = req.indexOf(HeaderName.VIA); i >= 0; i = req.indexOf(HeaderName.VIA, i + 1)) {
        String v = req.headerValue(i);
        if (top) {
          int comma = v.indexOf(',');
          String first = comma < 0 ? v : v.substring(0, comma);
          v = markTopVia(first.strip(), source) + (comma < 0 ? "" : v.substring(comma));
          top = false;
        }
        line(sb, "Via", v);
      }
      line(sb, "From", req.header(HeaderName.FROM));
      String to = req.header(HeaderName.TO);
      if (to != null) {
        // §8.2.6.2: a tag on every response but 100 when the request had none.
        line(sb, "To", req.toTag() == null && status > 100 ? to + ";tag=" + toTag(req) : to);
      }
      line(sb, "Call-ID", req.header(HeaderName.CALL_ID));
      line(sb, "CSeq", req.header(HeaderName.CSEQ));
      for (String h : headers) {
        sb.append(h).append("\r\n");
      }
      sb.append("Server: ").append(Responses.SERVER).append("\r\n");
      if (body.length > 0 && contentType != null) {
        sb.append("Content-Type: ").append(contentType).append("\r\n");
      }
      sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (body.length == 0) {
        return head;
      }
      byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
      System.arraycopy(body, 0, out, head.length, body.length);
      return out;
    }

    static String toTag(SipMessage req) {
      if (req.toTag() != null) {
        return req.toTag();
      }
      long h = 0xcbf29ce484222325L;
      for (String s :
          new String[] {
            req.callId(), req.fromTag(), req.topViaBranch(), Long.toString(req.cseqNumber())
          }) {
        if (s != null) {
          for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
          }
        }
        h = (h ^ '|') * 0x100000001b3L;
      }
      return "tl" + Responses.unsignedBase36(h);
    }

    static String markTopVia(String v, InetSocketAddress source) {
      InetAddress ip = source == null ? null : source.getAddress();
      if (ip == null) {
        return v;
      }
      Via via;
      try {
        via = Via.parse(v);
      } catch (SipParseException e) {
        return v; // a 400 for a bad Via copies it as it came
      }
      String addr = ip.getHostAddress();
      String host = via.host();
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      StringBuilder sb = new StringBuilder(v);
      if ("".equals(via.param("rport"))) {
        String lower = v.toLowerCase(Locale.ROOT);
        for (int i = lower.indexOf(";rport"); i >= 0; i = lower.indexOf(";rport", i + 1)) {
          int after = i + ";rport".length();
          if (after == lower.length()
              || lower.charAt(after) == ';'
              || lower.charAt(after) == ' '
              || lower.charAt(after) == '\t') {
            sb.insert(after, "=" + source.getPort());
            break;
          }
        }
      }
      if (!host.equalsIgnoreCase(addr) && via.param("received") == null) {
        sb.append(";received=").append(addr);
      }
      return sb.toString();
    }

    private static void line(StringBuilder sb, String name, String value) {
      if (value != null) {
        sb.append(name).append(": ").append(value).append("\r\n");
      }
    }
  }
}
