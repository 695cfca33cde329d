package org.trunkline.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.ParseError;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.SipValidator;

/**
 * The speed targets of the SIP parser on a typical carrier INVITE with SDP (about 900 bytes): scan
 * and index of the routing headers, full parse of every header, and writing a relayed copy with 3
 * edits. Two baselines run beside them so that results can be quoted as ratios on a noisy machine:
 * a plain copy of the same bytes, and the naive "split into String lines" a first parser would do.
 *
 * <p>One thread; every benchmark parses the same immutable byte array. See bench/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Long warmup: on a busy 2-core machine the JIT threads compete with other work, and fullParse
// was seen to need about 6 s before C2 code settles.
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SipParserBenchmark {

  /** Body of the INVITE: one audio stream offering PCMU, PCMA and telephone-event (RFC 4733). */
  static final String SDP =
      String.join(
          "\r\n",
          "v=0",
          "o=- 1716542398 1716542398 IN IP4 203.0.113.11",
          "s=ACME-SBC",
          "c=IN IP4 203.0.113.11",
          "t=0 0",
          "m=audio 40000 RTP/AVP 0 8 101",
          "a=rtpmap:0 PCMU/8000",
          "a=rtpmap:8 PCMA/8000",
          "a=rtpmap:101 telephone-event/8000",
          "a=fmtp:101 0-16",
          "a=ptime:20",
          "a=sendrecv",
          "");

  /** A carrier-style INVITE as an interconnect partner's SBC sends it to our trunk. */
  static final String INVITE =
      String.join(
              "\r\n",
              "INVITE sip:+4930123456789@198.51.100.20:5060;user=phone SIP/2.0",
              "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-a7f3c9e2b1d04f68;rport",
              "Max-Forwards: 70",
              "From: \"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>;tag=as6f1c2b3d",
              "To: <sip:+4930123456789@198.51.100.20;user=phone>",
              "Call-ID: 3c26d2a84f1e4b7c9a0d5e6f7a8b9c0d@203.0.113.10",
              "CSeq: 102 INVITE",
              "Contact: <sip:+4989987654321@203.0.113.10:5060;transport=udp>",
              "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO",
              "Supported: replaces, timer, 100rel",
              "User-Agent: ACME-SBC/4.2.1",
              "P-Asserted-Identity: \"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>",
              "Content-Type: application/sdp",
              "Content-Length: " + SDP.getBytes(StandardCharsets.US_ASCII).length,
              "",
              "")
          + SDP;

  static final int MIN_SIZE = 850;
  static final int MAX_SIZE = 950;

  // The relay's 3 edits: our Via on top, Max-Forwards decremented, our Contact (B2BUA leg).
  static final String OUR_VIA =
      "SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-tl-8f2a61c03d9e47b5;rport";
  static final String OUR_CONTACT = "<sip:+4989987654321@198.51.100.20:5060;transport=udp>";

  byte[] invite;
  SipParser parser;
  SipMessage parsed;

  @Setup
  public void setUp() {
    invite = INVITE.getBytes(StandardCharsets.US_ASCII);
    if (invite.length < MIN_SIZE || invite.length > MAX_SIZE) {
      throw new IllegalStateException(
          "INVITE is " + invite.length + " bytes, want " + MIN_SIZE + ".." + MAX_SIZE);
    }
    parser = new SipParser();
    parsed = parser.parseDatagram(invite);
    // A benchmark of the error path would be a different benchmark: the message must be good.
    ParseError error = SipValidator.validate(parsed);
    if (error != null) {
      throw new IllegalStateException("benchmark INVITE does not parse: " + error);
    }
    // The relayed copy must be a good message carrying the 3 edits, or the benchmark is moot.
    SipMessage relayed = parser.parseDatagram(relayWrite3Edits());
    if (!relayed.isOk()
        || relayed.viaCount() != 2
        || relayed.maxForwards() != 69
        || !OUR_CONTACT.equals(relayed.header(HeaderName.CONTACT))
        || relayed.bodyLength() != parsed.bodyLength()) {
      throw new IllegalStateException("relayed copy is wrong: " + relayed);
    }
    System.out.println(
        "INVITE size: " + invite.length + " bytes, " + parsed.headerCount() + " headers");
  }

  /**
   * Scan + index: frame the message, index every header line, read the routing headers. The routing
   * fields are read through accessors that do not allocate, and the message is consumed.
   */
  @Benchmark
  public void scanAndIndex(Blackhole bh) {
    SipMessage m = parser.parseDatagram(invite);
    bh.consume(m.isOk());
    bh.consume(m.method());
    bh.consume(m.maxForwards());
    bh.consume(m.cseqNumber());
    bh.consume(m.cseqMethod());
    bh.consume(m.viaCount());
    bh.consume(m.hasRoute());
    bh.consume(m.contentLength());
    bh.consume(m);
  }

  /**
   * Scan + index, then the Strings a transaction and dialog lookup keys on: Call-ID, top Via
   * branch, From tag, To tag (absent here). Not a target; shows what materialising the keys costs.
   */
  @Benchmark
  public void scanAndIndexWithKeys(Blackhole bh) {
    SipMessage m = parser.parseDatagram(invite);
    bh.consume(m.isOk());
    bh.consume(m.callId());
    bh.consume(m.topViaBranch());
    bh.consume(m.fromTag());
    bh.consume(m.toTag());
    bh.consume(m.cseqNumber());
  }

  /**
   * The first part of {@link #fullParse}: scan and validate every known header, what a UAS pays
   * before acting on a request. Not a target; splits fullParse into its validator and accessor
   * shares.
   */
  @Benchmark
  public ParseError parseAndValidate() {
    return SipValidator.validate(parser.parseDatagram(invite));
  }

  /**
   * Full parse: scan, validate every known header (each by its whole grammar), then the typed
   * accessors. The objects they return make their parts when first asked for: a name-addr its
   * display name, URI and parameter list, a SIP URI its text and part Strings; none is asked here.
   */
  @Benchmark
  public void fullParse(Blackhole bh) {
    SipMessage m = parser.parseDatagram(invite);
    bh.consume(SipValidator.validate(m));
    bh.consume(m.requestUri());
    bh.consume(m.vias());
    bh.consume(m.from());
    bh.consume(m.to());
    bh.consume(m.contacts());
    bh.consume(m.routes());
  }

  /** A relayed copy of a parsed message with 3 edits: new top Via, Max-Forwards, Contact. */
  @Benchmark
  public byte[] relayWrite3Edits() {
    SipMessage m = parsed;
    return m.edit()
        .insertBefore(0, HeaderName.VIA, OUR_VIA)
        .set(HeaderName.MAX_FORWARDS, Integer.toString(m.maxForwards() - 1))
        .set(HeaderName.CONTACT, OUR_CONTACT)
        .toBytes();
  }

  /** Baseline: copying the same bytes, the floor of any relay. */
  @Benchmark
  public byte[] baselineCopy() {
    return Arrays.copyOf(invite, invite.length);
  }

  /**
   * Baseline: what a naive parser does first, decode to a String and cut it into line Strings.
   * Written out rather than {@code split("\r\n")}, which compiles a regex on every call (a
   * two-character pattern misses String.split's fast path) and would flatter every other result.
   */
  @Benchmark
  public List<String> baselineLineSplit() {
    String text = new String(invite, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(32);
    int from = 0;
    for (int crlf; (crlf = text.indexOf("\r\n", from)) >= 0; from = crlf + 2) {
      lines.add(text.substring(from, crlf));
    }
    lines.add(text.substring(from));
    return lines;
  }
}
