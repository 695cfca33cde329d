package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records changes to a {@link SipMessage} and writes the result once: untouched lines are copied
 * byte-exact from the original buffer, edited ones are written anew (the Kamailio "lumps" idea).
 * Line indexes are those of the original message. Of several replace/remove calls on one line the
 * last wins, as does the last {@link #set} of a header and the last {@link #body}; Content-Length
 * always follows a replaced body. Not thread-safe; one editor per relayed copy.
 */
public final class MessageEditor {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final int INSERT = 0;
  private static final int REPLACE = 1;
  private static final int REMOVE = 2;

  /** One recorded change; {@code name} is kept for inserts, so that {@link #set} can find them. */
  private record Edit(int index, int op, HeaderName name, byte[] line) {}

  private final SipMessage m;
  private final List<Edit> edits = new ArrayList<>(4);
  private byte[] startLine;
  private byte[] body;

  MessageEditor(SipMessage m) {
    this.m = m;
  }

  /** Replaces the whole start line (without its CRLF). */
  public MessageEditor startLine(String line) {
    startLine = utf8(oneLine("start line", line) + "\r\n");
    return this;
  }

  /** Replaces the Request-URI of a request, keeping method and version. */
  public MessageEditor requestUri(String uri) {
    if (!m.request) {
      throw new IllegalStateException("a response has no Request-URI");
    }
    if (m.method == null) {
      throw new IllegalStateException("the request line did not parse; use startLine()");
    }
    return startLine(m.method.name() + " " + uri + " SIP/2.0");
  }

  /** Inserts a header line before line {@code index} ({@link SipMessage#headerCount()} appends). */
  public MessageEditor insertBefore(int index, HeaderName name, String value) {
    if (index < 0 || index > m.headerCount) {
      throw new IndexOutOfBoundsException("header " + index + " of " + m.headerCount);
    }
    edits.add(new Edit(index, INSERT, name, line(name.name(), value)));
    return this;
  }

  /** Adds a header line after all others. */
  public MessageEditor append(HeaderName name, String value) {
    return insertBefore(m.headerCount, name, value);
  }

  /** Replaces the value of line {@code index}, keeping the name as it was written. */
  public MessageEditor replace(int index, String value) {
    int o = m.checkIndex(index) * SipMessage.STRIDE;
    String name = m.ascii(m.hdr[o + SipMessage.LINE_START], m.hdr[o + SipMessage.NAME_END]);
    return lineEdit(new Edit(index, REPLACE, null, line(name, value)));
  }

  /** Removes line {@code index}. */
  public MessageEditor remove(int index) {
    return lineEdit(new Edit(m.checkIndex(index), REMOVE, null, null));
  }

  /**
   * Records a replace or remove of an original line; an earlier one of the same line is dropped.
   */
  private MessageEditor lineEdit(Edit e) {
    for (int k = edits.size() - 1; k >= 0; k--) {
      Edit x = edits.get(k);
      if (x.op != INSERT && x.index == e.index) {
        edits.remove(k);
      }
    }
    edits.add(e);
    return this;
  }

  /** Removes every line named {@code name}. */
  public MessageEditor removeAll(HeaderName name) {
    for (int i = m.indexOf(name); i >= 0; i = m.indexOf(name, i + 1)) {
      remove(i);
    }
    return this;
  }

  /**
   * Sets a single-valued header: replaces the first line, removes the others, or appends. Lines of
   * that name added earlier through this editor are dropped, so the last set wins.
   */
  public MessageEditor set(HeaderName name, String value) {
    for (int k = edits.size() - 1; k >= 0; k--) {
      Edit x = edits.get(k);
      if (x.op == INSERT && x.name.equals(name)) {
        edits.remove(k);
      }
    }
    int i = m.indexOf(name);
    if (i < 0) {
      return append(name, value);
    }
    replace(i, value);
    for (int j = m.indexOf(name, i + 1); j >= 0; j = m.indexOf(name, j + 1)) {
      remove(j);
    }
    return this;
  }

  /** Replaces the body; Content-Length is rewritten to match when the message is written. */
  public MessageEditor body(byte[] newBody) {
    body = newBody.clone();
    return this;
  }

  /** Writes the edited message. */
  public byte[] toBytes() {
    List<Edit> all = edits;
    if (body != null) {
      all = new ArrayList<>(edits);
      // Content-Length follows the body, whatever else was done to it (§20.14)
      String length = Integer.toString(body.length);
      int cl = m.contentLengthHeader;
      if (cl >= 0) {
        all.removeIf(x -> x.op != INSERT && x.index == cl);
        int o = cl * SipMessage.STRIDE;
        String name = m.ascii(m.hdr[o + SipMessage.LINE_START], m.hdr[o + SipMessage.NAME_END]);
        all.add(new Edit(cl, REPLACE, null, line(name, length)));
      } else {
        all.removeIf(x -> x.op == INSERT && x.name.equals(HeaderName.CONTENT_LENGTH));
        all.add(
            new Edit(
                m.headerCount, INSERT, HeaderName.CONTENT_LENGTH, line("Content-Length", length)));
      }
    }
    Edit[] sorted = all.toArray(new Edit[0]);
    // Stable: inserts before the same line keep their order, and come before that line's edit.
    Arrays.sort(
        sorted,
        (a, b) ->
            a.index != b.index
                ? Integer.compare(a.index, b.index)
                : Integer.compare(a.op == INSERT ? 0 : 1, b.op == INSERT ? 0 : 1));
    byte[] src = m.buf;
    int[] hdr = m.hdr;
    int bodyLen = body != null ? body.length : m.bodyEnd - m.bodyStart;
    int headersEnd =
        m.headerCount == 0
            ? m.startLineEnd
            : hdr[(m.headerCount - 1) * SipMessage.STRIDE + SipMessage.LINE_END];
    int blank = m.bodyStart - headersEnd;
    int size =
        (startLine != null ? startLine.length : m.startLineEnd - m.start)
            + (blank > 0 ? blank : 2) // the empty line as received (CRLF or a bare LF), or CRLF
            + bodyLen;
    boolean[] dropped = new boolean[m.headerCount];
    for (Edit e : sorted) {
      if (e.op != INSERT) {
        if (dropped[e.index]) {
          continue;
        }
        dropped[e.index] = true;
        int o = e.index * SipMessage.STRIDE;
        size -= hdr[o + SipMessage.LINE_END] - hdr[o + SipMessage.LINE_START];
      }
      if (e.line != null) {
        size += e.line.length;
      }
    }
    for (int i = 0; i < m.headerCount; i++) {
      int o = i * SipMessage.STRIDE;
      size += hdr[o + SipMessage.LINE_END] - hdr[o + SipMessage.LINE_START];
    }
    byte[] out = new byte[size];
    int w;
    if (startLine != null) {
      System.arraycopy(startLine, 0, out, 0, startLine.length);
      w = startLine.length;
    } else {
      w = m.startLineEnd - m.start;
      System.arraycopy(src, m.start, out, 0, w);
    }
    int k = 0;
    boolean[] done = new boolean[m.headerCount];
    for (int i = 0; i <= m.headerCount; i++) {
      boolean keep = true;
      while (k < sorted.length && sorted[k].index == i) {
        Edit e = sorted[k++];
        if (e.op == INSERT) {
          System.arraycopy(e.line, 0, out, w, e.line.length);
          w += e.line.length;
        } else {
          keep = false;
          if (!done[i]) {
            done[i] = true;
            if (e.line != null) {
              System.arraycopy(e.line, 0, out, w, e.line.length);
              w += e.line.length;
            }
          }
        }
      }
      if (keep && i < m.headerCount) {
        int o = i * SipMessage.STRIDE;
        int len = hdr[o + SipMessage.LINE_END] - hdr[o + SipMessage.LINE_START];
        System.arraycopy(src, hdr[o + SipMessage.LINE_START], out, w, len);
        w += len;
      }
    }
    if (blank > 0) {
      System.arraycopy(src, headersEnd, out, w, blank);
      w += blank;
    } else {
      System.arraycopy(CRLF, 0, out, w, 2);
      w += 2;
    }
    if (body != null) {
      System.arraycopy(body, 0, out, w, body.length);
    } else {
      System.arraycopy(src, m.bodyStart, out, w, bodyLen);
    }
    return out;
  }

  private static byte[] line(String name, String value) {
    int n = name.length();
    int v = value.length();
    // The usual ASCII line is written straight into its array in one pass that also refuses line
    // breaks: the same bytes as the UTF-8 encoding of name + ": " + value + CRLF.
    byte[] out = new byte[n + v + 4];
    if (!copyAscii(name, name, out, 0) || !copyAscii(name, value, out, n + 2)) {
      return utf8(oneLine(name, name) + ": " + oneLine(name, value) + "\r\n");
    }
    out[n] = ':';
    out[n + 1] = ' ';
    out[n + v + 2] = '\r';
    out[n + v + 3] = '\n';
    return out;
  }

  /**
   * Copies ASCII {@code text} to {@code out}; false at the first non-ASCII char; throws on a break.
   */
  private static boolean copyAscii(String what, String text, byte[] out, int at) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      if (c == '\r' || c == '\n' || c == 0) {
        oneLine(what, text); // throws, naming the place
      }
      out[at + i] = (byte) c;
    }
    return true;
  }

  /**
   * Refuses CR and LF in what is written: a value taken from a peer (a display name, a URI) must
   * never start a header line of its own (header injection).
   */
  private static String oneLine(String what, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            what + ": CR, LF or NUL at index " + i + " would break the line");
      }
    }
    return text;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
