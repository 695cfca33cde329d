package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Thousands of damaged vectors (truncated, bytes flipped, lines duplicated, dropped or swapped,
 * separators and digit runs inserted) from a fixed seed: the parser never throws, always answers
 * exactly one of description or error, and whatever it accepts it writes back byte for byte and can
 * edit.
 */
class SdpMutationTest {
  private static final long SEED = 0x5D9_8866L;
  private static final int PER_VECTOR = 400;
  private static final byte[] SPECIAL = {
    '\r', '\n', 0, '=', ' ', '/', ':', '.', '0', '9', 'm', 'c', 'a'
  };
  private static final Connection RELAY = Connection.of("198.51.100.99");

  private final Random random = new Random(SEED);

  @Test
  void parserSurvivesMutatedVectors() {
    int parsed = 0;
    int failed = 0;
    Set<SdpError.Kind> kinds = EnumSet.noneOf(SdpError.Kind.class);
    SdpParser[] parsers = {new SdpParser(), new SdpParser(new SdpLimits(400, 20, 80, 2))};
    for (String name : SdpVectors.names()) {
      byte[] original = SdpVectors.load(name);
      for (int i = 0; i < PER_VECTOR; i++) {
        byte[] input = original;
        StringBuilder how = new StringBuilder(name);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          input = mutate(input, how);
        }
        SdpParser parser = parsers[i % parsers.length];
        SdpResult r;
        try {
          r = parser.parse(input);
          if (r.ok()) {
            check(r.description(), input);
            parsed++;
          } else {
            check(r.error(), input);
            kinds.add(r.error().kind());
            failed++;
          }
        } catch (RuntimeException | AssertionError e) {
          throw new AssertionError(
              how + " -> " + HexFormat.of().formatHex(input) + "\n" + show(input), e);
        }
      }
    }
    // the mix shows the mutations reach both outcomes and many error paths
    assertThat(parsed + failed).isEqualTo(SdpVectors.names().size() * PER_VECTOR);
    assertThat(parsed).isGreaterThan(500);
    assertThat(failed).isGreaterThan(500);
    assertThat(kinds.size()).isGreaterThanOrEqualTo(12);
  }

  private static void check(SessionDescription d, byte[] input) {
    assertThat(d.toBytes()).isEqualTo(input);
    d.origin();
    d.connection();
    d.direction();
    d.hasUnknownLineTypes();
    for (MediaDescription m : d.media()) {
      m.connection();
      m.direction();
      m.rtpmaps();
      m.ptime();
      m.fmtp(101);
      m.formats().forEach(m::fmtp);
      m.rtpmap(0);
    }
    SessionDescription edited = d.withNextVersion().withAllConnections(RELAY);
    for (int i = 0; i < d.media().size(); i++) {
      if (d.media().get(i).port() != 0) {
        edited = edited.withMedia(i, m -> m.withPort(40000).withDirection(Direction.SENDONLY));
      }
    }
    SdpResult again = new SdpParser(SdpLimits.DEFAULTS).parse(edited.toBytes());
    assertThat(again.ok()).as("edited copy parses: %s", again).isTrue();
  }

  private static void check(SdpError e, byte[] input) {
    long lines = 1;
    for (byte b : input) {
      lines += b == '\n' ? 1 : 0;
    }
    assertThat(e.message()).isNotBlank();
    assertThat(e.line()).isBetween(0, (int) lines + 1);
    assertThat(e.column()).isGreaterThanOrEqualTo(e.line() == 0 ? 0 : 1);
    assertThat(e.line() == 0).isEqualTo(e.kind() == SdpError.Kind.TOO_LARGE);
  }

  private byte[] mutate(byte[] in, StringBuilder how) {
    if (in.length == 0) {
      how.append(" | empty");
      return in;
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(8)) {
      case 0 -> {
        how.append(" | truncate@").append(at);
        return Arrays.copyOf(in, at);
      }
      case 1 -> {
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        how.append(" | flip@").append(at);
        return out;
      }
      case 2 -> {
        byte[] out = in.clone();
        out[at] = SPECIAL[random.nextInt(SPECIAL.length)];
        how.append(" | set@").append(at).append('=').append(out[at]);
        return out;
      }
      case 3 -> {
        byte b = SPECIAL[random.nextInt(SPECIAL.length)];
        byte[] out = new byte[in.length + 1];
        System.arraycopy(in, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(in, at, out, at + 1, in.length - at);
        how.append(" | insert@").append(at).append('=').append(b);
        return out;
      }
      case 4 -> {
        // a run of digits: numbers past int range where ports, TTLs and versions are read
        byte[] digits = new byte[5 + random.nextInt(12)];
        for (int k = 0; k < digits.length; k++) {
          digits[k] = (byte) ('0' + random.nextInt(10));
        }
        byte[] out = new byte[in.length + digits.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(digits, 0, out, at, digits.length);
        System.arraycopy(in, at, out, at + digits.length, in.length - at);
        how.append(" | digits@").append(at).append('=').append(digits.length);
        return out;
      }
      default -> {
        return editLines(in, how);
      }
    }
  }

  /** Duplicates, drops or swaps whole lines, line ends included. */
  private byte[] editLines(byte[] in, StringBuilder how) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\n') {
        lines.add(Arrays.copyOfRange(in, start, i + 1));
        start = i + 1;
      }
    }
    if (start < in.length) {
      lines.add(Arrays.copyOfRange(in, start, in.length));
    }
    int a = random.nextInt(lines.size());
    int b = random.nextInt(lines.size());
    switch (random.nextInt(3)) {
      case 0 -> {
        lines.add(b, lines.get(a));
        how.append(" | dup line ").append(a + 1).append(" before ").append(b + 1);
      }
      case 1 -> {
        lines.remove(a);
        how.append(" | drop line ").append(a + 1);
      }
      default -> {
        byte[] t = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, t);
        how.append(" | swap lines ").append(a + 1).append(',').append(b + 1);
      }
    }
    int n = lines.stream().mapToInt(l -> l.length).sum();
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] l : lines) {
      System.arraycopy(l, 0, out, at, l.length);
      at += l.length;
    }
    return out;
  }

  private static String show(byte[] input) {
    return new String(input, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n\n");
  }
}
