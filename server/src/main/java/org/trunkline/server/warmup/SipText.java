package org.trunkline.server.warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SIP message as the warm-up's peers read it: the start line and the header lines as text. Only
 * for the server's own well-formed output on loopback; the server's parser is not used here, so
 * that the peers do not train its profile with their side of the traffic.
 */
record SipText(String startLine, List<String> headerLines, String body) {

  static SipText parse(byte[] bytes, int length) {
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 4);
    int first = head.indexOf("\r\n");
    List<String> headers = new ArrayList<>(16);
    for (int at = first; at >= 0; ) {
      int next = head.indexOf("\r\n", at + 2);
      String line = head.substring(at + 2, next < 0 ? head.length() : next);
      if (!line.isEmpty()) {
        headers.add(line);
      }
      at = next;
    }
    return new SipText(first < 0 ? head : head.substring(0, first), headers, body);
  }

  /**
   * {@code n} in decimal, zero-padded to {@code width} digits ({@code n >= 0}): what {@code
   * String.format("%0<width>d")} gives, without the formatter (its code was C2 work in every
   * warm-up, time the server's code would rather have: stop 25, JFR).
   */
  static String digits(long n, int width) {
    return pad(Long.toString(n), width);
  }

  /** {@code n} as unsigned hex, zero-padded to {@code width} digits, as {@code %0<width>x}. */
  static String hex(long n, int width) {
    return pad(Long.toHexString(n), width);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }

  boolean isResponse() {
    return startLine.startsWith("SIP/2.0 ");
  }

  /** The status code of a response, -1 for a request. */
  int status() {
    if (!isResponse() || startLine.length() < 11) {
      return -1;
    }
    try {
      return Integer.parseInt(startLine.substring(8, 11));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The method of a request, or "" for a response. */
  String method() {
    return isResponse() ? "" : startLine.substring(0, Math.max(0, startLine.indexOf(' ')));
  }

  /** The value of the first header called {@code name} (or its compact form), or "". */
  String header(String name) {
    for (String line : headerLines) {
      if (named(line, name)) {
        return value(line);
      }
    }
    return "";
  }

  /** Every line of the headers called {@code name} (or its compact form), whole. */
  List<String> lines(String name) {
    List<String> out = new ArrayList<>(2);
    for (String line : headerLines) {
      if (named(line, name)) {
        out.add(line);
      }
    }
    return out;
  }

  /** The method named in CSeq. */
  String cseqMethod() {
    String cseq = header("CSeq");
    int space = cseq.lastIndexOf(' ');
    return space < 0 ? "" : cseq.substring(space + 1).trim();
  }

  /** A parameter of a header value: {@code tag} of To, {@code nonce} of WWW-Authenticate. */
  static String param(String value, String name) {
    String lower = value.toLowerCase(Locale.ROOT);
    int from = 0;
    while (true) {
      int at = lower.indexOf(name + "=", from);
      if (at < 0) {
        return "";
      }
      char before = at == 0 ? ' ' : lower.charAt(at - 1);
      from = at + name.length() + 1;
      if (before == ';' || before == ',' || before == ' ') {
        if (from < value.length() && value.charAt(from) == '"') {
          int close = value.indexOf('"', from + 1);
          return close < 0 ? "" : value.substring(from + 1, close);
        }
        int stop = from;
        while (stop < value.length() && ";, >\r\n".indexOf(value.charAt(stop)) < 0) {
          stop++;
        }
        return value.substring(from, stop);
      }
    }
  }

  /** The URI between angle brackets, or the value itself without parameters. */
  static String uri(String value) {
    int open = value.indexOf('<');
    if (open >= 0) {
      int close = value.indexOf('>', open);
      return close < 0 ? value.substring(open + 1) : value.substring(open + 1, close);
    }
    int semi = value.indexOf(';');
    return (semi < 0 ? value : value.substring(0, semi)).trim();
  }

  private static boolean named(String line, String name) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String n = line.substring(0, colon).trim();
    return n.equalsIgnoreCase(name) || n.equalsIgnoreCase(compact(name));
  }

  private static String value(String line) {
    return line.substring(line.indexOf(':') + 1).trim();
  }

  private static String compact(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "call-id" -> "i";
      case "via" -> "v";
      case "from" -> "f";
      case "to" -> "t";
      case "contact" -> "m";
      case "content-type" -> "c";
      case "content-length" -> "l";
      default -> name;
    };
  }
}
