package org.trunkline.sip.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups lexed lines into the session level and media descriptions and checks the rules {@link
 * SdpParser} documents. One instance per parse; not thread-safe.
 */
final class SdpStructure {
  private static final String SESSION_ONLY = "suepztr";
  private static final byte[] CRLF = {'\r', '\n'};

  private final SdpLexer lexer;
  private final SdpLimits limits;
  private final List<SdpLine> session = new ArrayList<>();
  private final List<List<SdpLine>> media = new ArrayList<>();
  private final List<MediaLine> mediaLines = new ArrayList<>();
  private final List<Integer> mediaLineNumbers = new ArrayList<>();
  private final List<Boolean> mediaHasConnection = new ArrayList<>(); // session first

  // the level being read: the session, or the last media description
  private List<SdpLine> level = session;
  private boolean levelHasConnection;
  private Direction levelDirection;

  SdpStructure(SdpLexer lexer, SdpLimits limits) {
    this.lexer = lexer;
    this.limits = limits;
  }

  SdpResult build() {
    List<SdpLine> lines = lexer.lines;
    if (lines.isEmpty()) {
      return fail(SdpError.Kind.MISSING_VERSION, 1, 1, "empty body");
    }
    SdpLine v = lines.get(0);
    if (v.type() != 'v') {
      return fail(SdpError.Kind.MISSING_VERSION, no(0), 1, "first line must be v=, got " + v);
    }
    if (!v.value().strip().equals("0")) {
      return fail(SdpError.Kind.BAD_VERSION, no(0), 3, "v= must be 0, got " + q(v.value()));
    }
    if (lines.size() < 2 || lines.get(1).type() != 'o') {
      int at = lines.size() < 2 ? lexer.endLineNumber() : no(1);
      return fail(SdpError.Kind.MISSING_ORIGIN, at, 1, "o= must follow v=");
    }
    if (Origin.parse(lines.get(1).value()) instanceof FieldResult.Bad<Origin> bad) {
      return fail(bad, 1);
    }
    session.add(v);
    session.add(lines.get(1));
    for (int i = 2; i < lines.size(); i++) {
      SdpResult failed = accept(lines.get(i), i);
      if (failed != null) {
        return failed;
      }
    }
    mediaHasConnection.add(levelHasConnection);
    return finish();
  }

  /** Places one line; null if it fits, else the failure. */
  private SdpResult accept(SdpLine line, int index) {
    char t = line.type();
    boolean inMedia = level != session;
    if (t == 'v' || t == 'o') {
      return fail(SdpError.Kind.DUPLICATE_LINE, no(index), 1, "second " + t + "= line");
    }
    if (inMedia && SESSION_ONLY.indexOf(t) >= 0) {
      String where = "m=" + mediaLines.getLast().media() + " (line " + mediaLineNumbers.getLast();
      return fail(
          SdpError.Kind.LINE_ORDER,
          no(index),
          1,
          t + "= belongs to the session level, found inside " + where + ")");
    }
    if (t == 'm') {
      if (media.size() == limits.maxMediaSections()) {
        return fail(
            SdpError.Kind.TOO_MANY_MEDIA,
            no(index),
            1,
            "more than " + limits.maxMediaSections() + " media descriptions");
      }
      FieldResult<MediaLine> m = MediaLine.parse(line.value());
      if (m instanceof FieldResult.Bad<MediaLine> bad) {
        return fail(bad, index);
      }
      mediaHasConnection.add(levelHasConnection); // of the level this m= closes
      level = new ArrayList<>();
      media.add(level);
      mediaLines.add(m.value());
      mediaLineNumbers.add(no(index));
      levelHasConnection = false;
      levelDirection = null;
    } else if (t == 'c') {
      if (Connection.parse(line.value()) instanceof FieldResult.Bad<Connection> bad) {
        return fail(bad, index);
      }
      if (levelHasConnection) {
        String where = inMedia ? "m=" + mediaLines.getLast().media() : "session level";
        return fail(SdpError.Kind.DUPLICATE_LINE, no(index), 1, "second c= line at " + where);
      }
      levelHasConnection = true;
    } else if (t == 'a') {
      Direction d = Lines.direction(line).orElse(null);
      if (d != null && levelDirection != null && d != levelDirection) {
        return fail(
            SdpError.Kind.DUPLICATE_LINE,
            no(index),
            3,
            "a=" + d.token() + " contradicts a=" + levelDirection.token() + " before it");
      }
      levelDirection = d != null ? d : levelDirection;
    }
    level.add(line);
    return null;
  }

  private SdpResult finish() {
    boolean sessionConnection = mediaHasConnection.removeFirst();
    for (int i = 0; i < media.size(); i++) {
      MediaLine m = mediaLines.get(i);
      if (m.port() != 0 && !sessionConnection && !mediaHasConnection.get(i)) {
        return fail(
            SdpError.Kind.MISSING_CONNECTION,
            mediaLineNumbers.get(i),
            1,
            "m=" + m.media() + " on port " + m.port() + " has no c= line and the session none");
      }
    }
    byte[] eol = session.getFirst().terminated() ? session.getFirst().lineEnd() : CRLF;
    if (eol.length > 2) {
      // blank lines after v= belong to v=; added lines get only its line end
      eol = eol[0] == '\r' ? CRLF : new byte[] {'\n'};
    }
    List<MediaDescription> ms = new ArrayList<>();
    for (int i = 0; i < media.size(); i++) {
      ms.add(MediaDescription.of(mediaLines.get(i), media.get(i), eol));
    }
    return new SdpResult.Parsed(new SessionDescription(session, ms, lexer.tail(), eol));
  }

  private int no(int index) {
    return lexer.lineNumber(index);
  }

  private SdpResult fail(FieldResult.Bad<?> bad, int index) {
    // the value starts after "x=", at column 3
    return fail(bad.kind(), no(index), bad.offset() + 3, bad.message());
  }

  private static SdpResult fail(SdpError.Kind kind, int line, int column, String message) {
    return new SdpResult.Failed(new SdpError(kind, line, column, message));
  }

  private static String q(String s) {
    return Tokens.quote(s);
  }
}
