package org.trunkline.sip.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SDP vector files beside this class. They are stored with LF line ends; {@link #load} turns
 * them into CRLF, as SIP carries them, unless the name ends in {@code .lf.sdp}.
 */
final class SdpVectors {
  private SdpVectors() {}

  /** Every vector file name, sorted; fails if the directory cannot be listed or is empty. */
  static List<String> names() {
    try (Stream<Path> files =
        Files.list(
            Path.of(SdpVectors.class.getResource("rfc8866-s5-example.sdp").toURI()).getParent())) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".sdp"))
              .sorted()
              .toList();
      if (names.size() < 10) {
        throw new IllegalStateException("expected the SDP vectors, found " + names);
      }
      return names;
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list SDP vectors", e);
    }
  }

  /** The vector's bytes as sent on the wire. */
  static byte[] load(String name) {
    try (InputStream in = SdpVectors.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no SDP vector " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (text.indexOf('\r') >= 0) {
        throw new IllegalStateException(name + " must be stored with LF line ends");
      }
      return (name.endsWith(".lf.sdp") ? text : text.replace("\n", "\r\n"))
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses with default limits and fails the test with the error if it does not parse. */
  static SessionDescription parse(byte[] body) {
    SdpResult r = new SdpParser().parse(body);
    if (!r.ok()) {
      throw new AssertionError("did not parse: " + r.error());
    }
    return r.description();
  }

  static SessionDescription parse(String body) {
    return parse(body.getBytes(StandardCharsets.UTF_8));
  }

  static SessionDescription vector(String name) {
    return parse(load(name));
  }

  /** {@code lines} joined with CRLF, each line terminated. */
  static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  static String text(SessionDescription d) {
    return new String(d.toBytes(), StandardCharsets.UTF_8);
  }
}
