package org.trunkline.server.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the API needs (RFC 8259), both ways. Written: {@link Map} (keys as text, in
 * iteration order), {@link Collection}, {@link String}, {@link Number}, {@link Boolean}, null, and
 * anything else as its {@code toString()}. Read: objects become {@link LinkedHashMap}, arrays
 * {@link List}, integers {@link Long}, other numbers {@link Double}. Stateless and thread-safe.
 */
public final class Json {
  private Json() {}

  /** {@code value} as indented JSON, ending with a newline. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    return out.append('\n').toString();
  }

  private static void write(Object value, StringBuilder out, int depth) {
    switch (value) {
      case null -> out.append("null");
      case Map<?, ?> map -> {
        if (map.isEmpty()) {
          out.append("{}");
          return;
        }
        out.append('{');
        String sep = "\n";
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.append(sep);
          indent(out, depth + 1);
          string(String.valueOf(e.getKey()), out);
          out.append(": ");
          write(e.getValue(), out, depth + 1);
          sep = ",\n";
        }
        out.append('\n');
        indent(out, depth);
        out.append('}');
      }
      case Collection<?> list -> {
        if (list.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append('[');
        String sep = "\n";
        for (Object item : list) {
          out.append(sep);
          indent(out, depth + 1);
          write(item, out, depth + 1);
          sep = ",\n";
        }
        out.append('\n');
        indent(out, depth);
        out.append(']');
      }
      case Boolean b -> out.append(b);
      case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
      case Float f when f.isNaN() || f.isInfinite() -> out.append("null");
      case Number n -> out.append(n);
      default -> string(value.toString(), out);
    }
  }

  private static void indent(StringBuilder out, int depth) {
    out.repeat("  ", depth);
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException naming the offset of the first mistake
   */
  public static Object parse(String text) {
    Reader r = new Reader(text);
    r.space();
    Object value = r.value(0);
    r.space();
    if (r.pos != text.length()) {
      throw r.error("text after the value");
    }
    return value;
  }

  /** A recursive-descent reader; nesting is bounded so hostile input cannot overflow the stack. */
  private static final class Reader {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested deeper than " + MAX_DEPTH);
      }
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected '" + c + "'");
        }
      };
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> map = new LinkedHashMap<>();
      pos++;
      space();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        space();
        if (peek() != '"') {
          throw error("expected a key");
        }
        String key = string();
        space();
        expect(':');
        space();
        map.put(key, value(depth + 1));
        space();
        if (peek() == ',') {
          pos++;
          continue;
        }
        expect('}');
        return map;
      }
    }

    private List<Object> array(int depth) {
      List<Object> list = new ArrayList<>();
      pos++;
      space();
      if (peek() == ']') {
        pos++;
        return list;
      }
      while (true) {
        space();
        list.add(value(depth + 1));
        space();
        if (peek() == ',') {
          pos++;
          continue;
        }
        expect(']');
        return list;
      }
    }

    private String string() {
      pos++;
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException x) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private Object number() {
      int start = pos;
      boolean integral = true;
      if (peek() == '-') {
        pos++;
      }
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c >= '0' && c <= '9') {
          pos++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integral = false;
          pos++;
        } else {
          break;
        }
      }
      String text = s.substring(start, pos);
      try {
        return integral ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
      } catch (NumberFormatException e) {
        pos = start;
        throw error("bad number " + text);
      }
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, pos)) {
        throw error("unexpected '" + s.charAt(pos) + "'");
      }
      pos += word.length();
      return value;
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error(pos >= s.length() ? "unexpected end" : "expected '" + c + "'");
      }
      pos++;
    }

    void space() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    IllegalArgumentException error(String problem) {
      return new IllegalArgumentException("bad JSON at offset " + pos + ": " + problem);
    }
  }
}
