package org.trunkline.sip.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a body into {@link SdpLine}s and checks each is {@code <letter>=...}, within the limits.
 * One instance per parse; not thread-safe.
 *
 * <p>Lines end in CRLF or, as RFC 8866 §5 asks parsers to accept, a bare LF; the last line may have
 * no end at all. Blank lines are kept as part of the line end before them (or as the tail after the
 * last line), so the writer reproduces them.
 */
final class SdpLexer {
  private final byte[] src;
  private final SdpLimits limits;
  final List<SdpLine> lines = new ArrayList<>();
  private int[] numbers = new int[32];
  int tailStart;

  SdpLexer(byte[] src, SdpLimits limits) {
    this.src = src;
    this.limits = limits;
    this.tailStart = src.length;
  }

  /** The 1-based source line number of {@code lines.get(index)}. */
  int lineNumber(int index) {
    return numbers[index];
  }

  /** The line number after the last line read, for errors about something missing at the end. */
  int endLineNumber() {
    return lines.isEmpty() ? 1 : numbers[lines.size() - 1] + 1;
  }

  /** Reads every line; null when all are well-formed, else the first error. */
  SdpError run() {
    int pos = 0;
    int lineNo = 0;
    int pending = -1; // start of the last content line, emitted once its end is known
    int pendingContentEnd = 0;
    int pendingEnd = 0; // after its own line end
    int pendingNo = 0;
    while (pos < src.length) {
      lineNo++;
      if (lineNo > limits.maxLines()) {
        return error(
            SdpError.Kind.TOO_MANY_LINES,
            lineNo,
            1,
            "body has more than " + limits.maxLines() + " lines");
      }
      int start = pos;
      int contentEnd = src.length;
      int next = src.length;
      for (int i = pos; i < src.length; i++) {
        byte b = src[i];
        if (b == '\n' || b == '\r' && i + 1 < src.length && src[i + 1] == '\n') {
          contentEnd = i;
          next = b == '\n' ? i + 1 : i + 2;
          break;
        }
        if (b == '\r' || b == 0) {
          String what = b == 0 ? "NUL byte" : "CR not followed by LF";
          return error(SdpError.Kind.INVALID_CHARACTER, lineNo, i - start + 1, what);
        }
        if (i - start >= limits.maxLineLength()) {
          return error(
              SdpError.Kind.LINE_TOO_LONG,
              lineNo,
              limits.maxLineLength() + 1,
              "line is longer than " + limits.maxLineLength() + " bytes");
        }
      }
      pos = next;
      if (contentEnd == start) {
        if (pending < 0) {
          return error(SdpError.Kind.MISSING_VERSION, lineNo, 1, "blank line before v=");
        }
        continue; // stays between the pending line's end and the next line
      }
      SdpError bad = checkType(start, contentEnd, lineNo);
      if (bad != null) {
        return bad;
      }
      if (pending >= 0) {
        add(new SdpLine(src, pending, pendingContentEnd, start), pendingNo);
      }
      pending = start;
      pendingContentEnd = contentEnd;
      pendingEnd = next;
      pendingNo = lineNo;
    }
    if (pending >= 0) {
      add(new SdpLine(src, pending, pendingContentEnd, pendingEnd), pendingNo);
      tailStart = pendingEnd;
    }
    return null;
  }

  /** Blank lines after the last line, written back as they came. */
  byte[] tail() {
    return Arrays.copyOfRange(src, tailStart, src.length);
  }

  private SdpError checkType(int start, int contentEnd, int lineNo) {
    int len = contentEnd - start;
    if (len < 2 || src[start + 1] != '=') {
      int eq = -1;
      for (int i = start; i < contentEnd && eq < 0; i++) {
        eq = src[i] == '=' ? i : -1;
      }
      if (eq < 0) {
        return error(
            SdpError.Kind.MISSING_EQUALS, lineNo, 2, "no '=' in " + text(start, contentEnd));
      }
      return error(
          SdpError.Kind.BAD_TYPE,
          lineNo,
          1,
          "type must be one letter before '=', got " + text(start, eq));
    }
    byte t = src[start];
    if (!(t >= 'a' && t <= 'z' || t >= 'A' && t <= 'Z')) {
      return error(
          SdpError.Kind.BAD_TYPE,
          lineNo,
          1,
          "type must be a letter, got " + text(start, start + 1));
    }
    return null;
  }

  private void add(SdpLine line, int lineNo) {
    if (lines.size() == numbers.length) {
      numbers = Arrays.copyOf(numbers, numbers.length * 2);
    }
    numbers[lines.size()] = lineNo;
    lines.add(line);
  }

  private String text(int from, int to) {
    return Tokens.quote(new String(src, from, to - from, StandardCharsets.UTF_8));
  }

  private static SdpError error(SdpError.Kind kind, int line, int column, String message) {
    return new SdpError(kind, line, column, message);
  }
}
