package org.trunkline.sip.sdp;

import java.util.List;

/**
 * The fields of an {@code m=} line (RFC 8866 §5.14): {@code <media> <port>[/<number of ports>]
 * <proto> <fmt> ...}. Immutable.
 *
 * @param portCount the number of ports after {@code /}, 0 when absent
 */
record MediaLine(String media, int port, int portCount, String proto, List<String> formats) {

  MediaLine {
    formats = List.copyOf(formats);
  }

  MediaLine withPort(int newPort) {
    return new MediaLine(media, newPort, portCount, proto, formats);
  }

  MediaLine withFormats(List<String> newFormats) {
    return new MediaLine(media, port, portCount, proto, newFormats);
  }

  /** The text after {@code m=}. */
  String value() {
    StringBuilder b = new StringBuilder(media).append(' ').append(port);
    if (portCount > 0) {
      b.append('/').append(portCount);
    }
    b.append(' ').append(proto);
    for (String f : formats) {
      b.append(' ').append(f);
    }
    return b.toString();
  }

  static FieldResult<MediaLine> parse(String value) {
    List<Tokens.Token> t = Tokens.split(value);
    if (t.size() < 3) {
      return FieldResult.bad(
          SdpError.Kind.BAD_MEDIA,
          value.length(),
          "m= needs media, port, proto and formats, got " + t.size() + " fields");
    }
    Tokens.Token portToken = t.get(1);
    String text = portToken.text();
    int slash = text.indexOf('/');
    String portText = slash < 0 ? text : text.substring(0, slash);
    // strict: a misread port sends media to the wrong place
    int port = Tokens.parseUnsigned(portText, 65535);
    if (port < 0) {
      return FieldResult.bad(
          SdpError.Kind.BAD_PORT,
          portToken.offset(),
          "m= port must be 0-65535, got " + Tokens.quote(portText));
    }
    int count = 0;
    if (slash >= 0) {
      count = Tokens.parseUnsigned(text.substring(slash + 1), 65535);
      if (count < 1) {
        return FieldResult.bad(
            SdpError.Kind.BAD_PORT,
            portToken.offset() + slash + 1,
            "m= number of ports must be 1-65535, got " + Tokens.quote(text.substring(slash + 1)));
      }
    }
    List<String> formats = t.subList(3, t.size()).stream().map(Tokens.Token::text).toList();
    if (formats.isEmpty() && port != 0) {
      // RFC 8866 §9 wants 1*fmt; a rejected stream (port 0) without one is harmless
      return FieldResult.bad(
          SdpError.Kind.BAD_MEDIA,
          value.length(),
          "m=" + t.get(0).text() + " on port " + port + " lists no formats");
    }
    return FieldResult.ok(new MediaLine(t.get(0).text(), port, count, t.get(2).text(), formats));
  }
}
