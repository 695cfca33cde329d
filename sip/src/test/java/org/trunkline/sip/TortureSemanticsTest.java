package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors.Vector;

/**
 * The facts the manifest's {@code semantics} column states for each RFC 4475 / RFC 5118 vector,
 * checked through the public API. {@link TortureVectorTest} checks only accept/reject; this test
 * checks what was read. Every vector must have an entry here, so a new vector without its facts
 * fails the build. The checks live in one class per RFC section.
 */
class TortureSemanticsTest {
  static final Map<String, Consumer<Fixture>> FACTS =
      Map.ofEntries(
          // RFC 4475 §3.1.1: valid messages
          Map.entry("wsinv", ValidMessageFacts::wsinv),
          Map.entry("intmeth", ValidMessageFacts::intmeth),
          Map.entry("esc01", ValidMessageFacts::esc01),
          Map.entry("escnull", ValidMessageFacts::escnull),
          Map.entry("esc02", ValidMessageFacts::esc02),
          Map.entry("lwsdisp", ValidMessageFacts::lwsdisp),
          Map.entry("longreq", ValidMessageFacts::longreq),
          Map.entry("dblreq", ValidMessageFacts::dblreq),
          Map.entry("semiuri", ValidMessageFacts::semiuri),
          Map.entry("transports", ValidMessageFacts::transports),
          Map.entry("mpart01", ValidMessageFacts::mpart01),
          Map.entry("unreason", ValidMessageFacts::unreason),
          Map.entry("noreason", ValidMessageFacts::noreason),
          // RFC 4475 §3.1.2: invalid messages
          Map.entry("badinv01", InvalidMessageFacts::badinv01),
          Map.entry("clerr", InvalidMessageFacts::clerr),
          Map.entry("ncl", InvalidMessageFacts::ncl),
          Map.entry("scalar02", InvalidMessageFacts::scalar02),
          Map.entry("scalarlg", InvalidMessageFacts::scalarlg),
          Map.entry("quotbal", InvalidMessageFacts::quotbal),
          Map.entry("ltgtruri", InvalidMessageFacts::ltgtruri),
          Map.entry("lwsruri", InvalidMessageFacts::lwsruri),
          Map.entry("lwsstart", InvalidMessageFacts::lwsstart),
          Map.entry("trws", InvalidMessageFacts::trws),
          Map.entry("escruri", InvalidMessageFacts::escruri),
          Map.entry("baddate", InvalidMessageFacts::baddate),
          Map.entry("regbadct", InvalidMessageFacts::regbadct),
          Map.entry("badaspec", InvalidMessageFacts::badaspec),
          Map.entry("baddn", InvalidMessageFacts::baddn),
          Map.entry("badvers", InvalidMessageFacts::badvers),
          Map.entry("mismatch01", InvalidMessageFacts::mismatch01),
          Map.entry("mismatch02", InvalidMessageFacts::mismatch02),
          Map.entry("bigcode", InvalidMessageFacts::bigcode),
          // RFC 4475 §3.2-3.4: transaction layer, application layer, backward compatibility
          Map.entry("badbranch", ApplicationLayerFacts::badbranch),
          Map.entry("insuf", ApplicationLayerFacts::insuf),
          Map.entry("unkscm", ApplicationLayerFacts::unkscm),
          Map.entry("novelsc", ApplicationLayerFacts::novelsc),
          Map.entry("unksm2", ApplicationLayerFacts::unksm2),
          Map.entry("bext01", ApplicationLayerFacts::bext01),
          Map.entry("invut", ApplicationLayerFacts::invut),
          Map.entry("regaut01", ApplicationLayerFacts::regaut01),
          Map.entry("multi01", ApplicationLayerFacts::multi01),
          Map.entry("mcl01", ApplicationLayerFacts::mcl01),
          Map.entry("bcast", ApplicationLayerFacts::bcast),
          Map.entry("zeromf", ApplicationLayerFacts::zeromf),
          Map.entry("cparam01", ApplicationLayerFacts::cparam01),
          Map.entry("cparam02", ApplicationLayerFacts::cparam02),
          Map.entry("regescrt", ApplicationLayerFacts::regescrt),
          Map.entry("sdp01", ApplicationLayerFacts::sdp01),
          Map.entry("inv2543", ApplicationLayerFacts::inv2543),
          // RFC 5118 §4
          Map.entry("ipv6-good", Ipv6Facts::ipv6Good),
          Map.entry("ipv6-bad", Ipv6Facts::ipv6Bad),
          Map.entry("port-ambiguous", Ipv6Facts::portAmbiguous),
          Map.entry("port-unambiguous", Ipv6Facts::portUnambiguous),
          Map.entry("via-received-param-with-delim", Ipv6Facts::receivedWithDelim),
          Map.entry("via-received-param-no-delim", Ipv6Facts::receivedNoDelim),
          Map.entry("ipv6-in-sdp", Ipv6Facts::ipv6InSdp),
          Map.entry("mult-ip-in-header", Ipv6Facts::multIpInHeader),
          Map.entry("mult-ip-in-sdp", Ipv6Facts::multIpInSdp),
          Map.entry("ipv4-mapped-ipv6", Ipv6Facts::ipv4MappedIpv6),
          Map.entry("ipv6-bug-abnf-3-colons", Ipv6Facts::threeColons),
          Map.entry("ipv6-correct-abnf-2-colons", Ipv6Facts::twoColons));

  /** A parsed vector: its file bytes, the message and the validator's verdict. */
  record Fixture(Vector vector, byte[] bytes, SipMessage m, ParseError error) {
    static Fixture of(Vector v) {
      byte[] b = v.bytes();
      SipMessage m = new SipParser().parseDatagram(b);
      return new Fixture(v, b, m, SipValidator.validate(m));
    }

    /** Asserts the message is well formed for the parser layer. */
    SipMessage valid() {
      assertThat(error).as("%s validates", vector).isNull();
      return m;
    }

    /** Asserts the validator's first error: kind, header, line and the reason phrase it makes. */
    SipMessage rejected(ErrorKind kind, String header, int line, String reasonPhrase) {
      assertThat(error).as("%s error", vector).isNotNull();
      assertThat(error.kind()).as("kind of %s", error).isEqualTo(kind);
      assertThat(error.header()).as("header of %s", error).isEqualTo(header);
      assertThat(error.line()).as("line of %s", error).isEqualTo(line);
      assertThat(error.reasonPhrase()).isEqualTo(reasonPhrase);
      assertThat(error.status()).isEqualTo(kind.status());
      return m;
    }
  }

  static List<Vector> vectors() {
    return Vectors.all();
  }

  static String key(Vector v) {
    return v.name().substring(v.name().indexOf('-') + 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void manifestFactsHold(Vector v) {
    Consumer<Fixture> facts = FACTS.get(key(v));
    if (facts == null) {
      fail("no semantics check for %s; manifest says: %s", v, v.semantics());
    }
    facts.accept(Fixture.of(v));
  }

  @Test
  void everyCheckHasAVector() {
    assertThat(FACTS.keySet())
        .containsExactlyInAnyOrderElementsOf(
            vectors().stream().map(TortureSemanticsTest::key).collect(Collectors.toSet()));
  }

  // ---- helpers shared by the fact classes ----

  static void routing(
      SipMessage m, String callId, long cseq, SipMethod cseqMethod, String fromTag, String toTag) {
    assertThat(m.callId()).as("Call-ID").isEqualTo(callId);
    assertThat(m.cseqNumber()).as("CSeq number").isEqualTo(cseq);
    assertThat(m.cseqMethod()).as("CSeq method").isEqualTo(cseqMethod);
    assertThat(m.fromTag()).as("From tag").isEqualTo(fromTag);
    assertThat(m.toTag()).as("To tag").isEqualTo(toTag);
  }

  static void via(Via v, String transport, String host, int port, String branch) {
    assertThat(v.protocol()).isEqualTo("SIP/2.0");
    assertThat(v.transport()).isEqualTo(transport);
    assertThat(v.host()).isEqualTo(host);
    assertThat(v.port()).isEqualTo(port);
    assertThat(v.branch()).isEqualTo(branch);
  }

  static SipUri sipUri(Uri u) {
    assertThat(u).isInstanceOf(SipUri.class);
    return (SipUri) u;
  }

  static void bodyMatchesContentLength(SipMessage m, int contentLength) {
    assertThat(m.contentLength()).isEqualTo(contentLength);
    assertThat(m.bodyLength()).isEqualTo(contentLength);
    assertThat(m.body()).hasSize(contentLength);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static String repeat(String s, int n) {
    return s.repeat(n);
  }

  /**
   * %HH decoding done once, written here independently of {@link SipUri#userDecoded()} so the two
   * can disagree.
   */
  static String percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static void throwsParseException(Runnable r) {
    assertThatThrownBy(r::run).isInstanceOf(SipParseException.class);
  }
}
